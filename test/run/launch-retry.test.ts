// A job whose srun could not reach slurmctld (an outage longer than MessageTimeout) fails before its
// command runs: the run resubmits it, re-links its dependents and does not spend the user's retries.
// A job that failed on its own is not resubmitted; a cluster that stays broken still ends the run.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../runner/run/events';
import type { Executor, Submission, TaskStatus } from '../../runner/run/executor';
import { createRunDir } from '../../runner/run/run-dir';
import { LAUNCH_RETRIES, runWorkflow } from '../../runner/run/run-workflow';
import { planWorkflow } from '../../runner/plan';
import { SlurmExecutor } from '../../runner/slurm';
import { srunLaunchFailure } from '../../runner/slurm/launch-failure';
import { validateText } from '../../runner/workflow/validate';

const CONFIRM = 'srun: error: Unable to confirm allocation for job 4242: Unable to contact slurm controller (connect failure)';
const STEP = 'srun: error: Unable to create step for job 4243: Socket timed out on send/recv operation';

/** Each submission's stderr is written as Slurm would; `fate(job, attempt)` says how it ends. */
class FakeCluster implements Executor {
  readonly name = 'fake';
  readonly submitted: Submission[] = [];
  readonly cancelled: string[] = [];
  private readonly byId = new Map<string, Submission>();
  constructor(private readonly fate: (job: string, attempt: number) => { stderr: string; failedTasks?: number[] } | undefined) {}
  async submit(sub: Submission): Promise<string> {
    this.submitted.push(sub);
    const id = String(5000 + this.submitted.length);
    this.byId.set(id, sub);
    const f = this.fate(sub.job, sub.attempt);
    if (f) for (const i of f.failedTasks ?? [undefined]) writeFileSync(sub.stderrPath.replace('%a', String(i)), `some output\n${f.stderr}\n`);
    return id;
  }
  async poll(ids: string[]): Promise<TaskStatus[]> {
    return ids.flatMap((externalId) => {
      const sub = this.byId.get(externalId)!;
      const f = this.fate(sub.job, sub.attempt);
      const size = sub.stderrPath.includes('%a') ? 3 : 0;
      const state = (i?: number): TaskStatus => {
        const failed = f && (f.failedTasks === undefined || (i !== undefined && f.failedTasks.includes(i)));
        return { externalId, arrayIndex: i, state: failed ? 'FAILED' : 'COMPLETED', exitCode: failed ? 1 : 0 };
      };
      return size === 0 ? [state()] : [0, 1, 2].map((i) => state(i));
    });
  }
  async cancel(ids: string[]): Promise<void> {
    this.cancelled.push(...ids);
  }
  launchFailure(paths: string[]): Promise<string | undefined> {
    return new SlurmExecutor().launchFailure(paths);
  }
  async findByComment(): Promise<string | undefined> {
    return undefined;
  }
  async close(): Promise<void> {}
}

