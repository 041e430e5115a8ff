// What a cached re-check costs at the registry: the CLI checks images through a counting HTTP front
// on 127.0.0.1 (started and stopped here) that passes every request to the test cluster's real
// registry and records it. A checked image, and a tag pointing at a manifest list, cost one HEAD of
// the tag and nothing else; the first check of the list reads the list and its linux/amd64 manifest
// but no blob its manifest's facts are cached for.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureImages } from './fixture-images';
import { deleteImage, pushImage, pushIndex, type PushedImage } from './push-image';
import { forwardToRegistry, requireTestRegistry } from './registry-support';

const CLI = join(__dirname, '..', '..', 'runner', 'cli', 'main.js');

describe('images check: a cached re-check is one request, also behind a manifest list @cluster', function () {
  this.timeout(300_000);
  const repo = `sfcr${process.pid}`;
  const pushed: PushedImage[] = [];
  const seen: string[] = [];
  let server: http.Server;
  let front = '';
  let cache = '';

  before(async () => {
    await requireTestRegistry();
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      forwardToRegistry(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    front = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    cache = mkdtempSync(join(tmpdir(), 'sf-cr-cache-'));
    const clean = fixtureImages(repo).clean.spec;
    const amd = await pushImage({ ...clean, name: `${repo}:amd64` });
    const arm = await pushImage({ ...clean, name: `${repo}:arm64`, architecture: 'arm64' });
    pushed.push(amd, arm, await pushIndex(`${repo}:multi`, [arm, amd]));
  });

  after(async () => {
    if (server) await new Promise<void>((r) => server.close(() => r()));
    for (const p of pushed) await deleteImage(p).catch(() => undefined);
    if (cache) rmSync(cache, { recursive: true, force: true });
  });

  /** The check of `tag` through the front, and the registry requests it made (the CLI runs as a child, asynchronously: the front lives in this process). */
  const check = async (tag: string, cacheSetting = cache) => {
    seen.length = 0;
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(process.execPath, [CLI, 'images', 'check', `${front}/${repo}:${tag}`, '--json'], { encoding: 'utf8', env: { ...process.env, SHIFTERFLOW_IMAGE_CHECK_CACHE: cacheSetting }, timeout: 120_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
      ),
    );
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0, r.stdout);
    const [result] = JSON.parse(r.stdout);
    return { result, requests: [...seen] };
  };
  const manifests = (tag: string) => `/v2/${repo}/manifests/${tag}`;
  /** A second check of `tag`: one HEAD of it, from the cache, the amd64 image's digest, the first check's findings. */
  const checkedAgainWithOneHead = async (tag: string, first: { findings: unknown }) => {
    const second = await check(tag);
    assert.deepEqual(second.requests, [`HEAD ${manifests(tag)}`]);
    assert.equal(second.result.cached, true);
    assert.equal(second.result.digest, pushed[0].digest);
    assert.deepEqual(second.result.findings, first.findings);
  };

  it('a plain tag: the first check reads the manifest and the blobs; the second is one HEAD of the tag', async () => {
    const first = await check('amd64');
    assert.equal(first.result.cached, false);
    assert.deepEqual(first.requests.slice(0, 2), [`HEAD ${manifests('amd64')}`, `GET ${manifests('amd64')}`]);
    assert.ok(first.requests.filter((q) => q.startsWith(`GET /v2/${repo}/blobs/`)).length >= 2, first.requests.join('\n'));
    await checkedAgainWithOneHead('amd64', first.result);
  });

  it('a manifest list: its first check reads the list and the amd64 manifest (facts already cached: no blob); then one HEAD', async () => {
    const first = await check('multi');
    assert.deepEqual(first.requests, [`HEAD ${manifests('multi')}`, `GET ${manifests('multi')}`, `GET ${manifests(pushed[0].digest)}`]);
    assert.equal(first.result.digest, pushed[0].digest);
    // The list's entry names the manifest it chose: index-<hex>.json beside the facts.
    assert.ok(readdirSync(cache).includes(`index-${pushed[2].digest.slice(7)}.json`), readdirSync(cache).join(' '));
    await checkedAgainWithOneHead('multi', first.result);
  });

  it('a tag moved to another image is read again (the HEAD gives the new digest); without a cache there is no HEAD', async () => {
    const moved = await pushImage({ ...fixtureImages(repo).SI012.spec, name: `${repo}:amd64` });
    pushed.push(moved);
    const again = await check('amd64');
    assert.equal(again.result.cached, false);
    assert.equal(again.result.digest, moved.digest);
    assert.deepEqual(again.result.findings.map((f: { code: string }) => f.code), ['SI012']);
    const off = await check('amd64', 'off');
    assert.equal(off.requests[0], `GET ${manifests('amd64')}`);
    assert.ok(!off.requests.some((q) => q.startsWith('HEAD')), off.requests.join('\n'));
  });
});
