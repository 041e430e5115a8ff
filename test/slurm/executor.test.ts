import assert from 'node:assert/strict';
import type { Submission } from '../../runner/run/executor';
import { SlurmCommandError, SlurmSubmitError, SlurmUnavailableError } from '../../runner/slurm/errors';
import { SlurmExecutor, type SlurmExecutorOptions } from '../../runner/slurm/slurm-executor';
import * as rec from './recorded';
import { FakeClock, ScriptedRunner, type Step } from './scripted-runner';

const sub: Submission = {
  job: 'prepare',
  attempt: 1,
  name: 'tomo.prepare',
  comment: 'shifterflow:r1:prepare:1',
  scriptPath: '/runs/r1/prepare.sbatch',
  dependsOn: [],
  stdoutPath: '/runs/r1/prepare.out',
  stderrPath: '/runs/r1/prepare.err',
  workdir: '/runs/r1',
  env: { SF_RUN: 'r1' },
};

const fail = (stderr: string, code = 1): Step['result'] => ({ code, stderr });

function setup(steps: Step[], opts: Partial<SlurmExecutorOptions> = {}) {
  const runner = new ScriptedRunner(steps);
  const clock = new FakeClock();
  const retries: string[] = [];
  const ex = new SlurmExecutor({
    runner,
    clock,
    env: { SLURM_CONF: '/etc/slurm/test.conf' },
    retry: { initialDelayMs: 1000, factor: 2, maxDelayMs: 8000, totalMs: 60_000 },
    onRetry: (m) => retries.push(m),
    ...opts,
  });
  return { ex, runner, clock, retries };
}

