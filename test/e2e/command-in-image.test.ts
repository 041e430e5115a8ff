// A job's command runs in the image, all of it, once per task (issue 17), on the real cluster with the
// Shifter stand-in: each job below uses shell syntax that the batch shell on the host used to take
// for itself (the node has no /etc/sf-image-name and no /output; SLURM_PROCID there is the batch
// step's). Every assertion reads what the job left: its log or a file in its volume.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cluster, clusterWorkflow, clusterWorkspace, runAsUser, runDirs, unique, type Cluster } from './cluster';

describe('a command runs in the image, all of it, once per task, on the real cluster @cluster', function () {
  this.timeout(240_000);
  let c: Cluster;
  let dir = '';
  let run: { code: number | null; stdout: string; stderr: string };
  const log = (file: string) => readFileSync(join(dir, '.shifterflow', 'runs', runDirs(dir)[0], 'logs', file), 'utf8');
  const status = () => JSON.parse(runAsUser(c, dir, ['status', '--json']).stdout) as { jobs: { key: string; state: string }[] };
  const stateOf = (key: string) => status().jobs.find((j) => j.key === key)?.state;

  before(() => {
    c = cluster();
    for (const p of ['/etc/sf-image-name', '/output']) assert.ok(!existsSync(p), `PREREQUISITE: ${p} must not exist on the host, or the test proves nothing`);
    dir = clusterWorkspace(c, {
      'out/.keep': '',
      'wf.yaml': clusterWorkflow(unique('inimage'), `volumes:
  out: { source: @DIR@/out, target: /output }
jobs:
  substitution:
    image: workflow
    command: echo "in $(cat /etc/sf-image-name)"
  redirect:
    image: workflow
    volumes: [out]
    command: echo redirected > /output/redirect.txt
  pipe:
    image: workflow
    command: echo piped | cat - /etc/sf-image-name
  tasks:
    image: workflow
    nodes: 2
    tasks: 4
    command: echo $SLURM_PROCID
`),
    });
    run = runAsUser(c, dir, ['run', 'wf.yaml']);
  });

  it('the run succeeds', () => {
    assert.equal(run.code, 0, run.stderr);
  });

  it('$(cat FILE) reads a file that exists only in the image', () => {
    assert.equal(stateOf('substitution'), 'COMPLETED');
    assert.equal(log('substitution.1.out'), 'in workflow:latest\n');
  });

  it('a redirect writes to a volume target the host does not have', () => {
    assert.equal(stateOf('redirect'), 'COMPLETED');
    assert.equal(readFileSync(join(dir, 'out', 'redirect.txt'), 'utf8'), 'redirected\n');
  });

  it('the second half of a pipe runs in the image too', () => {
    assert.equal(stateOf('pipe'), 'COMPLETED');
    assert.equal(log('pipe.1.out'), 'piped\nworkflow:latest\n');
  });

  it('$SLURM_PROCID is each task\'s own: 0, 1, 2, 3 in a 4-task step', () => {
    assert.equal(stateOf('tasks'), 'COMPLETED');
    assert.deepEqual(log('tasks.1.out').trim().split('\n').sort(), ['0', '1', '2', '3']);
  });
});
