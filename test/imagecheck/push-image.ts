// Images built by the tests themselves and pushed to a real registry with plain HTTP requests of the
// distribution API (POST an upload, PUT the blob, PUT the manifest): layers are written with
// tar-stream's pack and gzipped, so each test says exactly which files, modes and owners an image
// has. Large generated files come from a cheap pseudo-random generator (incompressible for gzip, whose
// window is 32 KB) and are gzipped with level 0 (stored blocks), streamed through a temp file.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';

export const TEST_REGISTRY = process.env.SF_REGISTRY ?? '127.0.0.1:5000';

export interface FileSpec {
  path: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  mode?: number;
  uid?: number;
  gid?: number;
  content?: string | Buffer;
  /** A generated file of this many bytes (pseudo-random, seeded by `seed`). */
  generated?: number;
  seed?: number;
  linkname?: string;
}

export interface ImageSpec {
  /** `repository:tag` in the test registry. */
  name: string;
  layers: FileSpec[][];
  config?: { Env?: string[]; Entrypoint?: string[]; Cmd?: string[]; WorkingDir?: string };
  architecture?: string;
}

export interface PushedImage {
  reference: string;
  digest: string;
  repository: string;
  blobs: string[];
  /** The manifest's size and platform, for an index that lists it. */
  size?: number;
  architecture?: string;
}

interface Blob {
  digest: string;
  size: number;
  file?: string;
  bytes?: Buffer;
}

export async function pushImage(spec: ImageSpec, registry = TEST_REGISTRY): Promise<PushedImage> {
  const [repository, tag] = spec.name.split(':');
  const work = mkdtempSync(join(tmpdir(), 'sf-push-'));
  try {
    const layers: Blob[] = [];
    const diffIds: string[] = [];
    for (const [i, files] of spec.layers.entries()) {
      const { blob, diffId } = await writeLayer(files, join(work, `layer${i}.tar.gz`));
      layers.push(blob);
      diffIds.push(diffId);
    }
    const configBytes = Buffer.from(JSON.stringify({ architecture: spec.architecture ?? 'amd64', os: 'linux', config: spec.config ?? {}, rootfs: { type: 'layers', diff_ids: diffIds } }));
    const config: Blob = { digest: sha256(configBytes), size: configBytes.length, bytes: configBytes };
    for (const b of [...layers, config]) await putBlob(registry, repository, b);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.size },
        layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: l.digest, size: l.size })),
      }),
    );
    await http(registry, 'PUT', `/v2/${repository}/manifests/${tag}`, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }, manifest, [201]);
    return { reference: `${registry}/${spec.name}`, digest: sha256(manifest), repository, blobs: [...layers.map((l) => l.digest), config.digest], size: manifest.length, architecture: spec.architecture ?? 'amd64' };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** An OCI index at `name` (`repository:tag`) listing images pushed to the same repository, each for linux and its architecture. */
export async function pushIndex(name: string, images: PushedImage[], registry = TEST_REGISTRY): Promise<PushedImage> {
  const [repository, tag] = name.split(':');
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: images.map((i) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: i.digest, size: i.size, platform: { os: 'linux', architecture: i.architecture } })),
    }),
  );
  await http(registry, 'PUT', `/v2/${repository}/manifests/${tag}`, { 'content-type': 'application/vnd.oci.image.index.v1+json' }, index, [201]);
  return { reference: `${registry}/${name}`, digest: sha256(index), repository, blobs: [], size: index.length };
}

/** Deletes the manifest and the blobs' links (the registry frees the space at its next garbage collection). */
export async function deleteImage(image: PushedImage, registry = TEST_REGISTRY): Promise<void> {
  await http(registry, 'DELETE', `/v2/${image.repository}/manifests/${image.digest}`, {}, undefined, [202, 404]);
  for (const b of image.blobs) await http(registry, 'DELETE', `/v2/${image.repository}/blobs/${b}`, {}, undefined, [202, 404]);
}