describe('SlurmExecutor.submit', () => {
  it('submits once and returns the id; the environment carries the executor and submission layers', async () => {
    const { ex, runner } = setup([{ program: 'sbatch', includes: ['--parsable', '--comment=shifterflow:r1:prepare:1'], result: { stdout: '4242\n' } }]);
    assert.equal(await ex.submit(sub), '4242');
    const env = runner.calls[0].opts.env!;
    assert.equal(env.SLURM_CONF, '/etc/slurm/test.conf');
    assert.equal(env.SF_RUN, 'r1');
    assert.equal(env.PATH, process.env.PATH, 'the rest of the environment is kept');
    assert.deepEqual(ex.callCounts(), { sbatch: 1, squeue: 0, sacct: 0, scancel: 0, scontrol: 0, total: 1 });
    runner.assertDone();
  });

  it('reads 12345;cluster', async () => {
    const { ex } = setup([{ program: 'sbatch', result: { stdout: '12345;perlmutter\n' } }]);
    assert.equal(await ex.submit(sub), '12345');
  });

  it('after a timeout that hid a successful submission, finds the job by comment and does not submit again', async () => {
    const { ex, runner, retries, clock } = setup([
      { program: 'sbatch', result: fail(rec.SBATCH_TIMEOUT) },
      { program: 'squeue', includes: ['--me', '%i|%k'], result: { stdout: `${rec.SQUEUE_COMMENTS}77|shifterflow:r1:prepare:1\n` } },
    ]);
    assert.equal(await ex.submit(sub), '77');
    assert.deepEqual(runner.programs(), ['sbatch', 'squeue']);
    assert.deepEqual(clock.sleeps, [1000]);
    assert.equal(retries.length, 1);
    assert.match(retries[0], /Slurm controller unreachable \(sbatch: error: Batch job submission failed: Socket timed out on send\/recv operation\); retrying sbatch for tomo.prepare in 1 s/);
    runner.assertDone();
  });

  it('submits again only after squeue has shown that the first attempt left no job', async () => {
    const { ex, runner, clock } = setup([
      { program: 'sbatch', result: fail(rec.SBATCH_NO_CONTROLLER) },
      { program: 'squeue', result: fail(rec.SQUEUE_NO_CONTROLLER) },
      { program: 'squeue', result: { stdout: rec.SQUEUE_COMMENTS } },
      { program: 'sbatch', result: fail(rec.SBATCH_TIMEOUT) },
      { program: 'squeue', result: { stdout: '' } },
      { program: 'sbatch', result: { stdout: '90\n' } },
    ]);
    assert.equal(await ex.submit(sub), '90');
    assert.deepEqual(runner.programs(), ['sbatch', 'squeue', 'squeue', 'sbatch', 'squeue', 'sbatch']);
    assert.deepEqual(clock.sleeps, [1000, 2000, 4000], 'one growing backoff across the whole submission');
    runner.assertDone();
  });

  it('treats its own command timeout as "maybe submitted" too', async () => {
    const { ex, runner } = setup([
      { program: 'sbatch', result: { code: null, timedOut: true, signal: 'SIGTERM' } },
      { program: 'squeue', result: { stdout: '78|shifterflow:r1:prepare:1\n' } },
    ]);
    assert.equal(await ex.submit(sub), '78');
    runner.assertDone();
  });

  it('picks the newest job when the comment appears more than once', async () => {
    const { ex } = setup([
      { program: 'sbatch', result: fail(rec.SBATCH_TIMEOUT) },
      { program: 'squeue', result: { stdout: '100|shifterflow:r1:prepare:1\n1000|shifterflow:r1:prepare:1\n999|other\n' } },
    ]);
    assert.equal(await ex.submit(sub), '1000');
  });

  it('reports a refusal with sbatch own words, without retrying', async () => {
    for (const stderr of [rec.SBATCH_INVALID_QOS, rec.SBATCH_NO_IMAGE, rec.SBATCH_BAD_VOLUME]) {
      const { ex, runner, retries } = setup([{ program: 'sbatch', result: fail(stderr) }]);
      await assert.rejects(ex.submit(sub), (e: unknown) => {
        assert.ok(e instanceof SlurmSubmitError);
        assert.match(e.message, /^sbatch refused job tomo\.prepare\. Slurm said:\n {2}\| /);
        for (const line of stderr.trim().split('\n')) assert.ok(e.message.includes(line), line);
        assert.equal(e.slurmMessage, stderr.trim());
        assert.equal(e.exitCode, 1);
        return true;
      });
      assert.equal(runner.calls.length, 1);
      assert.equal(retries.length, 0);
    }
  });

  it('gives up after the retry budget without ever submitting twice, saying the job may exist', async () => {
    const steps: Step[] = [{ program: 'sbatch', result: fail(rec.SBATCH_NO_CONTROLLER) }];
    for (let i = 0; i < 20; i++) steps.push({ program: 'squeue', result: fail(rec.SQUEUE_NO_CONTROLLER) });
    const { ex, runner, retries, clock } = setup(steps, { retry: { initialDelayMs: 1000, factor: 2, maxDelayMs: 8000, totalMs: 30_000 } });
    await assert.rejects(ex.submit(sub), (e: unknown) => {
      assert.ok(e instanceof SlurmUnavailableError);
      assert.match(e.message, /could not submit job tomo\.prepare: Slurm did not answer for 30 s/);
      assert.match(e.message, /shifterflow:r1:prepare:1/);
      assert.match(e.message, /Unable to contact slurm controller/);
      return true;
    });
    assert.equal(runner.programs().filter((p) => p === 'sbatch').length, 1);
    assert.deepEqual(clock.sleeps, [1000, 2000, 4000, 8000, 8000, 7000]);
    assert.equal(retries.length, clock.sleeps.length);
  });

  it('reports a missing sbatch as such', async () => {
    const { ex } = setup([{ program: 'sbatch', result: { code: null, spawnError: 'ENOENT', stderr: '' } }]);
    await assert.rejects(ex.submit(sub), (e: unknown) => e instanceof SlurmCommandError && /sbatch: command not found/.test(e.message));
  });

  it('gives the tasks listed in correspondingByTask their own dependency after sbatch, retrying an unreachable controller', async () => {
    const corr: Submission = { ...sub, dependsOn: [], dependsOnCorresponding: ['70'], array: '1-2', correspondingByTask: [{ tasks: [2], waitFor: [] }] };
    const { ex, runner, retries } = setup([
      { program: 'sbatch', includes: ['--dependency=aftercorr:70', '--array=1-2'], result: { stdout: '71\n' } },
      { program: 'scontrol', result: fail(rec.SCONTROL_NO_CONTROLLER) },
      { program: 'scontrol', includes: ['update', 'JobId=71_2', 'Dependency='], result: { stdout: '' } },
    ]);
    assert.equal(await ex.submit(corr), '71');
    assert.equal(retries.length, 1);
    runner.assertDone();
  });

  it('when scontrol refuses the update, the job is still submitted and the run is told those tasks wait for the whole array', async () => {
    const warnings: string[] = [];
    const corr: Submission = { ...sub, dependsOn: [], dependsOnCorresponding: ['70'], correspondingByTask: [{ tasks: [3, 5], waitFor: [] }] };
    const { ex, runner } = setup([
      { program: 'sbatch', result: { stdout: '72\n' } },
      { program: 'scontrol', result: fail(rec.SCONTROL_UPDATE_GONE) },
    ], { onWarning: (m) => warnings.push(m) });
    assert.equal(await ex.submit(corr), '72');
    assert.deepEqual(warnings, ['72_[3,5] (tomo.prepare) still wait for all of 70: scontrol update did not take (3595_3,5: Invalid job id specified)']);
    runner.assertDone();
  });

  it('refuses a success without a job id rather than guessing', async () => {
    const { ex } = setup([{ program: 'sbatch', result: { stdout: 'Submitted batch job\n' } }]);
    await assert.rejects(ex.submit(sub), SlurmCommandError);
  });
});

