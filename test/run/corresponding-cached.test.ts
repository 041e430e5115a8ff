// A matrix that reads element i of another matrix (aftercorr), both partly taken from the cache:
// Slurm reads aftercorr on an array without task i as "after the whole array", so a downstream task
// whose upstream task came from the cache (and is in no submission) must be listed apart to wait for
// nothing there; a job reading single elements waits for none that were cached (afterok:ID_T).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskDecision } from '../../runner/cache/cache-session';
import { planWorkflow } from '../../runner/plan';
import type { RunCache } from '../../runner/run/cached-jobs';
import type { Executor, Submission, TaskStatus } from '../../runner/run/executor';
import { correspondingDependencies } from '../../runner/run/job-submission';
import type { TrackedJob } from '../../runner/run/job-tracker';
import { createRunDir } from '../../runner/run/run-dir';
import { runWorkflow } from '../../runner/run/run-workflow';
import { parseArraySpec } from '../../runner/plan/array-indices';
import { validateText } from '../../runner/workflow/validate';

/** Submits every array as asked; every task it holds completes at the first poll. */
class Recorder implements Executor {
  readonly name = 'fake';
  readonly submitted: Submission[] = [];
  private readonly tasks = new Map<string, number[] | undefined>();
  async submit(sub: Submission): Promise<string> {
    this.submitted.push(sub);
    const id = String(500 + this.submitted.length);
    this.tasks.set(id, sub.array !== undefined ? parseArraySpec(sub.array).indices : sub.job === 'c' ? undefined : [0, 1, 2, 3]);
    return id;
  }
  async poll(ids: string[]): Promise<TaskStatus[]> {
    return ids.flatMap((externalId) => {
      const tasks = this.tasks.get(externalId);
      return tasks === undefined ? [{ externalId, state: 'COMPLETED' as const, exitCode: 0 }] : tasks.map((arrayIndex) => ({ externalId, arrayIndex, state: 'COMPLETED' as const, exitCode: 0 }));
    });
  }
  async cancel(): Promise<void> {}
  async findByComment(): Promise<string | undefined> {
    return undefined;
  }
  async close(): Promise<void> {}
}

const WF = `version: 1
name: corr
profile: { base: slurm, siteFileSystems: [/g] }
defaults: { account: m1234, time: "00:05:00" }
images: { box: "docker:busybox:1.36" }
jobs:
  a:
    image: box
    matrix: { n: [0, 1, 2, 3] }
    inputs: { raw: "/g/raw\${{ matrix.n }}" }
    outputs: { o: "/g/a\${{ matrix.n }}" }
    command: cp \${{ inputs.raw }} \${{ outputs.o }}
  b:
    image: box
    matrix: { n: [0, 1, 2, 3] }
    inputs: { from_a: "/g/a\${{ matrix.n }}", own: "/g/own\${{ matrix.n }}" }
    outputs: { o: "/g/b\${{ matrix.n }}" }
    command: cat \${{ inputs.from_a }} \${{ inputs.own }} > \${{ outputs.o }}
  c:
    image: box
    inputs: { some: [/g/a1, /g/a2] }
    outputs: { o: /g/c }
    command: cat \${{ inputs.some }} > \${{ outputs.o }}
`;

/** The cache serves these tasks of each matrix; everything else runs. */
function cacheServing(cached: Record<string, number[]>): RunCache {
  return {
    decideAll: () =>
      new Map(
        Object.entries({ a: 4, b: 4, c: undefined }).map(([job, size]): [string, TaskDecision[]] => [
          job,
          size === undefined
            ? [{ decision: { cached: false, reason: 'input some changed' } }]
            : Array.from({ length: size }, (_, index) => ({ index, decision: cached[job]?.includes(index) ? { cached: true as const, runId: 'r0', key: `k${job}${index}` } : { cached: false as const, reason: 'input changed' } })),
        ]),
      ),
    record: () => undefined,
    entryOf: () => undefined,
    close: () => {},
  };
}

describe('run: aftercorr with upstream tasks from the cache', () => {
  it('a downstream task whose upstream task was cached waits for nothing there; the others aftercorr; single elements only if they run', async () => {
    const result = validateText(WF, '/g/wf.yaml');
    assert.ok(result.workflow, JSON.stringify(result.diagnostics));
    const plan = planWorkflow(result.workflow, result.profile);
    assert.deepEqual(plan.jobs.find((j) => j.key === 'b')!.taskNeeds, [{ job: 'a', scope: 'corresponding' }]);
    assert.deepEqual(plan.jobs.find((j) => j.key === 'c')!.taskNeeds, [{ job: 'a', scope: [1, 2] }]);
    const base = mkdtempSync(join(tmpdir(), 'sf-corr-'));
    const ex = new Recorder();
    // a[1] changed (so b[1] runs too); b[2]'s own input changed while a[2] is cached.
    const status = await runWorkflow({
      plan,
      file: '/g/wf.yaml',
      rendered: plan.jobs.map((j) => ({ key: j.key, script: '#!/bin/bash\ntrue\n', cacheKey: j.key })),
      dir: createRunDir(base),
      executor: ex,
      prepareImages: async () => {},
      onEvent: () => {},
      workdir: base,
      pollMs: { min: 1, max: 1 },
      cache: cacheServing({ a: [0, 2, 3], b: [0, 3] }),
      outputProbe: { exists: () => true, sleep: async () => {} },
    });
    assert.equal(status, 'COMPLETED');
    const [a, b, c] = ['a', 'b', 'c'].map((k) => ex.submitted.find((s) => s.job === k)!);
    assert.equal(a.array, '1');
    assert.equal(b.array, '1-2');
    assert.deepEqual(b.dependsOnCorresponding, ['501']);
    assert.deepEqual(b.correspondingByTask, [{ tasks: [2], waitFor: [] }], 'b[2] does not wait for a, which holds no task 2');
    assert.deepEqual(c.dependsOn, ['501_1'], 'c waits for a[1], not for the cached a[2]');
  });

  it('correspondingDependencies: an array is dropped when none of the tasks waits for it; tasks grouped by what they still wait for', () => {
    const job = (key: string, externalId: string, cachedTasks: number[], completed: number[] = []): TrackedJob => ({
      key,
      needs: [],
      cacheKey: key,
      attempt: 1,
      retriesUsed: 0,
      launchRetriesUsed: 0,
      externalId,
      arraySize: 6,
      cachedTasks: new Set(cachedTasks),
      tasks: new Map(completed.map((arrayIndex) => [arrayIndex, { externalId: 'old', arrayIndex, state: 'COMPLETED' as const }])),
    });
    const x = job('x', '10', [0, 1], [2]);
    const y = job('y', '11', [1, 3]);
    assert.deepEqual(correspondingDependencies([x, y], [0, 1, 2, 3, 4]), {
      dependsOnCorresponding: ['10', '11'],
      correspondingByTask: [
        { tasks: [0, 2], waitFor: ['11'] },
        { tasks: [1], waitFor: [] },
        { tasks: [3], waitFor: ['10'] },
      ],
    });
    assert.deepEqual(correspondingDependencies([x, y], [1]), {}, 'task 1 is done in both: no aftercorr at all');
    assert.deepEqual(correspondingDependencies([x], [3, 4]), { dependsOnCorresponding: ['10'] }, 'every task waits for x: plain aftercorr');
  });
});
