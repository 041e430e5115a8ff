// The Slurm executor against the real test cluster (test/cluster/up.sh), as the test user, with the
// real CommandRunner. Without a cluster these tests FAIL (before hook), they are never skipped.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Submission, TaskStatus } from '../../runner/run/executor';
import { isFinal } from '../../runner/run/job-state';
import type { CommandResult, CommandRunner, RunOptions } from '../../runner/slurm/command-runner';
import { SlurmSubmitError, SlurmUnavailableError } from '../../runner/slurm/errors';
import { SlurmExecutor } from '../../runner/slurm/slurm-executor';
import { AsUserRunner, loadClusterEnv, makeUserDir, writeUserFile, type ClusterEnv } from './cluster-env';

describe('SlurmExecutor on the real cluster @cluster', function () {
  this.timeout(120_000);
  let env: ClusterEnv;
  let dir: string;
  let runner: AsUserRunner;
  let ex: SlurmExecutor;
  const runId = `t${process.pid}-${Date.now()}`;

  before(async () => {
    env = loadClusterEnv();
    runner = new AsUserRunner(env.user);
    // Nodes may still be registering right after up.sh: give them a little while.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const sinfo = await runner.run(['sinfo', '-h', '-o', '%P %a %D %t'], { env: { ...process.env, SLURM_CONF: env.slurmConf }, timeoutMs: 30_000 });
      assert.equal(sinfo.code, 0, `sinfo failed, the cluster is not answering: ${sinfo.stderr}${sinfo.spawnError ?? ''}`);
      if (/\b(idle|mix|alloc)\b/.test(sinfo.stdout)) break;
      assert.ok(Date.now() < deadline, `no usable node after 30 s: ${sinfo.stdout}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    dir = makeUserDir(env, 'slurm');
    ex = new SlurmExecutor({ runner, env: { SLURM_CONF: env.slurmConf }, retry: { initialDelayMs: 200, maxDelayMs: 1000, totalMs: 20_000 } });
  });

  after(async () => {
    await ex?.close();
    // Kept for a look when asked (SF_KEEP_TEST_DIRS=1): scripts, outputs, the unreachable.conf.
    if (dir && !process.env.SF_KEEP_TEST_DIRS) fs.rmSync(dir, { recursive: true, force: true });
  });

  function script(name: string, body: string, directives: string[] = []): string {
    const file = path.join(dir, `${name}.sbatch`);
    writeUserFile(env, file, ['#!/bin/bash', `#SBATCH --account=${env.account}`, '#SBATCH --time=5', ...directives.map((d) => `#SBATCH ${d}`), body, ''].join('\n'), 0o755);
    return file;
  }

  function submission(job: string, scriptPath: string, dependsOn: string[] = [], array = false): Submission {
    // %a is only meaningful in an array job (elsewhere Slurm writes 4294967294).
    const pattern = array ? '%A_%a' : '%j';
    return {
      job,
      attempt: 1,
      name: `cluster-test.${job}`,
      comment: `shifterflow:${runId}:${job}:1`,
      scriptPath,
      dependsOn,
      stdoutPath: path.join(dir, `${job}-${pattern}.out`),
      stderrPath: path.join(dir, `${job}-${pattern}.err`),
      workdir: dir,
    };
  }

  /** Polls until every id has `count` final rows. */
  async function waitFinal(ids: Record<string, number>, timeoutMs = 60_000): Promise<TaskStatus[]> {
    const deadline = Date.now() + timeoutMs;
    let last: TaskStatus[] = [];
    while (Date.now() < deadline) {
      last = await ex.poll(Object.keys(ids));
      const done = Object.entries(ids).every(([id, n]) => last.filter((s) => s.externalId === id && isFinal(s.state)).length >= n);
      if (done) return last;
      await new Promise((r) => setTimeout(r, 400));
    }
    assert.fail(`jobs did not finish in ${timeoutMs} ms: ${JSON.stringify(last)}`);
  }

  it('submits with afterok dependencies, follows jobs and array tasks to the end with one sacct per poll', async () => {
    const first = await ex.submit(submission('first', script('first', 'echo "first on $(hostname)"; sleep 1')));
    const failing = await ex.submit(submission('failing', script('failing', 'echo about to fail >&2; exit 3')));
    const array = await ex.submit(submission('array', script('array', 'echo "task $SLURM_ARRAY_TASK_ID"', ['--array=0-2']), [first], true));
    const after = await ex.submit(submission('after', script('after', 'echo after'), [first]));
    for (const id of [first, failing, array, after]) assert.match(id, /^\d+$/);

    const before = ex.callCounts();
    const s = await waitFinal({ [first]: 1, [failing]: 1, [array]: 3, [after]: 1 });
    const polls = ex.callCounts();
    // One sacct per poll; squeue only for jobs sacct did not know yet.
    assert.ok(polls.sacct - before.sacct >= 1);
    assert.ok(polls.squeue - before.squeue <= polls.sacct - before.sacct);

    const one = (id: string) => s.find((x) => x.externalId === id)!;
    assert.deepEqual([one(first).state, one(first).exitCode], ['COMPLETED', 0]);
    assert.deepEqual([one(failing).state, one(failing).exitCode], ['FAILED', 3]);
    assert.deepEqual(
      s.filter((x) => x.externalId === array).map((x) => [x.arrayIndex, x.state, x.exitCode]).sort(),
      [
        [0, 'COMPLETED', 0],
        [1, 'COMPLETED', 0],
        [2, 'COMPLETED', 0],
      ],
    );
    for (const i of [0, 1, 2]) assert.equal(fs.readFileSync(path.join(dir, `array-${array}_${i}.out`), 'utf8'), `task ${i}\n`);
    assert.equal(one(after).state, 'COMPLETED');
    // afterok: the dependent job started only once the first had ended.
    const firstEnd = one(first).endTime ?? '';
    const afterStart = one(after).startTime ?? '';
    assert.ok(firstEnd && afterStart >= firstEnd, `afterok: ${firstEnd} <= ${afterStart}`);
    assert.match(one(first).nodes ?? '', /^n\d/);
    assert.match(fs.readFileSync(path.join(dir, `first-${first}.out`), 'utf8'), /^first on n\d/);
    assert.equal(fs.readFileSync(path.join(dir, `failing-${failing}.err`), 'utf8'), 'about to fail\n');
  });

  it('reports a refusal in sbatch own words (bogus qos)', async () => {
    await assert.rejects(ex.submit(submission('badqos', script('badqos', 'true', ['--qos=no_such_qos_here']))), (e: unknown) => {
      assert.ok(e instanceof SlurmSubmitError, String(e));
      assert.match(e.message, /sbatch refused job cluster-test\.badqos\. Slurm said:\n {2}\| sbatch: error: .*Invalid qos specification/);
      return true;
    });
  });

  it('cancels a dependent job whose dependency failed (--kill-on-invalid-dep=yes)', async () => {
    const failing = await ex.submit(submission('dep-fails', script('dep-fails', 'exit 1')));
    const orphan = await ex.submit(submission('orphan', script('orphan', 'echo should not run'), [failing]));
    const s = await waitFinal({ [failing]: 1, [orphan]: 1 });
    assert.equal(s.find((x) => x.externalId === orphan)?.state, 'CANCELLED');
    assert.equal(fs.existsSync(path.join(dir, `orphan-${orphan}.out`)), false);
  });

  it('finds a submission by its comment, and cancels it', async () => {
    const sub = submission('long', script('long', 'sleep 120'));
    const id = await ex.submit(sub);
    assert.equal(await ex.findByComment(sub.comment), id);
    assert.equal(await ex.findByComment(`shifterflow:${runId}:never-submitted:1`), undefined);
    await ex.cancel([id]);
    const s = await waitFinal({ [id]: 1 });
    assert.equal(s[0].state, 'CANCELLED');
  });

  it('does not submit twice when the answer of a successful sbatch is lost', async () => {
    // The real sbatch runs and the job exists, but the executor is told "Socket timed out".
    let lost = false;
    const lossy: CommandRunner = {
      run: async (argv: string[], opts?: RunOptions): Promise<CommandResult> => {
        const r = await runner.run(argv, opts);
        if (!lost && argv.includes('--parsable')) {
          lost = true;
          assert.equal(r.code, 0, r.stderr);
          return { code: 1, stdout: '', stderr: 'sbatch: error: Batch job submission failed: Socket timed out on send/recv operation\n' };
        }
        return r;
      },
    };
    const retries: string[] = [];
    const lossyEx = new SlurmExecutor({ runner: lossy, env: { SLURM_CONF: env.slurmConf }, retry: { initialDelayMs: 100, totalMs: 20_000 }, onRetry: (m) => retries.push(m) });
    const sub = submission('lost-answer', script('lost-answer', 'true'));
    const id = await lossyEx.submit(sub);
    assert.deepEqual(lossyEx.callCounts().sbatch, 1);
    assert.equal(retries.length, 1);
    assert.match(retries[0], /controller unreachable.*retrying sbatch for cluster-test\.lost-answer/);
    const same = await runner.run(['squeue', '--me', '-h', '-t', 'all', '-o', '%i|%k'], { env: { ...process.env, SLURM_CONF: env.slurmConf } });
    assert.deepEqual(
      same.stdout.split('\n').filter((l) => l.endsWith(`|${sub.comment}`)),
      [`${id}|${sub.comment}`],
      'exactly one job carries the comment',
    );
    await waitFinal({ [id]: 1 });
  });

  it('classifies a real unreachable controller as transient and gives up after the budget', async () => {
    // The same cluster's configuration with the controller's port changed to one nobody listens on.
    const conf = fs.readFileSync(env.slurmConf, 'utf8').replace(/^SlurmctldPort=.*$/m, 'SlurmctldPort=6999');
    const badConf = path.join(dir, 'unreachable.conf');
    writeUserFile(env, badConf, conf);
    const retries: string[] = [];
    const dead = new SlurmExecutor({ runner, env: { SLURM_CONF: badConf }, retry: { initialDelayMs: 100, totalMs: 1 }, onRetry: (m) => retries.push(m) });
    await assert.rejects(dead.submit(submission('unreachable', script('unreachable', 'true'))), (e: unknown) => {
      assert.ok(e instanceof SlurmUnavailableError, String(e));
      assert.match(e.message, /Unable to contact slurm controller/);
      return true;
    });
    assert.equal(dead.callCounts().sbatch, 1);
  });
});