async function writeLayer(files: FileSpec[], file: string): Promise<{ blob: Blob; diffId: string }> {
  const tar = pack();
  const tarHash = createHash('sha256');
  const gzHash = createHash('sha256');
  let size = 0;
  const tee = (hash: ReturnType<typeof createHash>, count?: boolean) =>
    new Transform({
      transform(chunk: Buffer, _e, done) {
        hash.update(chunk);
        if (count) size += chunk.length;
        done(null, chunk);
      },
    });
  const written = pipeline(tar, tee(tarHash), createGzip({ level: 0 }), tee(gzHash, true), createWriteStream(file));
  for (const f of files) await addEntry(tar, f);
  tar.finalize();
  await written;
  return { blob: { digest: `sha256:${gzHash.digest('hex')}`, size, file }, diffId: `sha256:${tarHash.digest('hex')}` };
}

function addEntry(tar: ReturnType<typeof pack>, f: FileSpec): Promise<void> {
  const type = f.type ?? 'file';
  const header = { name: f.path.replace(/^\//, ''), type, mode: f.mode ?? (type === 'directory' ? 0o755 : 0o644), uid: f.uid ?? 0, gid: f.gid ?? 0, linkname: f.linkname, mtime: new Date(0) };
  if (type !== 'file') return new Promise((resolve, reject) => tar.entry(header, (err) => (err ? reject(err) : resolve())));
  if (f.generated === undefined) {
    const body = Buffer.from(f.content ?? '');
    return new Promise((resolve, reject) => tar.entry({ ...header, size: body.length }, body, (err) => (err ? reject(err) : resolve())));
  }
  return new Promise((resolve, reject) => {
    const entry = tar.entry({ ...header, size: f.generated }, (err) => (err ? reject(err) : resolve()));
    pipeline(generatedBytes(f.generated!, f.seed ?? 1), entry).catch(reject);
  });
}

/** xorshift32 into a 1 MiB block, the block varied per MiB: cheap, and nothing for gzip to find in its 32 KB window. */
export function generatedBytes(total: number, seed: number): Readable {
  const block = Buffer.alloc(1 << 20);
  const words = new Uint32Array(block.buffer, block.byteOffset, block.length / 4);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  let sent = 0;
  let round = 0;
  return new Readable({
    read() {
      if (sent >= total) return void this.push(null);
      const n = Math.min(block.length, total - sent);
      const chunk = Buffer.from(block.subarray(0, n));
      chunk.writeUInt32LE(round++, 0);
      sent += n;
      this.push(chunk);
    },
  });
}

async function putBlob(registry: string, repository: string, blob: Blob): Promise<void> {
  const head = await http(registry, 'HEAD', `/v2/${repository}/blobs/${blob.digest}`, {}, undefined, [200, 404]);
  if (head.status === 200) return;
  const start = await http(registry, 'POST', `/v2/${repository}/blobs/uploads/`, {}, undefined, [202]);
  const location = new URL(start.headers.location as string, `http://${registry}`);
  location.searchParams.set('digest', blob.digest);
  const body = blob.bytes ?? createReadStream(blob.file!);
  const size = blob.bytes ? blob.bytes.length : statSync(blob.file!).size;
  await http(registry, 'PUT', location.pathname + location.search, { 'content-type': 'application/octet-stream', 'content-length': String(size) }, body, [201]);
}

function http(registry: string, method: string, path: string, headers: Record<string, string>, body: Buffer | Readable | undefined, ok: number[]): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const [host, port] = registry.split(':');
  return new Promise((resolve, reject) => {
    const req = request({ host, port: Number(port || 80), method, path, headers: body instanceof Buffer ? { ...headers, 'content-length': String(body.length) } : headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => {
        const text = Buffer.concat(parts).toString();
        if (!ok.includes(res.statusCode ?? 0)) reject(new Error(`${method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`));
        else resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text });
      });
    });
    req.on('error', reject);
    if (body instanceof Readable) body.pipe(req);
    else req.end(body);
  });
}

function sha256(b: Buffer): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}
