// A LayerSource over layers packed in memory (tar-stream pack, gzip, gunzip, tar-stream extract):
// the collector and the rules meet real tar streams without a registry.

import { createGunzip, gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';
import type { LayerSource, SourceEntry } from '../../runner/imagecheck/scan-image';
import type { FileSpec, ImageSpec } from './push-image';

async function tarOf(files: FileSpec[]): Promise<Buffer> {
  const p = pack();
  const parts: Buffer[] = [];
  p.on('data', (c) => void parts.push(c as Buffer));
  const done = new Promise<void>((r) => p.on('end', () => r()));
  for (const f of files) {
    const type = f.type ?? 'file';
    const body = Buffer.from(f.content ?? '');
    const header = { name: f.path.replace(/^\//, ''), type, mode: f.mode ?? (type === 'directory' ? 0o755 : 0o644), uid: f.uid ?? 0, gid: f.gid ?? 0, linkname: f.linkname, size: type === 'file' ? body.length : 0 };
    if (type === 'file') p.entry(header, body);
    else p.entry(header);
  }
  p.finalize();
  await done;
  return gzipSync(Buffer.concat(parts));
}

const TYPES: Record<string, string> = { file: 'file', directory: 'directory', symlink: 'symlink', link: 'hardlink' };

export async function localSource(spec: ImageSpec): Promise<LayerSource> {
  const blobs = await Promise.all(spec.layers.map(tarOf));
  const layers = blobs.map((b, i) => ({ digest: `sha256:${String(i).padStart(64, '0')}`, size: b.length }));
  return {
    location: { reference: `local/${spec.name}` },
    digest: `sha256:${'a'.repeat(64)}`,
    layers,
    compressedSize: layers.reduce((s, l) => s + l.size, 0),
    config: async () => ({ os: 'linux', architecture: spec.architecture ?? 'amd64', env: spec.config?.Env ?? [], entrypoint: spec.config?.Entrypoint ?? [], cmd: spec.config?.Cmd ?? [], workdir: spec.config?.WorkingDir ?? '' }),
    async walkLayers(visitor, onLayer) {
      for (const [i, blob] of blobs.entries()) {
        onLayer?.(i, layers[i]);
        const x = extract();
        Readable.from([blob]).pipe(createGunzip()).pipe(x);
        for await (const e of x) {
          const h = e.header;
          const entry: SourceEntry = { path: '/' + h.name.replace(/^\.?\/+/, '').replace(/\/$/, ''), type: TYPES[h.type ?? 'file'] ?? 'other', mode: h.mode ?? 0, uid: h.uid ?? 0, gid: h.gid ?? 0, size: h.size ?? 0, linkTarget: h.linkname ?? undefined };
          let taken = false;
          await visitor(entry, { chunks: () => ((taken = true), e as AsyncIterable<Buffer>) }, i);
          if (!taken) e.resume();
        }
      }
    },
  };
}
