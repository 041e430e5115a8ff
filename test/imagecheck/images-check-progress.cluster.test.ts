// `images check` prints a progress line per layer on a terminal, and with SHIFTERFLOW_PROGRESS=1 without
// one (the editor's Check Image for Shifter reads them from a pipe); against the test cluster's real
// registry with an image this test pushes.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseLayer } from './fixture-images';
import { deleteImage, pushImage, type PushedImage } from './push-image';
import { requireTestRegistry } from './registry-support';

const CLI = join(__dirname, '..', '..', 'runner', 'cli', 'main.js');

describe('images check progress lines without a terminal @cluster', function () {
  this.timeout(300_000);
  let pushed: PushedImage | undefined;
  let cache: string;

  before(async () => {
    await requireTestRegistry();
    cache = mkdtempSync(join(tmpdir(), 'sf-icp-cache-'));
    pushed = await pushImage({ name: `sficp${process.pid}-two:1`, layers: [baseLayer(), [{ path: '/usr/local/bin/tool', content: '#!/bin/sh\n', mode: 0o755 }]], config: { Env: ['PATH=/usr/local/bin:/usr/bin:/bin'] } });
  });

  after(async () => {
    if (pushed) await deleteImage(pushed).catch(() => undefined);
    if (cache) rmSync(cache, { recursive: true, force: true });
  });

  const check = (extra: Record<string, string>, dir: string) =>
    spawnSync(process.execPath, [CLI, 'images', 'check', pushed!.reference, '--json'], { encoding: 'utf8', env: { ...process.env, SHIFTERFLOW_IMAGE_CHECK_CACHE: join(cache, dir), ...extra } });

  it('SHIFTERFLOW_PROGRESS=1: one line per layer on stderr, the JSON on stdout as without it', () => {
    const quiet = check({}, 'a');
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.equal(quiet.stderr, '', 'no terminal, no progress');
    const r = check({ SHIFTERFLOW_PROGRESS: '1' }, 'b');
    assert.equal(r.status, 0, r.stderr);
    const ref = pushed!.reference.replace(/[.]/g, '\\.');
    assert.match(r.stderr, new RegExp(`^${ref}: layer 1/2 \\([0-9.]+ MB\\)\\n${ref}: layer 2/2 \\([0-9.]+ MB\\)\\n$`));
    assert.deepEqual(JSON.parse(r.stdout)[0].findings, JSON.parse(quiet.stdout)[0].findings);
  });
});
