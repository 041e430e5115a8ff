// Ctrl-C while sbatch is being retried (controller unreachable): the wait between retries ends at
// once, no new submission starts, what was already submitted is cancelled, and the run ends CANCELLED
// instead of sitting in its backoff for minutes.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../runner/run/events';
import { createRunDir } from '../../runner/run/run-dir';
import { runWorkflow } from '../../runner/run/run-workflow';
import { planWorkflow } from '../../runner/plan';
import { SlurmExecutor } from '../../runner/slurm';
import { validateText } from '../../runner/workflow/validate';
import { ScriptedRunner, type Step } from '../slurm/scripted-runner';

const UNREACHABLE: Step['result'] = { code: 1, stderr: 'sbatch: error: Batch job submission failed: Unable to contact slurm controller (connect failure)\n' };

async function interruptedRun(steps: Step[], cancelAfterMs: number) {
  const text = ['version: 1', 'name: ir', 'profile: slurm', 'defaults: { account: m1234, time: "00:05:00" }', 'images: { box: "docker:busybox:1.36" }', 'jobs:', '  a: { image: box, command: "true" }', '  b: { needs: [a], image: box, command: "true" }', '  c: { needs: [b], image: box, command: "true" }'].join('\n') + '\n';
  const result = validateText(text, 'wf.yaml');
  assert.ok(result.workflow, JSON.stringify(result.diagnostics));
  const plan = planWorkflow(result.workflow, result.profile);
  const base = mkdtempSync(join(tmpdir(), 'sf-ir-'));
  const runner = new ScriptedRunner(steps);
  // The real clock, with a first wait far longer than the test: only the interruption can end it.
  const executor = new SlurmExecutor({ runner, retry: { initialDelayMs: 60_000, factor: 2, maxDelayMs: 60_000, totalMs: 300_000 }, accountingComments: true });
  const events: RunEvent[] = [];
  const cancelled = new Promise<void>((r) => setTimeout(r, cancelAfterMs));
  const started = Date.now();
  try {
    const rendered = plan.jobs.map((j) => ({ key: j.key, script: '#!/bin/bash\ntrue\n', cacheKey: j.key }));
    const status = await runWorkflow({ plan, file: 'wf.yaml', rendered, dir: createRunDir(base), executor, prepareImages: async () => {}, onEvent: (e) => events.push(e), workdir: base, cancelled, pollMs: { min: 1, max: 1 } });
    runner.assertDone();
    return { status, ms: Date.now() - started, events, programs: runner.programs() };
  } finally {
    await executor.close();
    rmSync(base, { recursive: true, force: true });
  }
}

describe('run: interrupted while sbatch is retried', () => {
  it('the first submission waits on an unreachable controller: the run ends CANCELLED at once, nothing else is submitted', async () => {
    const r = await interruptedRun([{ program: 'sbatch', result: UNREACHABLE }], 200);
    assert.equal(r.status, 'CANCELLED');
    assert.ok(r.ms < 5000, `took ${r.ms} ms`);
    assert.deepEqual(r.programs, ['sbatch']);
    const msg = r.events.find((e): e is Extract<RunEvent, { type: 'message' }> => e.type === 'message' && e.text.startsWith('submission of a was interrupted'));
    assert.ok(msg, 'the user is told which submission was cut short, and its comment');
    assert.match(msg.text, /comment is "shifterflow:[^:]+:a:1"/);
    assert.ok(r.events.some((e) => e.type === 'run-finished' && e.status === 'CANCELLED'));
  });

  it('a job already submitted is cancelled (scancel) and its state recorded', async () => {
    const r = await interruptedRun(
      [
        { program: 'sbatch', includes: ['--job-name=ir.a'], result: { stdout: '101\n' } },
        { program: 'sbatch', result: UNREACHABLE },
        { program: 'scancel', includes: ['101'] },
        { program: 'sacct', includes: ['--jobs=101'], result: { stdout: '101|101|CANCELLED by 5000|0:0|n1|2026-11-22T04:00:00|2026-11-22T04:00:01|2026-11-22T04:00:02|1|None\n' } },
        { program: 'sacct', includes: ['--jobs=101'], result: { stdout: '101|101|CANCELLED by 5000|0:0|n1|2026-11-22T04:00:00|2026-11-22T04:00:01|2026-11-22T04:00:02|1|None\n' } },
      ],
      300,
    );
    assert.equal(r.status, 'CANCELLED');
    assert.ok(r.ms < 5000, `took ${r.ms} ms`);
    assert.deepEqual(r.programs, ['sbatch', 'sbatch', 'scancel', 'sacct', 'sacct']);
    assert.ok(r.events.some((e) => e.type === 'job-state' && e.job === 'a' && e.state === 'CANCELLED'));
  });
});
