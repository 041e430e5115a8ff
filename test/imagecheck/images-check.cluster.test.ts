// `shifterflow images check` against the test cluster's real registry (127.0.0.1:5000, plain HTTP)
// with images these tests build and push themselves: one per finding plus a clean one, an unknown
// image, and a 1 GB image whose check must stay in bounded memory. The CLI runs as a child process.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureImages, baseLayer } from './fixture-images';
import { deleteImage, pushImage, TEST_REGISTRY, type PushedImage } from './push-image';
import { requireTestRegistry } from './registry-support';

const CLI = join(__dirname, '..', '..', 'runner', 'cli', 'main.js');

function cli(args: string[], cache: string, wrap: string[] = []) {
  const [cmd, ...rest] = wrap.length > 0 ? [...wrap, process.execPath, CLI, ...args] : [process.execPath, CLI, ...args];
  return spawnSync(cmd, rest, { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache, SHIFTERFLOW_IMAGE_CHECK_CACHE: '' }, timeout: 600_000 });
}

describe('images check against the real registry @cluster', function () {
  this.timeout(900_000);
  const prefix = `sfic${process.pid}`;
  const images = fixtureImages(prefix);
  const pushed: PushedImage[] = [];
  let cache: string;

  before(async () => {
    await requireTestRegistry();
    cache = mkdtempSync(join(tmpdir(), 'sf-ic-cache-'));
    for (const f of Object.values(images)) pushed.push(await pushImage(f.spec));
  });

  after(async () => {
    for (const p of pushed) await deleteImage(p).catch(() => undefined);
    if (cache) rmSync(cache, { recursive: true, force: true });
  });

  for (const [name, fixture] of Object.entries(fixtureImages(prefix))) {
    it(`${name}: ${fixture.expect ? `${fixture.expect.code} with its paths` : 'as expected'}`, () => {
      const r = cli(['images', 'check', `${TEST_REGISTRY}/${fixture.spec.name}`, '--json'], cache);
      assert.equal(r.stderr, '');
      const [result] = JSON.parse(r.stdout);
      const codes = result.findings.map((f: { code: string }) => f.code);
      if (!fixture.expect) {
        assert.deepEqual(codes, []);
        assert.equal(r.status, 0);
        return;
      }
      const f = result.findings.find((x: { code: string }) => x.code === fixture.expect!.code);
      assert.ok(f, JSON.stringify(result.findings));
      assert.deepEqual(f.paths, fixture.expect.paths);
      assert.equal(r.status, result.findings.some((x: { severity: string }) => x.severity === 'error') ? 1 : 0);
    });
  }

  it('prints findings as text; the second check of an image comes from the cache', () => {
    const ref = `${TEST_REGISTRY}/${images.SI012.spec.name}`;
    const r = cli(['images', 'check', ref], cache);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /warning SI012 2 setuid\/setgid files/);
    assert.match(r.stdout, /paths: \/usr\/bin\/sudo, \/usr\/bin\/wall/);
    const j = JSON.parse(cli(['images', 'check', ref, '--json'], cache).stdout);
    assert.equal(j[0].cached, true);
  });

  it('an unknown image is a clear error, no stack trace', () => {
    const r = cli(['images', 'check', `${TEST_REGISTRY}/${prefix}-nosuch:1`], cache);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^shifterflow: .*nosuch/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('checks a 1 GB image (10 layers) in bounded memory', async () => {
    const layers = Array.from({ length: 10 }, (_, i) => [{ path: `/data/blob${i}`, generated: 100 * 1024 ** 2, seed: i + 1 }]);
    const big = await pushImage({ name: `${prefix}-big:1`, layers: [baseLayer(), ...layers], config: { Cmd: ['sh'] } });
    pushed.push(big);
    const r = cli(['images', 'check', big.reference, '--json'], cache, ['/usr/bin/time', '-v']);
    assert.equal(r.status, 0, r.stderr);
    const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
    const [result] = JSON.parse(r.stdout);
    assert.ok(result.facts === undefined);
    assert.ok(peakKb > 0 && peakKb < 200 * 1024, `peak RSS ${peakKb} kB`);
  });
});
