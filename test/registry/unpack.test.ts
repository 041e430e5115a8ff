// The unpacker (runner/registry/unpack.ts) over layers pushed to the test cluster's real registry:
// hostile layers refused or contained with nothing written outside the rootfs (a canary directory
// beside it stays empty), whiteouts and opaque directories applied, modes kept.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack as tarPack, type Header } from 'tar-stream';
import { RegistryError, openImage } from '../../runner/registry';
import { unpackImage } from '../../runner/registry/unpack';
import { prepareRootfs } from '../../runner/local/image-cache';
import { LocalImageError } from '../../runner/local/registry-ref';
import { localSettings } from '../../runner/local/settings';

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
  assert.equal(put.status, 201, `blob put: ${put.status}`);
  return digest;
}

type Entry = Partial<Header> & { name: string; body?: string };

function tarOf(entries: Entry[]): Promise<Buffer> {
  const p = tarPack();
  for (const { body, ...h } of entries) p.entry({ type: 'file', mode: h.type === 'directory' ? 0o755 : 0o644, ...h }, body ?? '');
  p.finalize();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    p.on('data', (c: unknown) => parts.push(c as Buffer));
    p.on('end', () => resolve(Buffer.concat(parts)));
    p.on('error', reject);
  });
}

/** Pushes an image of these layers (base first) as REPO:TAG and returns its reference. */
async function pushImage(repo: string, tag: string, layers: Entry[][]): Promise<string> {
  const blobs = await Promise.all(layers.map(async (l) => gzipSync(await tarOf(l))));
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Env: ['A=1'] }, rootfs: { type: 'layers', diff_ids: [] } }));
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: await pushBlob(repo, config), size: config.length },
    layers: await Promise.all(blobs.map(async (b) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: await pushBlob(repo, b), size: b.length }))),
  };
  const put = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${tag}`, { method: 'PUT', body: JSON.stringify(manifest), headers: { 'content-type': manifest.mediaType } });
  assert.equal(put.status, 201, `manifest put: ${put.status}`);
  return `docker:${repo}:${tag}`;
}

describe('unpacking an image from the real test registry @engines', function () {
  this.timeout(120_000);
  let dir: string;
  let rootfs: string;
  let canary: string;

  before(async () => {
    const r = await fetch(`http://${REGISTRY}/v2/`).catch((e: Error) => assert.fail(`no registry at ${REGISTRY} (bring the test cluster up: test/cluster/up.sh): ${e.message}`));
    assert.equal(r.status, 200);
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-unpack-'));
    rootfs = join(dir, 'rootfs');
    canary = join(dir, 'canary');
    mkdirSync(canary);
  });
  afterEach(() => {
    spawnChmod(dir);
    rmSync(dir, { recursive: true, force: true });
  });
  const unpack = async (ref: string) => unpackImage(await openImage(ref, { settings }), rootfs);
  const canaryEmpty = () => assert.deepEqual(readdirSync(canary), [], 'something was written outside the rootfs');

  it('refuses a ../ path in a layer, writing nothing outside', async () => {
    const ref = await pushImage('unpack-hostile', 'dotdot', [[{ name: 'ok', body: 'fine' }, { name: '../canary/escaped', body: 'pwned' }]]);
    await assert.rejects(unpack(ref), (e: Error) => e instanceof RegistryError && /points outside the image root/.test(e.message));
    canaryEmpty();
  });

  it('writes an absolute symlink as a link but refuses a file through it', async () => {
    const ref = await pushImage('unpack-hostile', 'abslink', [[{ name: 'out', type: 'symlink', linkname: canary }], [{ name: 'out/escaped', body: 'pwned' }]]);
    await assert.rejects(unpack(ref), (e: Error) => e instanceof RegistryError && /\/out is a symbolic link to .*an absolute path, which unpacking never follows/.test(e.message));
    canaryEmpty();
    assert.equal(readlinkSync(join(rootfs, 'out')), canary);
  });

  it('refuses a file through a relative symlink that climbs above the root', async () => {
    const ref = await pushImage('unpack-hostile', 'uplink', [[{ name: 'up', type: 'symlink', linkname: '../canary' }, { name: 'up/escaped', body: 'pwned' }]]);
    await assert.rejects(unpack(ref), /climbs above the image root/);
    canaryEmpty();
  });

  it('keeps a hard link to an absolute path inside the image and refuses one through an outside link', async () => {
    const inside = await pushImage('unpack-hostile', 'hardlink', [[{ name: 'etc/', type: 'directory' }, { name: 'etc/passwd', body: 'image passwd' }, { name: 'stolen', type: 'link', linkname: '/etc/passwd' }]]);
    await unpack(inside);
    assert.equal(readFileSync(join(rootfs, 'stolen'), 'utf8'), 'image passwd');
    rmSync(rootfs, { recursive: true, force: true });
    const hostile = await pushImage('unpack-hostile', 'hardlink-out', [[{ name: 'out', type: 'symlink', linkname: dir }, { name: 'stolen', type: 'link', linkname: 'out/canary' }]]);
    await assert.rejects(unpack(hostile), /never follows/);
    canaryEmpty();
    assert.equal(existsSync(join(rootfs, 'stolen')), false);
  });

  it('applies whiteouts and opaque directories to lower layers only, and follows relative links inside', async () => {
    const ref = await pushImage('unpack-layers', 'whiteouts', [
      [{ name: 'usr/lib/', type: 'directory' }, { name: 'lib', type: 'symlink', linkname: 'usr/lib' }, { name: 'gone', body: 'x' }, { name: 'tree/a/b', body: 'x' }, { name: 'opq/old', body: 'x' }, { name: 'opq/sub/old', body: 'x' }, { name: 'tree2/sub/', type: 'directory', mode: 0o555 }],
      [{ name: '.wh.gone' }, { name: '.wh.tree' }, { name: 'opq/new', body: 'kept' }, { name: 'opq/.wh..wh..opq' }, { name: 'lib/libx.so', body: 'via link' }, { name: 'tree2', body: 'a file now' }],
    ]);
    const stats = await unpack(ref);
    assert.equal(stats.layers, 2);
    assert.equal(existsSync(join(rootfs, 'gone')), false);
    assert.equal(existsSync(join(rootfs, 'tree')), false);
    assert.deepEqual(readdirSync(join(rootfs, 'opq')), ['new']);
    assert.equal(readFileSync(join(rootfs, 'opq/new'), 'utf8'), 'kept');
    assert.equal(readFileSync(join(rootfs, 'usr/lib/libx.so'), 'utf8'), 'via link');
    assert.equal(lstatSync(join(rootfs, 'lib')).isSymbolicLink(), true);
    assert.equal(readFileSync(join(rootfs, 'tree2'), 'utf8'), 'a file now', 'a file replaces a lower directory and its tree');
  });

  it('keeps modes: executables, setuid, and a read-only directory filled after its entry', async () => {
    const ref = await pushImage('unpack-layers', 'modes', [
      [{ name: 'ro/', type: 'directory', mode: 0o555 }, { name: 'ro/inside', body: 'x', mode: 0o640 }, { name: 'bin/tool', body: '#!/bin/sh\n', mode: 0o4755 }],
      [{ name: 'ro/later', body: 'y', mode: 0o600 }],
    ]);
    await unpack(ref);
    assert.equal(statSync(join(rootfs, 'ro')).mode & 0o7777, 0o555);
    assert.equal(statSync(join(rootfs, 'ro/inside')).mode & 0o7777, 0o640);
    assert.equal(statSync(join(rootfs, 'ro/later')).mode & 0o7777, 0o600);
    assert.equal(statSync(join(rootfs, 'bin/tool')).mode & 0o7777, 0o4755);
    assert.equal(statSync(join(rootfs, 'bin/tool')).uid, process.getuid!());
  });

  it('the image cache: a failed unpack leaves nothing, read-only directories included; a good one is one entry with its config', async () => {
    const cache = join(dir, 'cache');
    const settingsFor = { ...localSettings({ SHIFTERFLOW_REGISTRY: REGISTRY }), imageCache: cache };
    const bad = await pushImage('unpack-hostile', 'late', [[{ name: 'ro/', type: 'directory', mode: 0o555 }, { name: 'ro/f', body: 'x' }], [{ name: 'out', type: 'symlink', linkname: '/' }, { name: 'out/x', body: 'y' }]]);
    await assert.rejects(prepareRootfs(bad, settingsFor, () => {}), (e: Error) => e instanceof LocalImageError && /cannot unpack .*never follows/.test(e.message));
    assert.deepEqual(readdirSync(cache), [], 'no temporary or half-unpacked image left');
    const good = await pushImage('unpack-layers', 'cached', [[{ name: 'etc/', type: 'directory' }, { name: 'etc/image-release', body: 'cached\n' }]]);
    const prepared = await prepareRootfs(good, settingsFor, () => {});
    assert.equal(prepared.engine, 'bwrap');
    assert.deepEqual(prepared.config, { env: ['A=1'], entrypoint: [], cmd: [], workdir: '' });
    assert.equal(readFileSync(join(prepared.handle, 'etc/image-release'), 'utf8'), 'cached\n');
    assert.deepEqual(readdirSync(cache), [prepared.id]);
  });
});

function spawnChmod(path: string): void {
  // Read-only directories of an unpacked image: opened so the test can remove its tree.
  spawnSync('chmod', ['-R', 'u+rwX', path]);
}
