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
import { deleteImage, pushImage, pushIndex, TEST_REGISTRY, type PushedImage } from './push-image';

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
    const res = await fetch(`http://${TEST_REGISTRY}/v2/`).catch((e) => assert.fail(`PREREQUISITE: no registry at ${TEST_REGISTRY}: ${e}`));
    assert.equal(res.status, 200);
    const [host, port] = TEST_REGISTRY.split(':');
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const up = http.request({ host, port: Number(port), method: req.method, path: req.url, headers: { accept: req.headers.accept ?? '*/*' } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.writeHead(502).end());
      up.end();
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

  it('a plain tag: the first check reads the manifest and the blobs; the second is one HEAD of the tag', async () => {
    const first = await check('amd64');
    assert.equal(first.result.cached, false);
    assert.deepEqual(first.requests.slice(0, 2), [`HEAD ${manifests('amd64')}`, `GET ${manifests('amd64')}`]);
    assert.ok(first.requests.filter((q) => q.startsWith(`GET /v2/${repo}/blobs/`)).length >= 2, first.requests.join('\n'));
    const second = await check('amd64');
    assert.deepEqual(second.requests, [`HEAD ${manifests('amd64')}`]);
    assert.equal(second.result.cached, true);
    assert.equal(second.result.digest, pushed[0].digest);
    assert.deepEqual(second.result.findings, first.result.findings);
  });

  it('a manifest list: its first check reads the list and the amd64 manifest (facts already cached: no blob); then one HEAD', async () => {
    const first = await check('multi');
    assert.deepEqual(first.requests, [`HEAD ${manifests('multi')}`, `GET ${manifests('multi')}`, `GET ${manifests(pushed[0].digest)}`]);
    assert.equal(first.result.digest, pushed[0].digest);
    // The list's entry names the manifest it chose: index-<hex>.json beside the facts.
    assert.ok(readdirSync(cache).includes(`index-${pushed[2].digest.slice(7)}.json`), readdirSync(cache).join(' '));
    const second = await check('multi');
    assert.deepEqual(second.requests, [`HEAD ${manifests('multi')}`]);
    assert.equal(second.result.cached, true);
    assert.equal(second.result.digest, pushed[0].digest);
    assert.deepEqual(second.result.findings, first.result.findings);
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
