// R2: slurmctld stopped (SIGTERM: it saves its state in StateSaveLocation) for a while in the middle of
// a run, once during submission and once during tracking, then started again with up.sh's command
// line: the run completes, nothing is submitted twice, and the user is told "Slurm controller
// unreachable (...); retrying ..." instead of seeing a crash. Quick: 12 s outages (SF_R2_OUTAGE_S);
// long: scripts/reliability/long.sh (30 s, SF_R2_REPEAT rounds).

import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../runner/run/events';
import { thirtyJobs } from './workflows';
import { checkAccounting, cluster, clusterWorkflow, clusterWorkspace, count, ctl, runDirs, settled, sleep, startRunner, unique, waitIdle, type Cluster, type Runner } from './helpers';

function events(r: Runner): RunEvent[] {
  return r.out().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as RunEvent);
}

async function until(what: string, cond: () => boolean, ms = 120_000): Promise<void> {
  for (let t = 0; t < ms; t += 100) {
    if (cond()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('R2: slurmctld unreachable in the middle of a run @cluster', function () {
  const outage = count('SF_R2_OUTAGE_S', 12);
  const rounds = count('SF_R2_REPEAT', 1);
  this.timeout(120_000 + rounds * (outage * 1000 + 90_000));
  let c: Cluster;
  before(() => {
    c = cluster();
  });
  afterEach(async () => {
    ctl('ctld-start'); // no-op when it runs
    await waitIdle(c);
  });

  it(`during submission (${outage} s, ${rounds} round(s)): completes, no duplicates, "controller unreachable; retrying"`, async () => {
    for (let round = 0; round < rounds; round++) {
      const wf = unique('r2s');
      const { yaml, keys } = thirtyJobs(wf);
      const dir = clusterWorkspace(c, { 'wf.yaml': yaml, 'out/.keep': '' });
      const runner = startRunner(c, dir, ['run', 'wf.yaml', '--json', '--poll-ms', '1000,3000']);
      await until('the first submission', () => events(runner).some((e) => e.type === 'job-submitted'));
      ctl('ctld-stop');
      const before = events(runner).filter((e) => e.type === 'job-submitted').length;
      await sleep(outage * 1000);
      const during = events(runner).filter((e) => e.type === 'job-submitted').length;
      ctl('ctld-start');
      const code = await runner.exited;
      const retries = events(runner).filter((e) => e.type === 'message' && e.level === 'warning' && /^Slurm controller unreachable \(.+\); retrying (sbatch for|looking for)/.test(e.text));
      const runId = runDirs(dir)[0];
      const check = checkAccounting(await settled(c, wf, 32), runId, keys);
      console.log(`R2 (submission): slurmctld down ${outage} s after ${before}/30 submissions (${during} by the end of the outage); exit ${code}; ${retries.length} "controller unreachable; retrying" messages (e.g. ${JSON.stringify((retries[0] as { text?: string } | undefined)?.text ?? '')}); ${check.duplicates.length} duplicate submissions, ${check.lost.length} lost jobs`);
      assert.equal(code, 0, runner.err() + runner.out().slice(-2000));
      assert.ok(before < 30, 'the outage started before every job was submitted');
      assert.ok(retries.length > 0, 'the user was told the controller is unreachable');
      assert.doesNotMatch(runner.err(), /at .*\.js:\d+|TypeError|Unhandled/);
      assert.deepEqual(check.duplicates, []);
      assert.deepEqual(check.lost, []);
    }
  });

  it(`during tracking (${outage} s, ${rounds} round(s)): completes, no duplicates, no crash`, async () => {
    for (let round = 0; round < rounds; round++) {
      const wf = unique('r2t');
      const keys = ['a', 'b', 'arr', 'd'];
      const dir = clusterWorkspace(c, {
        'wf.yaml': clusterWorkflow(wf, `jobs:
  a: { image: workflow, command: "sleep ${Math.max(3, Math.floor(outage / 2))}" }
  b: { needs: [a], image: workflow, command: "sleep 1" }
  arr: { image: workflow, matrix: { n: [1, 2, 3] }, command: "sleep 2" }
  d: { needs: [b, arr], image: workflow, command: "touch @DIR@/d-done" }
`),
      });
      const runner = startRunner(c, dir, ['run', 'wf.yaml', '--json', '--poll-ms', '1000,3000']);
      await until('job a running, everything submitted', () => {
        const ev = events(runner);
        return ev.filter((e) => e.type === 'job-submitted').length === 4 && ev.some((e) => e.type === 'job-state' && e.job === 'a' && e.state === 'RUNNING');
      });
      ctl('ctld-stop');
      await sleep(outage * 1000);
      ctl('ctld-start');
      const code = await runner.exited;
      // The image check's findings before the pull (`wf.yaml:6:3: warning SI011 ...`) are not about the outage.
      const warnings = events(runner).filter((e) => e.type === 'message' && e.level === 'warning' && !/^\S+:\d+:\d+: warning SI\d{3} /.test(e.text));
      const runId = runDirs(dir)[0];
      const check = checkAccounting(await settled(c, wf, 6), runId, keys);
      console.log(`R2 (tracking): slurmctld down ${outage} s while job a ran; exit ${code}; ${warnings.length} warnings (${warnings.map((w) => (w as { text: string }).text.slice(0, 80)).join(' | ') || 'none: states came from slurmdbd through sacct'}); ${check.duplicates.length} duplicate submissions, ${check.lost.length} lost jobs`);
      assert.equal(code, 0, runner.err() + runner.out().slice(-2000));
      for (const w of warnings) assert.match((w as { text: string }).text, /^Slurm controller unreachable \(.+\); retrying/);
      assert.doesNotMatch(runner.err(), /at .*\.js:\d+|TypeError|Unhandled/);
      assert.deepEqual(check.duplicates, []);
      assert.deepEqual(check.lost, []);
    }
  });

  it(`a job step launched during the outage: the job is resubmitted (not the user's retries), the run completes`, async () => {
    // The job has its allocation before the outage; its srun starts during it. A wrapper first on the
    // batch script's PATH holds srun back until the test opens the gate (the controller is down by
    // then): srun gives up after MessageTimeout and the script fails before the command ran.
    const down = Math.max(outage, 15);
    const wf = unique('r2l');
    const keys = ['a', 'b', 'c'];
    const dir = clusterWorkspace(c, {
      'wf.yaml': clusterWorkflow(wf, `jobs:
  a: { image: workflow, command: "touch @DIR@/a-ran" }
  b: { needs: [a], image: workflow, command: "sleep 1" }
  c: { needs: [b], image: workflow, command: "touch @DIR@/c-done" }
`),
      'bin/srun': '#!/bin/sh\nuntil [ -e @DIR@/gate ]; do sleep 0.2; done\nexec /usr/bin/srun "$@"\n',
    });
    chmodSync(join(dir, 'bin/srun'), 0o755);
    const runner = startRunner(c, dir, ['run', 'wf.yaml', '--json', '--poll-ms', '500,2000'], { PATH: `${dir}/bin:/usr/local/bin:/usr/bin:/bin` });
    await until('job a running', () => events(runner).some((e) => e.type === 'job-state' && e.job === 'a' && e.state === 'RUNNING'));
    ctl('ctld-stop');
    writeFileSync(join(dir, 'gate'), '');
    await sleep(down * 1000);
    ctl('ctld-start');
    const code = await runner.exited;
    const launch = events(runner).filter((e): e is Extract<RunEvent, { type: 'message' }> => e.type === 'message' && e.text.startsWith('a failed before its command ran'));
    const runId = runDirs(dir)[0];
    const check = checkAccounting(await settled(c, wf, 5), runId, keys);
    const history = check.jobs.filter((j) => j.comment.startsWith(`shifterflow:${runId}:`)).map((j) => `${j.comment.split(':').slice(2).join('#')} ${j.state.split(' ')[0]}`).sort();
    console.log(`R2 (launch): slurmctld down ${down} s while job a's srun started; exit ${code}; message ${JSON.stringify(launch[0]?.text ?? '')}; accounting: ${history.join(', ')}; ${check.duplicates.length} duplicate submissions, ${check.lost.length} lost jobs`);
    assert.equal(code, 0, runner.err() + runner.out().slice(-3000));
    assert.equal(launch.length, 1, 'one launch retry');
    assert.match(launch[0].text, /srun: error: Unable to (confirm allocation|create step) for job \d+: .*(Unable to contact slurm controller|Socket timed out)/);
    assert.ok(history.includes('a#1 FAILED') && history.includes('a#2 COMPLETED'), history.join(', '));
    assert.ok(existsSync(join(dir, 'c-done')));
    assert.doesNotMatch(runner.err(), /at .*\.js:\d+|TypeError|Unhandled/);
    assert.deepEqual(check.duplicates, []);
    assert.deepEqual(check.lost, []);
  });
});
