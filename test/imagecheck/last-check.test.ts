// The editor's view of a past check: findings recomputed from the facts cache for a workflow's use
// (no registry: a LayerSource over packed layers fills the cache), the reference a written image
// stands for, and the summary line.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkImage } from '../../runner/imagecheck/check-image';
import { factsCache } from '../../runner/imagecheck/facts-cache';
import { cachedFindings, checkSummary, imageReference, lastCheckOf } from '../../runner/imagecheck/last-check';
import { fixtureImages } from './fixture-images';
import { localSource } from './local-source';

describe('last check (for the editor)', () => {
  const images = fixtureImages('last');
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sf-last-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('recomputes the findings from the cached facts for the use given, without opening the image', async () => {
    const cache = factsCache(dir);
    const spec = { ...images.SI012.spec, config: { ...images.SI012.spec.config, Entrypoint: ['/usr/bin/sudo'] } };
    const source = await localSource(spec);
    const first = await checkImage('docker:last-si012:1', {}, { open: async () => source, cache });
    assert.deepEqual(first.findings.map((f) => f.code), ['SI011', 'SI012']);
    const use = { job: 'j', mpi: false, entrypoint: true, commands: ['python3 x.py'], workdirs: [], volumeTargets: [] };
    // A job that asks for the ENTRYPOINT: SI011 goes, SI012 stays.
    assert.deepEqual(cachedFindings(first.digest!, { uses: [use] }, cache)?.map((f) => f.code), ['SI012']);
    assert.deepEqual(cachedFindings(first.digest!, {}, cache)?.map((f) => f.code), ['SI011', 'SI012']);
    assert.equal(cachedFindings(`sha256:${'0'.repeat(64)}`, {}, cache), undefined);
  });

  it('records the last check of each reference (the CLI\'s too), so the editor finds it without a request', async () => {
    const cache = factsCache(dir);
    const source = await localSource(images.SI012.spec);
    const t0 = Date.now();
    const first = await checkImage('docker:127.0.0.1:5000/last-si012:1', {}, { open: async () => source, cache });
    const last = lastCheckOf(first.reference, cache);
    assert.equal(last?.digest, first.digest);
    assert.ok(last!.checkedAt >= t0 && last!.checkedAt <= Date.now());
    assert.deepEqual(last!.findings.map((f) => f.code), first.findings.map((f) => f.code));
    // A cached re-check (the tag's digest from one request) records it again, later.
    const handle = () => ({ reference: first.reference, tagDigest: async () => first.digest, open: async () => assert.fail('a cached check opens nothing') });
    cache.writeChecked!(first.reference, first.digest!, 1);
    const again = await checkImage('docker:127.0.0.1:5000/last-si012:1', {}, { open: async () => assert.fail('not opened'), handle, cache });
    assert.equal(again.cached, true);
    assert.ok(lastCheckOf(first.reference, cache)!.checkedAt >= t0);
    // Another reference, a damaged record, or facts gone: no last check.
    assert.equal(lastCheckOf('127.0.0.1:5000/last-si012:2', cache), undefined);
    cache.writeChecked!('127.0.0.1:5000/gone:1', `sha256:${'1'.repeat(64)}`);
    assert.equal(lastCheckOf('127.0.0.1:5000/gone:1', cache), undefined);
    writeFileSync(join(dir, `ref-${encodeURIComponent(first.reference)}.json`), '{"version":1,"reference":');
    assert.equal(lastCheckOf(first.reference, cache), undefined);
  });

  it('names the reference a check reads, with SHIFTERFLOW_REGISTRY applied', () => {
    assert.equal(imageReference('docker:ubuntu:22.04', {}), 'docker.io/library/ubuntu:22.04');
    assert.equal(imageReference('ubuntu', {}), 'docker.io/library/ubuntu:latest');
    assert.equal(imageReference('docker:tools:1', { SHIFTERFLOW_REGISTRY: '127.0.0.1:5000' }), '127.0.0.1:5000/tools:1');
    assert.equal(imageReference('docker:127.0.0.1:5000/tools:1', {}), '127.0.0.1:5000/tools:1');
    assert.equal(imageReference('not an image', {}), undefined);
  });

  it('summarizes by severity with the codes', () => {
    assert.equal(checkSummary([]), 'no findings');
    assert.equal(
      checkSummary([
        { code: 'SI001', severity: 'error' },
        { code: 'SI011', severity: 'warning' },
        { code: 'SI012', severity: 'warning' },
      ]),
      '1 error (SI001), 2 warnings (SI011, SI012)',
    );
    assert.equal(checkSummary([{ code: 'SI018', severity: 'warning' }, { code: 'SI018', severity: 'warning' }]), '2 warnings (SI018)');
  });
});
