// runWorkflow with an executor that allows several submissions at once (SlurmExecutor does): jobs are
// submitted side by side only when their dependencies already have ids, never more than the limit.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Executor, Submission, TaskStatus } from '../../runner/run/executor';
import { createRunDir } from '../../runner/run/run-dir';
import { runWorkflow } from '../../runner/run/run-workflow';
import { planWorkflow } from '../../runner/plan';
import { validateText } from '../../runner/workflow/validate';

class ConcurrentFake implements Executor {
  readonly name = 'fake';
  readonly submitted: Submission[] = [];
  readonly ids = new Map<string, string>();
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    readonly submitConcurrency: number,
    private readonly failJob?: string,
  ) {}
  async submit(sub: Submission): Promise<string> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    // Every dependency was submitted (has an id) before this job is.
    for (const d of sub.dependsOn) assert.ok([...this.ids.values()].includes(d), `${sub.job} submitted before its dependency ${d}`);
    await new Promise((r) => setTimeout(r, 5));
    this.inFlight--;
    if (sub.job === this.failJob) throw new Error(`sbatch refused ${sub.job}`);
    this.submitted.push(sub);
    const id = String(1000 + this.submitted.length);
    this.ids.set(sub.job, id);
    return id;
  }
  async poll(ids: string[]): Promise<TaskStatus[]> {
    return ids.map((externalId) => ({ externalId, state: 'COMPLETED', exitCode: 0 }));
  }
  async cancel(): Promise<void> {}
  async findByComment(): Promise<string | undefined> {
    return undefined;
  }
  async close(): Promise<void> {}
}

function setup(fanout: number) {
  const jobs = ['  root: { image: box, command: "true" }'];
  for (let i = 0; i < fanout; i++) jobs.push(`  fan${i}: { needs: [root], image: box, command: "true" }`);
  jobs.push(`  join: { needs: [${Array.from({ length: fanout }, (_, i) => `fan${i}`).join(', ')}], image: box, command: "true" }`);
  jobs.push('  last: { needs: [join], image: box, command: "true" }');
  const text = ['version: 1', 'name: cc', 'profile: slurm', 'defaults: { account: m1234, time: "00:05:00" }', 'images: { box: "docker:busybox:1.36" }', 'jobs:', ...jobs].join('\n') + '\n';
  const result = validateText(text, 'wf.yaml');
  assert.ok(result.workflow, JSON.stringify(result.diagnostics));
  const plan = planWorkflow(result.workflow, result.profile);
  const base = mkdtempSync(join(tmpdir(), 'sf-cc-'));
  return { plan, base, dir: createRunDir(base), rendered: plan.jobs.map((j) => ({ key: j.key, script: '#!/bin/bash\ntrue\n', cacheKey: j.key })) };
}

describe('run: concurrent submissions', () => {
  it('submits independent jobs side by side, up to the limit, each after its dependencies', async () => {
    const s = setup(10);
    const ex = new ConcurrentFake(3);
    try {
      const status = await runWorkflow({ plan: s.plan, file: 'wf.yaml', rendered: s.rendered, dir: s.dir, executor: ex, prepareImages: async () => {}, onEvent: () => {}, workdir: s.base, pollMs: { min: 1, max: 1 } });
      assert.equal(status, 'COMPLETED');
      assert.equal(ex.submitted.length, 13);
      assert.equal(ex.maxInFlight, 3);
      assert.equal(ex.submitted[0].job, 'root');
      assert.deepEqual(ex.submitted.slice(-2).map((x) => x.job), ['join', 'last']);
      assert.equal(ex.submitted.find((x) => x.job === 'join')!.dependsOn.length, 10);
    } finally {
      rmSync(s.base, { recursive: true, force: true });
    }
  });

  it('a refused submission: the others in flight finish, its dependents are not submitted, the error is thrown', async () => {
    const s = setup(6);
    const ex = new ConcurrentFake(4, 'fan2');
    try {
      await assert.rejects(
        runWorkflow({ plan: s.plan, file: 'wf.yaml', rendered: s.rendered, dir: s.dir, executor: ex, prepareImages: async () => {}, onEvent: () => {}, workdir: s.base, pollMs: { min: 1, max: 1 } }),
        /sbatch refused fan2/,
      );
      assert.equal(ex.inFlight, 0);
      assert.deepEqual(ex.submitted.map((x) => x.job).sort(), ['fan0', 'fan1', 'fan3', 'fan4', 'fan5', 'root']);
    } finally {
      rmSync(s.base, { recursive: true, force: true });
    }
  });
});
