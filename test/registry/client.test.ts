// The registry client against the test cluster's REAL registry (127.0.0.1:5000, plain HTTP;
// test/cluster/images.sh built what it holds): images read as they were pushed, an index pushed here
// resolved per platform, a zstd layer with whiteouts built and pushed here with plain HTTP PUTs, and
// the errors a user meets. Needs only the registry, so tagged like the local-engine tests.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { pack as tarPack } from 'tar-stream';
import { MergedIndex, RegistryError, openImage, type LayerEntry } from '../../runner/registry';

const REGISTRY = process.env.SHIFTERFLOW_TEST_CLUSTER_REGISTRY ?? '127.0.0.1:5000';
const settings = { registry: REGISTRY };
const sha = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function pushBlob(repo: string, bytes: Buffer): Promise<string> {
  const digest = sha(bytes);
  const start = await fetch(`http://${REGISTRY}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  assert.equal(start.status, 202, `upload start: ${start.status}`);
  const loc = new URL(start.headers.get('location')!, `http://${REGISTRY}`);
  loc.searchParams.set('digest', digest);
  const put = await fetch(loc, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(put.status, 201, `blob put: ${put.status} ${await put.text()}`);
  return digest;
}

async function pushManifest(repo: string, tag: string, body: object, mediaType: string): Promise<string> {
  const bytes = Buffer.from(JSON.stringify(body));
  const put = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${tag}`, { method: 'PUT', body: bytes, headers: { 'content-type': mediaType } });
  assert.equal(put.status, 201, `manifest put: ${put.status} ${await put.text()}`);
  return sha(bytes);
}

function tarOf(entries: { name: string; body?: string; type?: 'directory' | 'symlink'; linkname?: string }[]): Promise<Buffer> {
  const p = tarPack();
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: e.type === 'directory' ? 0o755 : 0o644 }, e.body ?? '');
  p.finalize();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    p.on('data', (c: unknown) => parts.push(c as Buffer));
    p.on('end', () => resolve(Buffer.concat(parts)));
    p.on('error', reject);
  });
}

function zstd(bytes: Buffer): Buffer {
  const r = spawnSync('zstd', ['-q', '-c'], { input: bytes, maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, `zstd CLI failed or is missing (apt-get install zstd): ${r.error?.message ?? r.stderr}`);
  return r.stdout;
}

async function manifestDigest(repo: string, tag: string): Promise<{ digest: string; size: number; mediaType: string }> {
  const r = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${tag}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  assert.equal(r.status, 200);
  const bytes = Buffer.from(await r.arrayBuffer());
  return { digest: sha(bytes), size: bytes.length, mediaType: r.headers.get('content-type')!.split(';')[0] };
}

describe('registry client against the real test registry @engines', function () {
  this.timeout(120_000);

  before(async () => {
    const r = await fetch(`http://${REGISTRY}/v2/`).catch((e: Error) => assert.fail(`no registry at ${REGISTRY} (bring the test cluster up: test/cluster/up.sh): ${e.message}`));
    assert.equal(r.status, 200);
  });

  it('resolves a tag to its manifest digest and reads the config', async () => {
    const image = await openImage('docker:workflow:latest', { settings });
    assert.equal(image.digest, (await manifestDigest('workflow', 'latest')).digest);
    assert.equal(image.location.reference, `${REGISTRY}/workflow:latest`);
    const config = await image.config();
    assert.equal(config.architecture, 'amd64');
    assert.ok(config.env.includes('SF_IMAGE_NAME=workflow'), config.env.join(' '));
    assert.deepEqual(config.entrypoint, ['/bin/echo', 'entrypoint-ran']);
    assert.equal(config.workdir, '/srv/workdir');
  });

  it('walks the layers and reads a file the visitor asks for', async () => {
    const image = await openImage('workflow_manager:latest', { settings });
    const index = new MergedIndex<LayerEntry>();
    let name = '';
    const stats = await image.walkLayers(async (entry, content) => {
      if (entry.whiteout) return index.whiteout(entry.whiteout);
      index.add(entry.path, entry, entry.type === 'directory');
      if (entry.path === '/etc/sf-image-name') name = (await content.read()).toString().trim();
    }, () => index.nextLayer());
    assert.equal(stats.length, image.layers.length);
    assert.equal(name, 'workflow_manager:latest');
    assert.equal(index.get('/bin/busybox')?.type, 'file');
    assert.equal(stats.reduce((s, l) => s + l.compressedBytes, 0), image.compressedSize);
  });

  it('resolves an index to linux/amd64, another platform on request, and names the platforms when there is none', async () => {
    const repo = 'sftest/registry-multi';
    const variant = async (architecture: string) => {
      const layer = spawnSync('gzip', ['-c'], { input: await tarOf([{ name: 'arch', body: architecture }]) }).stdout;
      const config = Buffer.from(JSON.stringify({ architecture, os: 'linux', config: {} }));
      const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: await pushBlob(repo, config), size: config.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: await pushBlob(repo, layer), size: layer.length }] };
      const digest = await pushManifest(repo, architecture, manifest, manifest.mediaType);
      return { mediaType: manifest.mediaType, digest, size: Buffer.byteLength(JSON.stringify(manifest)), platform: { os: 'linux', architecture } };
    };
    const arm = await variant('arm64');
    const amd = await variant('amd64');
    const index = { schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json', manifests: [arm, amd] };
    const indexDigest = await pushManifest(repo, 'multi', index, index.mediaType);
    const image = await openImage(`${repo}:multi`, { settings });
    assert.equal(image.digest, amd.digest);
    assert.equal(image.tagDigest, indexDigest);
    assert.equal((await image.config()).architecture, 'amd64');
    const other = await openImage(`${repo}:multi`, { settings, platform: { os: 'linux', architecture: 'arm64' } });
    assert.equal(other.digest, arm.digest);
    await assert.rejects(openImage(`${repo}:multi`, { settings, platform: { os: 'linux', architecture: 's390x' } }), (e: Error) => {
      assert.ok(e instanceof RegistryError && e.problem === 'unsupported');
      assert.match(e.message, /no linux\/s390x image \(it has linux\/arm64, linux\/amd64\)/);
      return true;
    });
  });

  it('reads a zstd layer and applies its whiteouts over the layer below', async () => {
    const repo = 'sftest/registry-zstd';
    const lower = await tarOf([{ name: 'app/', type: 'directory' }, { name: 'app/keep', body: 'keep' }, { name: 'app/gone', body: 'gone' }, { name: 'data/', type: 'directory' }, { name: 'data/old', body: 'old' }, { name: 'link', type: 'symlink', linkname: '/app/keep' }]);
    const upper = await tarOf([{ name: 'app/.wh.gone' }, { name: 'data/new', body: 'new' }, { name: 'data/.wh..wh..opq' }, { name: 'app/zstd.txt', body: 'through zstd' }]);
    const lowerGz = spawnSync('gzip', ['-c'], { input: lower }).stdout;
    const upperZst = zstd(upper);
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Env: ['A=1'], User: '1000:1000' }, rootfs: { type: 'layers', diff_ids: [sha(lower), sha(upper)] } }));
    const layers = [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: await pushBlob(repo, lowerGz), size: lowerGz.length },
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', digest: await pushBlob(repo, upperZst), size: upperZst.length },
    ];
    const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: await pushBlob(repo, config), size: config.length }, layers };
    await pushManifest(repo, 'v1', manifest, manifest.mediaType);

    const image = await openImage(`${repo}:v1`, { settings });
    assert.equal((await image.config()).user, '1000:1000');
    const index = new MergedIndex<LayerEntry>();
    let text = '';
    await image.walkLayers(async (entry, content) => {
      if (entry.whiteout) return index.whiteout(entry.whiteout);
      index.add(entry.path, entry, entry.type === 'directory');
      if (entry.path === '/app/zstd.txt') text = (await content.read()).toString();
    }, () => index.nextLayer());
    assert.equal(text, 'through zstd');
    assert.deepEqual([...index.entries()].map(([p]) => p).sort(), ['/app', '/app/keep', '/app/zstd.txt', '/data', '/data/new', '/link']);
    assert.equal(index.get('/link')?.linkTarget, '/app/keep');
  });

  it('a layer longer than its manifest says is refused as broken', async () => {
    const repo = 'sftest/registry-broken';
    const layer = spawnSync('gzip', ['-c'], { input: await tarOf([{ name: 'f', body: 'x'.repeat(5000) }]) }).stdout;
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {} }));
    const manifest = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: await pushBlob(repo, config), size: config.length }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: await pushBlob(repo, layer), size: 10 }] };
    await pushManifest(repo, 'short', manifest, manifest.mediaType);
    const image = await openImage(`${repo}:short`, { settings });
    await assert.rejects(image.walkLayer(0, () => undefined), (e: Error) => {
      assert.ok(e instanceof RegistryError && e.problem === 'broken-layer', String(e));
      assert.match(e.message, /more than the 10 bytes its manifest declares/);
      return true;
    });
  });

  it('an unknown tag is a 404 naming the tag, an unreachable registry a network error', async () => {
    await assert.rejects(openImage('workflow:no-such-tag', { settings }), (e: Error) => {
      assert.ok(e instanceof RegistryError && e.problem === 'not-found' && e.status === 404);
      assert.match(e.message, /no tag "no-such-tag" in repository "workflow"/);
      return true;
    });
    await assert.rejects(openImage('workflow:latest', { settings: { registry: '127.0.0.1:9' } }), (e: Error) => {
      assert.ok(e instanceof RegistryError && e.problem === 'network', String(e));
      assert.match(e.message, /cannot reach registry 127\.0\.0\.1:9/);
      return true;
    });
  });
});
