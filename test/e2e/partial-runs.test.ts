// Issue 16 on the real cluster: the guide's manager/worker job with its data volume on the workers'
// step alone (mounts asserted from inside each step), and an array whose chosen tasks fail once:
// the retry is a second Slurm job holding only those indices (asserted from sacct).

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cluster, clusterWorkflow, clusterWorkspace, journalOf, runAsUser, runDirs, sacctJobs, settledJobs, unique, type Cluster } from './cluster';

describe('a volume on one step, and array retries of the failed tasks only @cluster', function () {
  this.timeout(240_000);
  let c: Cluster;
  before(() => {
    c = cluster();
  });

  it("the guide's manager/worker job: the workers see the job's and their own volume, the manager only the job's", () => {
    const wf = unique('sv');
    // Each step writes what it sees at both targets to a file of its own on /sfglobal.
    const look = (who: string) => `sh -c 'for t in /output /data/in; do if test -d $t && test -f $t/MARK; then echo $t yes; else echo $t no; fi; done > /output/${who}.$SLURM_PROCID'`;
    const dir = clusterWorkspace(c, { 'data/MARK': 'data\n', 'out/MARK': 'out\n', 'wf.yaml': clusterWorkflow(wf, `volumes:
  data: { source: @DIR@/data, target: /data/in }
  out: { source: @DIR@/out, target: /output }
jobs:
  simulate:
    image: workflow
    nodes: 2
    volumes: [out]
    steps:
      - { name: manager, image: manager, nodes: 1, tasks: 1, background: true, command: "${look('manager')}" }
      - { name: workers, nodes: 2, tasksPerNode: 2, volumes: [data], command: "${look('worker')}" }
`) });
    assert.equal(runAsUser(c, dir, ['validate', 'wf.yaml']).code, 0);
    const script = runAsUser(c, dir, ['render', 'wf.yaml']).stdout;
    assert.match(script, new RegExp(`^#SBATCH --volume="${dir}/out:/output"$`, 'm'));
    assert.match(script, /^srun -N 1 -n 1 --overlap shifter --image=docker:workflow_manager:latest sh -c /m);
    assert.match(script, new RegExp(`^srun -N 2 -n 4 shifter --volume=${dir}/out:/output --volume=${dir}/data:/data/in sh -c `, 'm'));
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'out', 'manager.0'), 'utf8'), '/output yes\n/data/in no\n');
    for (const rank of [0, 1, 2, 3]) assert.equal(readFileSync(join(dir, 'out', `worker.${rank}`), 'utf8'), '/output yes\n/data/in yes\n', `worker rank ${rank}`);
  });

  it('an array whose tasks 1 and 4 fail once and task 2 until fixed: the retry as a Slurm job that holds only 1, 2 and 4 (sacct); resume after a partial retry resubmits no finished task', async () => {
    const wf = unique('ar');
    const command = `sh -c 'i=$SLURM_ARRAY_TASK_ID; case $i in 1|4) test -f @DIR@/m.$i || { touch @DIR@/m.$i; exit 1; };; 2) test -f @DIR@/fixed || exit 3;; esac'`;
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  sweep:\n    image: workflow\n    matrix: { i: [0, 1, 2, 3, 4, 5] }\n    maxParallel: 3\n    retry: { attempts: 1, on: [FAILED] }\n    command: "${command}"\n`) });
    // Task 2 fails on every attempt until fixed: the run fails after one partial retry.
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 1, r.stderr);
    const [run] = runDirs(dir);
    const subs = journalOf(dir, run).filter((e) => e.type === 'job-submitted');
    assert.equal(subs.length, 2);
    const [first, second] = subs.map((e) => (e as { externalId: string }).externalId);
    assert.equal((subs[1] as { arrayIndices?: string }).arrayIndices, '1-2,4%3');
    const jobs = await settledJobs(c, wf, 9);
    const indicesOf = (id: string) => jobs.filter((j) => j.id.startsWith(`${id}_`)).map((j) => Number(j.id.split('_')[1])).sort((a, b) => a - b);
    assert.deepEqual(indicesOf(first), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(indicesOf(second), [1, 2, 4], 'the retry ran only the failed indices');
    writeFileSync(join(dir, 'fixed'), '');
    const again = runAsUser(c, dir, ['run', 'wf.yaml', '--resume']);
    assert.equal(again.code, 0, again.stderr);
    const third = journalOf(dir, run).filter((e) => e.type === 'job-submitted').at(-1) as { externalId: string; arrayIndices?: string };
    assert.equal(third.arrayIndices, '2%3');
    const all = await settledJobs(c, wf, 10);
    assert.deepEqual(all.filter((j) => j.id.startsWith(`${third.externalId}_`)).map((j) => j.id.split('_')[1]), ['2'], 'the resume ran only the unfinished task');
    assert.equal(sacctJobs(c, wf).length, 10);
  });
});