describe('SlurmExecutor.poll', () => {
  it('makes one sacct call when sacct knows every job', async () => {
    const { ex, runner } = setup([{ program: 'sacct', includes: ['--jobs=5,6,7,8'], result: { stdout: rec.SACCT_MIXED } }]);
    const s = await ex.poll(['5', '6', '7', '8', '5']);
    assert.equal(s.length, 7);
    assert.equal(runner.calls[0].opts.env!.SLURM_TIME_FORMAT, 'standard');
    assert.deepEqual(ex.callCounts().total, 1);
    runner.assertDone();
  });

  it('asks squeue only about the jobs sacct does not know yet', async () => {
    const { ex, runner } = setup([
      { program: 'sacct', includes: ['--jobs=5,6,300'], result: { stdout: rec.SACCT_MIXED.split('\n').slice(0, 4).join('\n') } },
      { program: 'squeue', includes: ['--jobs=300'], result: { stdout: '300|PENDING||2026-11-22T01:30:00|N/A|N/A|0:00|Priority\n' } },
    ]);
    const s = await ex.poll(['5', '6', '300']);
    assert.deepEqual(s.map((x) => [x.externalId, x.state, x.reason ?? null]), [
      ['5', 'COMPLETED', null],
      ['6', 'FAILED', null],
      ['300', 'PENDING', 'Priority'],
    ]);
    runner.assertDone();
  });

  it('reports UNKNOWN for a job neither knows (squeue: Invalid job id)', async () => {
    const { ex } = setup([
      { program: 'sacct', result: { stdout: '' } },
      { program: 'squeue', result: fail(rec.SQUEUE_INVALID_ID) },
    ]);
    assert.deepEqual(await ex.poll(['31337']), [{ externalId: '31337', state: 'UNKNOWN', reason: 'unknown to both sacct and squeue' }]);
  });

  it('falls back to squeue for everything when slurmdbd is down, without waiting', async () => {
    const { ex, clock } = setup([
      { program: 'sacct', result: fail(rec.SACCT_NO_DBD) },
      { program: 'squeue', includes: ['--jobs=59,60'], result: { stdout: rec.SQUEUE_STATUS } },
    ]);
    const s = await ex.poll(['59', '60']);
    assert.equal(s.length, 7);
    assert.deepEqual(clock.sleeps, []);
  });

  it('retries with backoff when neither answers, telling onRetry', async () => {
    const { ex, retries, clock } = setup([
      { program: 'sacct', result: fail(rec.SACCT_NO_DBD) },
      { program: 'squeue', result: fail(rec.SQUEUE_NO_CONTROLLER) },
      { program: 'sacct', result: { stdout: rec.SACCT_NEVER_RAN } },
    ]);
    const s = await ex.poll(['16', '17']);
    assert.equal(s.length, 2);
    assert.deepEqual(clock.sleeps, [1000]);
    assert.match(retries[0], /Slurm controller unreachable \(slurm_load_jobs error: Unable to contact slurm controller/);
  });

  it('uses squeue alone once sacct says accounting is disabled', async () => {
    const { ex, runner } = setup([
      { program: 'sacct', result: fail('sacct: error: Slurm accounting storage is disabled\n') },
      { program: 'squeue', result: { stdout: '5|RUNNING|n1|2026-01-01T00:00:00|2026-01-01T00:00:01|NONE|0:05|None\n' } },
      { program: 'squeue', result: { stdout: '5|COMPLETED|n1|2026-01-01T00:00:00|2026-01-01T00:00:01|2026-01-01T00:00:09|0:08|None\n' } },
    ]);
    assert.equal((await ex.poll(['5']))[0].state, 'RUNNING');
    assert.equal((await ex.poll(['5']))[0].state, 'COMPLETED');
    runner.assertDone();
  });

  it('covers a task id (123_4) with the row of that task', async () => {
    const { ex, runner } = setup([{ program: 'sacct', includes: ['--jobs=7_2'], result: { stdout: rec.SACCT_MIXED.split('\n').slice(10, 12).join('\n') } }]);
    const s = await ex.poll(['7_2']);
    assert.deepEqual(s.map((x) => [x.externalId, x.arrayIndex]), [['7', 2]]);
    runner.assertDone();
  });

  it('does nothing for no ids and refuses ids that are not job ids', async () => {
    const { ex, runner } = setup([]);
    assert.deepEqual(await ex.poll([]), []);
    await assert.rejects(ex.poll(['--me']), TypeError);
    assert.equal(runner.calls.length, 0);
  });
});

describe('SlurmExecutor.cancel, findByComment, close', () => {
  it('cancels all ids in one scancel and accepts jobs that are already gone', async () => {
    const { ex, runner } = setup([
      { program: 'scancel', result: { code: 0 } },
      { program: 'scancel', result: fail('scancel: error: Kill job error on job id 5: Invalid job id specified\n') },
    ]);
    await ex.cancel(['5', '7_1', '5']);
    assert.deepEqual(runner.calls[0].argv, ['scancel', '5', '7_1']);
    await ex.cancel(['5']);
    await ex.cancel([]);
    assert.equal(ex.callCounts().scancel, 2);
  });

  it('retries scancel while the controller is unreachable', async () => {
    const { ex, clock } = setup([
      { program: 'scancel', result: fail(rec.SBATCH_NO_CONTROLLER.replace('sbatch', 'scancel')) },
      { program: 'scancel', result: { code: 0 } },
    ]);
    await ex.cancel(['5']);
    assert.deepEqual(clock.sleeps, [1000]);
  });

  it('finds a job by comment in squeue, then (when the site stores comments) in sacct', async () => {
    const { ex, runner } = setup([
      { program: 'squeue', result: { stdout: rec.SQUEUE_COMMENTS } },
      { program: 'squeue', result: { stdout: rec.SQUEUE_COMMENTS } },
      { program: 'scontrol', includes: ['config'], result: { stdout: 'AccountingStorageType   = accounting_storage/slurmdbd\nAccountingStoreFlags    = job_comment\n' } },
      { program: 'sacct', includes: ['-X', '--format=JobID,Comment'], result: { stdout: '3|old:comment\n4_[0-2]|sf:old\n' } },
      { program: 'squeue', result: { stdout: '' } },
      { program: 'sacct', result: { stdout: '3|old:comment\n' } },
    ]);
    assert.equal(await ex.findByComment('sf:run1:arr'), '7');
    assert.equal(await ex.findByComment('sf:old'), '4');
    assert.equal(await ex.findByComment('nothing'), undefined);
    assert.equal(ex.callCounts().scontrol, 1, 'the site setting is asked once');
    runner.assertDone();
  });

  it('does not look in sacct when the site does not store comments', async () => {
    const { ex, runner } = setup([
      { program: 'squeue', result: { stdout: '' } },
      { program: 'scontrol', result: { stdout: 'AccountingStoreFlags    = (null)\n' } },
      { program: 'squeue', result: { stdout: '' } },
    ]);
    assert.equal(await ex.findByComment('x'), undefined);
    assert.equal(await ex.findByComment('x'), undefined);
    runner.assertDone();
  });

  it('refuses to work after close()', async () => {
    const { ex } = setup([]);
    await ex.close();
    await assert.rejects(ex.poll(['1']), /closed/);
  });

  it('uses the configured program paths and cluster', async () => {
    const { ex, runner } = setup([{ program: '/opt/slurm/bin/sacct', includes: ['--clusters=pm'], result: { stdout: rec.SACCT_NEVER_RAN } }], {
      commands: { sacct: '/opt/slurm/bin/sacct' },
      cluster: 'pm',
    });
    await ex.poll(['16', '17']);
    runner.assertDone();
  });
});
