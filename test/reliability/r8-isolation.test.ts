// R8: a run directory is private (directories 0700, files 0600); a second user (sfother) can neither
// read nor cancel sfuser's run (shifterflow status/cancel as sfother fail, scancel of the jobs as
// sfother fails); secret-looking values in the runner's environment reach no file of the run dir.
// Concurrency: two runners started at once on one workflow directory get distinct run ids and do not
// interfere; a second runner on the SAME run id is refused while the first follows it.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../runner/run/events';
import { asUser, checkAccounting, cli, cluster, clusterWorkflow, clusterWorkspace, journalOf, runDirs, settled, sleep, startRunner, unique, waitIdle, type Cluster } from './helpers';

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [join(dir, e.name), ...walk(join(dir, e.name))] : [join(dir, e.name)]));
}

const SECRETS = {
  SHIFTERFLOW_TOKEN: 'sftok-R8-9f2c1e7d5a3b',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYR8SECRETKEY',
  GITHUB_TOKEN: 'ghp_R8fakeR8fakeR8fakeR8fakeR8fake0000',
};

describe('R8: run directories are private; other users cannot read or cancel; no secret in any file @cluster', function () {
  this.timeout(240_000);
  let c: Cluster;
  before(() => {
    c = cluster();
  });
  after(async () => {
    await waitIdle(c);
  });

  it('0700/0600, sfother refused by status, cancel and scancel, no secret text in the run dir', async () => {
    const wf = unique('r8');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  long:\n    image: workflow\n    command: sh -c 'echo started; sleep 20; echo done'\n  next:\n    needs: [long]\n    image: workflow\n    env: { NOT_SECRET: visible }\n    command: sh -c 'echo $NOT_SECRET'\n`) });
    const runner = startRunner(c, dir, ['run', 'wf.yaml', '--poll-ms', '1000,2000'], SECRETS);
    let id: string | undefined;
    for (let i = 0; i < 300; i++) {
      await sleep(200);
      id = runDirs(dir)[0];
      if (id && journalOf(dir, id).some((e: RunEvent) => e.type === 'job-state' && e.job === 'long' && e.state === 'RUNNING')) break;
    }
    assert.ok(id);
    const jobIds = journalOf(dir, id).filter((e): e is Extract<RunEvent, { type: 'job-submitted' }> => e.type === 'job-submitted').map((e) => e.externalId);
    const status = asUser(c, 'sfother', dir, [process.execPath, join(__dirname, '..', '..', '..', 'bin', 'shifterflow.js'), 'status', id]);
    const cancel = asUser(c, 'sfother', dir, [process.execPath, join(__dirname, '..', '..', '..', 'bin', 'shifterflow.js'), 'cancel', id]);
    const scancel = asUser(c, 'sfother', dir, ['scancel', ...jobIds]);
    const stillRunning = journalOf(dir, id).filter((e) => e.type === 'run-finished').length === 0;
    const code = await runner.exited;
    const files = walk(join(dir, '.shifterflow'));
    const modes = files.map((f) => [f.slice(dir.length + 1), (statSync(f).mode & 0o777).toString(8), statSync(f).isDirectory()] as const);
    // Files the runner writes are 0600; Slurm creates the job logs with the submitter's umask (0644 here),
    // inside logs/ (0700): sfother must not be able to read them either way.
    const badModes = modes.filter(([p, m, isDir]) => (isDir ? m !== '700' : !p.includes('/logs/') && m !== '600'));
    const slurmLogs = modes.filter(([p, , isDir]) => !isDir && p.includes('/logs/'));
    const otherReads = files.filter((f) => statSync(f).isFile()).map((f) => asUser(c, 'sfother', '/', ['cat', f]).code).filter((x) => x === 0).length;
    const leaks = files.filter((f) => statSync(f).isFile()).filter((f) => Object.values(SECRETS).some((s) => readFileSync(f, 'latin1').includes(s)));
    const jobs = await settled(c, wf, 2);
    console.log(`R8: ${files.length} paths in .shifterflow, ${slurmLogs.length} job logs written by Slurm with modes ${[...new Set(slurmLogs.map((m) => m[1]))].join('/')} in a 0700 dir, ${otherReads} files readable by sfother (${badModes.length} runner-made paths not 0700/0600${badModes.length ? `: ${badModes.map((m) => m.join(' ')).join(', ')}` : ''}); sfother: status exit ${status.code} (${status.stderr.trim().split('\n')[0]}), cancel exit ${cancel.code} (${cancel.stderr.trim().split('\n')[0]}), scancel exit ${scancel.code} (${scancel.stderr.trim().split('\n')[0]}); run exit ${code}; ${Object.keys(SECRETS).length} secrets in ${leaks.length} files`);
    assert.notEqual(status.code, 0);
    assert.notEqual(cancel.code, 0);
    assert.notEqual(scancel.code, 0);
    assert.ok(stillRunning, 'the run was still going when sfother tried');
    assert.equal(code, 0, 'sfother changed nothing: the run completed');
    assert.deepEqual(jobs.map((j) => j.state), ['COMPLETED', 'COMPLETED']);
    assert.deepEqual(badModes, []);
    assert.equal(otherReads, 0, 'sfother reads no file of the run');
    assert.deepEqual(leaks, []);
  });

  it('concurrency: two runners at once on one workflow directory get distinct run ids; a second runner on the same run id is refused', async () => {
    const wf = unique('r8c');
    const keys = ['a', 'b', 'c'];
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  a: { image: workflow, command: "sleep 6" }\n  b: { needs: [a], image: workflow, command: "sh -c 'echo $SLURM_JOB_ID >> @DIR@/b.log'" }\n  c: { needs: [b], image: workflow, command: "true" }\n`) });
    const one = startRunner(c, dir, ['run', 'wf.yaml', '--poll-ms', '1000,2000']);
    const two = startRunner(c, dir, ['run', 'wf.yaml', '--poll-ms', '1000,2000']);
    let ids: string[] = [];
    for (let i = 0; i < 100 && ids.length < 2; i++) {
      await sleep(200);
      ids = runDirs(dir);
    }
    assert.equal(ids.length, 2, 'two run ids');
    await sleep(1500);
    const same = cli(c, dir, ['run', 'wf.yaml', '--resume', ids[0]]);
    const [c1, c2] = await Promise.all([one.exited, two.exited]);
    const jobs = await settled(c, wf, 6);
    const checks = ids.map((id) => checkAccounting(jobs, id, keys));
    console.log(`R8 (concurrency): 2 runners at once -> run ids ${ids.join(', ')}, exits ${c1}/${c2}; ${jobs.length} Slurm jobs (${checks.map((k) => `${k.duplicates.length} duplicates, ${k.lost.length} lost`).join('; ')}); same run id again -> exit ${same.code}: ${same.stderr.trim().split('\n')[0]}`);
    assert.notEqual(ids[0], ids[1]);
    assert.equal(c1, 0);
    assert.equal(c2, 0);
    assert.equal(jobs.length, 6);
    for (const k of checks) {
      assert.deepEqual(k.duplicates, []);
      assert.deepEqual(k.lost, []);
    }
    assert.notEqual(same.code, 0);
    assert.match(same.stderr, /is being followed by runner \d+/);
    assert.equal(readFileSync(join(dir, 'b.log'), 'utf8').trim().split('\n').length, 2, 'b ran once per run');
  });
});
