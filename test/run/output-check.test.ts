import assert from 'node:assert/strict';
import { planWorkflow } from '../../runner/plan';
import { BUILTIN_PROFILES } from '../../runner/profiles/profile';
import type { RunEvent } from '../../runner/run/events';
import type { TrackedJob } from '../../runner/run/job-tracker';
import { OUTPUT_RETRY_MS, checkOutputs, heldFailed, missingOutputs, type OutputProbe } from '../../runner/run/output-check';

/** A file system where `path` appears after `looks` looks at it (Infinity: never). */
function lateProbe(appearAfter: Record<string, number>): OutputProbe & { slept: number[] } {
  const looks = new Map<string, number>();
  const slept: number[] = [];
  return {
    slept,
    exists(p) {
      const n = (looks.get(p) ?? 0) + 1;
      looks.set(p, n);
      return n > (appearAfter[p] ?? 0);
    },
    async sleep(ms) {
      slept.push(ms);
    },
  };
}

describe('outputs checked after a job completes', () => {
  const files = { inputs: [], outputs: [{ name: 'a', paths: ['/s/a'] }, { name: 'b', paths: ['/s/b', '/s/c'] }] };

  it('waits a little for a file the shared file system shows late, never more than ~2 s in all', async () => {
    const probe = lateProbe({ '/s/b': 2, '/s/c': Infinity });
    assert.deepEqual(await missingOutputs(files, probe), [{ name: 'b', path: '/s/c' }]);
    assert.deepEqual(probe.slept, OUTPUT_RETRY_MS);
    assert.ok(OUTPUT_RETRY_MS.reduce((a, b) => a + b, 0) <= 2000);
    const quick = lateProbe({});
    assert.deepEqual(await missingOutputs(files, quick), []);
    assert.deepEqual(quick.slept, [], 'no wait when everything is there');
  });

  it('turns a COMPLETED task with a missing output into FAILED, naming it, and holds it FAILED against later rows', async () => {
    const plan = planWorkflow({ version: 1, name: 'w', jobs: { m: { image: 'a:1', command: 'x', matrix: { n: [0, 1] }, outputs: { r: '/s/r${{ matrix.n }}' } } } }, BUILTIN_PROFILES.local);
    const row = (i: number) => ({ externalId: '7', arrayIndex: i, state: 'COMPLETED' as const, exitCode: 0 });
    const job: TrackedJob = { key: 'm', needs: [], cacheKey: 'k', attempt: 1, retriesUsed: 0, launchRetriesUsed: 0, externalId: '7', arraySize: 2, tasks: new Map([[0, row(0)], [1, row(1)]]) };
    const events: RunEvent[] = [];
    const failed = await checkOutputs(plan, [job], (e) => events.push(e), lateProbe({ '/s/r1': Infinity }));
    assert.equal(failed, 1);
    assert.equal(job.tasks.get(0)!.state, 'COMPLETED');
    assert.equal(job.tasks.get(1)!.state, 'FAILED');
    const state = events.find((e) => e.type === 'job-state');
    assert.ok(state?.type === 'job-state' && state.arrayIndex === 1 && state.reason === 'ended COMPLETED without writing output r (/s/r1)', JSON.stringify(state));
    assert.ok(events.some((e) => e.type === 'message' && e.level === 'error' && e.text === 'm[1] ended COMPLETED without writing output r (/s/r1)'));
    const [again] = heldFailed(new Map([['m', job]]), [row(1)]);
    assert.equal(again.state, 'FAILED');
    assert.equal(await checkOutputs(plan, [job], (e) => events.push(e), lateProbe({ '/s/r1': Infinity })), 0, 'each task is looked at once');
  });
});
