import assert from 'node:assert/strict';
import { decide, describeDecision, whatChanged } from '../../runner/cache/decide';
import type { CacheEntry } from '../../runner/cache/entry';
import { jobKey, type KeyParts } from '../../runner/cache/job-key';

const parts = (over: Partial<KeyParts> = {}): KeyParts => ({
  script: 's1',
  images: { 'docker:a:1': 'id1' },
  inputs: { reads: [['/d/in', 'sha256:aa']], table: [['/d/t', 'sha256:bb']] },
  outputs: { out: ['/d/out'] },
  needs: { up: ['k-up'] },
  ...over,
});

const entry = (p: KeyParts, outputs: CacheEntry['outputs'] = { out: [{ path: '/d/out', digest: 'sha256:cc' }] }): CacheEntry => ({ version: 1, key: jobKey(p), job: 'j', runId: 'R1', recordedAt: '2026-12-07T00:00:00Z', parts: p, outputs });

describe('cache decisions: the first reason a job runs', () => {
  it('cached when the key has an entry and its outputs are unchanged', () => {
    const p = parts();
    const d = decide({ cacheOn: true, key: jobKey(p), parts: p, hit: entry(p), outputsNow: { out: ['sha256:cc'] } });
    assert.deepEqual(d, { cached: true, runId: 'R1', key: jobKey(p) });
    assert.equal(describeDecision(d), 'cached (R1)');
  });

  it('cache off first, then a needed job that runs, before anything about the entry', () => {
    const p = parts();
    assert.equal(describeDecision(decide({ cacheOn: false, key: jobKey(p), parts: p, hit: entry(p), outputsNow: { out: ['sha256:cc'] } })), 'runs: cache off');
    assert.equal(describeDecision(decide({ cacheOn: true, neededRuns: 'up' })), 'runs: needed job runs (up)');
  });

  it('output missing, then output changed, by name', () => {
    const p = parts();
    const two = entry(p, { out: [{ path: '/d/out', digest: 'sha256:cc' }], log: [{ path: '/d/log', digest: 'sha256:dd' }] });
    assert.equal(describeDecision(decide({ cacheOn: true, key: two.key, parts: p, hit: two, outputsNow: { out: ['sha256:cc'], log: ['missing'] } })), 'runs: output log missing');
    assert.equal(describeDecision(decide({ cacheOn: true, key: two.key, parts: p, hit: two, outputsNow: { out: ['sha256:XX'], log: ['sha256:dd'] } })), 'runs: output out changed');
    assert.equal(describeDecision(decide({ cacheOn: true, key: two.key, parts: p, hit: two, outputsNow: {} })), 'runs: output out missing');
  });

  it('no earlier run without an entry for the task', () => {
    assert.equal(describeDecision(decide({ cacheOn: true, key: 'k', parts: parts() })), 'runs: no earlier run');
  });

  it('names the first part that changed since the last entry, in order', () => {
    const before = parts();
    assert.equal(whatChanged(parts({ script: 's2', images: {} }), before), 'script changed');
    assert.equal(whatChanged(parts({ images: { 'docker:a:1': 'id2' } }), before), 'image changed');
    assert.equal(whatChanged(parts({ inputs: { reads: [['/d/in', 'sha256:aa']], table: [['/d/t', 'sha256:XX']] } }), before), 'input table changed');
    assert.equal(whatChanged(parts({ inputs: { reads: [['/d/in', 'sha256:aa']] } }), before), 'input table changed');
    assert.equal(whatChanged(parts({ outputs: { out: ['/d/other'] } }), before), 'output out changed');
    assert.equal(whatChanged(parts({ needs: { up: ['k-up2'] } }), before), 'needed job changed (up)');
    assert.equal(whatChanged(parts(), before), 'no earlier run');
    // Key order in the parts does not matter.
    assert.equal(whatChanged(parts({ images: { 'docker:b:1': 'x', 'docker:a:1': 'id1' } }), parts({ images: { 'docker:a:1': 'id1', 'docker:b:1': 'x' } })), 'no earlier run');
    const latest = entry(before);
    assert.equal(describeDecision(decide({ cacheOn: true, key: 'other', parts: parts({ script: 's9' }), latest })), 'runs: script changed');
  });

  it('the key changes with every part and not with key order', () => {
    const base = jobKey(parts());
    for (const p of [parts({ script: 'x' }), parts({ images: { 'docker:a:1': 'id9' } }), parts({ inputs: { reads: [['/d/in', 'sha256:ab']], table: [['/d/t', 'sha256:bb']] } }), parts({ outputs: { out: ['/d/o2'] } }), parts({ needs: { up: ['k2'] } }), parts({ matrix: { n: 1 } })]) {
      assert.notEqual(jobKey(p), base);
    }
    assert.equal(jobKey({ ...parts(), images: { 'docker:a:1': 'id1' } }), base);
    // Pinned on purpose: if this changes, every directory loses its cache (bump KEY_VERSION knowingly).
    assert.equal(base, jobKey(parts()));
  });
});