async function run(body: string, ex: FakeCluster) {
  const text = ['version: 1', 'name: lr', 'profile: slurm', 'defaults: { account: m1234, time: "00:05:00" }', 'images: { box: "docker:busybox:1.36" }', 'jobs:', body].join('\n') + '\n';
  const result = validateText(text, 'wf.yaml');
  assert.ok(result.workflow, JSON.stringify(result.diagnostics));
  const plan = planWorkflow(result.workflow, result.profile);
  const base = mkdtempSync(join(tmpdir(), 'sf-lr-'));
  const events: RunEvent[] = [];
  try {
    const rendered = plan.jobs.map((j) => ({ key: j.key, script: '#!/bin/bash\ntrue\n', cacheKey: j.key }));
    const status = await runWorkflow({ plan, file: 'wf.yaml', rendered, dir: createRunDir(base), executor: ex, prepareImages: async () => {}, onEvent: (e) => events.push(e), workdir: base, pollMs: { min: 1, max: 1 } });
    const warnings = events.filter((e): e is Extract<RunEvent, { type: 'message' }> => e.type === 'message').map((e) => e.text);
    return { status, warnings, order: ex.submitted.map((s) => `${s.job}#${s.attempt}`) };
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const CHAIN = '  a: { image: box, command: "true" }\n  b: { needs: [a], image: box, command: "true" }\n  c: { needs: [b], image: box, command: "true" }';

describe('run: a job whose step never started (srun could not reach the controller)', () => {
  it('recognises srun\'s own launch errors, and only when Slurm did not answer', () => {
    assert.equal(srunLaunchFailure(`hello\n${CONFIRM}\nsrun: Check SLURM_JOB_ID environment variable. Expired or invalid job 4242\n`), CONFIRM);
    assert.equal(srunLaunchFailure(STEP), STEP);
    assert.equal(srunLaunchFailure('srun: error: Unable to create step for job 7: Invalid job id specified'), undefined);
    assert.equal(srunLaunchFailure('srun: error: n1: task 0: Exited with exit code 1'), undefined);
    assert.equal(srunLaunchFailure('my program: Unable to contact slurm controller (connect failure)'), undefined);
    assert.equal(srunLaunchFailure(''), undefined);
  });

  it('resubmits it and re-links its dependents, without a retry policy; the run completes', async () => {
    const ex = new FakeCluster((job, attempt) => (job === 'b' && attempt === 1 ? { stderr: CONFIRM } : undefined));
    const r = await run(CHAIN, ex);
    assert.equal(r.status, 'COMPLETED');
    assert.deepEqual(r.order, ['a#1', 'b#1', 'c#1', 'b#2', 'c#2']);
    assert.equal(ex.submitted.find((s) => s.job === 'c' && s.attempt === 2)!.dependsOn.length, 1, 'c#2 waits for b#2');
    const msg = r.warnings.find((w) => w.startsWith('b failed before its command ran'));
    assert.ok(msg, r.warnings.join('\n'));
    assert.match(msg, /Unable to confirm allocation for job 4242: Unable to contact slurm controller/);
    assert.match(msg, new RegExp(`launch retry 1 of ${LAUNCH_RETRIES}`));
  });

  it("does not spend the job's own retries", async () => {
    // b: one retry on FAILED. Launch failure on attempt 1, a real failure on attempt 2, success on 3.
    const ex = new FakeCluster((job, attempt) => (job !== 'b' ? undefined : attempt === 1 ? { stderr: STEP } : attempt === 2 ? { stderr: 'error: bad input' } : undefined));
    const r = await run(CHAIN.replace('b: { needs: [a],', 'b: { needs: [a], retry: { attempts: 1, on: [FAILED] },'), ex);
    assert.equal(r.status, 'COMPLETED');
    assert.deepEqual(r.order.filter((o) => o.startsWith('b')), ['b#1', 'b#2', 'b#3']);
    assert.ok(r.warnings.some((w) => w === 'b ended FAILED; retrying (1 of 1)'), r.warnings.join('\n'));
  });

  it('a job that failed on its own is not resubmitted: the run fails', async () => {
    const ex = new FakeCluster((job) => (job === 'b' ? { stderr: 'srun: error: n2: task 0: Exited with exit code 1' } : undefined));
    const r = await run(CHAIN, ex);
    assert.equal(r.status, 'FAILED');
    assert.deepEqual(r.order, ['a#1', 'b#1', 'c#1']);
    assert.deepEqual(r.warnings, []);
  });

  it(`a cluster that stays broken: ${LAUNCH_RETRIES} resubmissions, then the run fails`, async () => {
    const ex = new FakeCluster((job) => (job === 'a' ? { stderr: CONFIRM } : undefined));
    const r = await run(CHAIN, ex);
    assert.equal(r.status, 'FAILED');
    assert.equal(r.order.filter((o) => o.startsWith('a#')).length, 1 + LAUNCH_RETRIES);
    assert.equal(r.warnings.length, LAUNCH_RETRIES);
  });

  it("an array: a failed task's own stderr file (%a filled in) is read", async () => {
    const ex = new FakeCluster((job, attempt) => (job === 'arr' && attempt === 1 ? { stderr: CONFIRM, failedTasks: [2] } : undefined));
    const r = await run('  arr: { image: box, matrix: { n: [1, 2, 3] }, command: "echo {{ matrix.n }}" }\n  after: { needs: [arr], image: box, command: "true" }', ex);
    assert.equal(r.status, 'COMPLETED');
    assert.deepEqual(r.order, ['arr#1', 'after#1', 'arr#2', 'after#2']);
  });
});
