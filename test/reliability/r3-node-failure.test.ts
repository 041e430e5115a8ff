// R3: a node dies under a running job (its slurmd and every process of the node killed, by the pid
// file up.sh wrote). What Slurm 22.05 does here (JobRequeue=1, the default; SlurmdTimeout=60 s;
// ReturnToService=2): about 60 s later the node is DOWN, the job ends NODE_FAIL, and Slurm REQUEUES it
// itself with a begin time 120 s later, under the same job id. A job whose retry policy names
// NODE_FAIL is therefore submitted with --no-requeue (the runner owns the retry: otherwise both would
// run it); the runner sees NODE_FAIL, submits attempt 2, and the run ends COMPLETED with the final
// attempt on a live node. The node is then started again exactly as up.sh starts it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../runner/run/events';
import { cluster, clusterWorkflow, clusterWorkspace, ctl, runDirs, settled, sleep, startRunner, unique, waitIdle, type Cluster } from './helpers';

describe('R3: a node fails under a running job @cluster', function () {
  this.timeout(300_000);
  let c: Cluster;
  let killed: string | undefined;
  before(() => {
    c = cluster();
  });
  after(async () => {
    if (killed) ctl('node-start', killed);
    await waitIdle(c);
  });

  it('retry: {attempts: 1, on: [NODE_FAIL]}: NODE_FAIL, attempt 2 on a live node, run COMPLETED, no Slurm requeue', async () => {
    const wf = unique('r3n');
    const dir = clusterWorkspace(c, {
      'wf.yaml': clusterWorkflow(wf, `jobs:
  victim:
    image: workflow
    retry: { attempts: 1, on: [NODE_FAIL] }
    command: sh -c 'echo "attempt on $(hostname)"; test -f @DIR@/started && exit 0; touch @DIR@/started; sleep 300'
  after:
    needs: [victim]
    image: workflow
    command: touch @DIR@/after-done
`),
    });
    const t0 = Date.now();
    const runner = startRunner(c, dir, ['run', 'wf.yaml', '--json', '--poll-ms', '1000,3000']);
    const events = () => runner.out().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as RunEvent);
    let node: string | undefined;
    for (let i = 0; i < 600 && !node; i++) {
      await sleep(100);
      const running = events().find((e) => e.type === 'job-state' && e.job === 'victim' && e.state === 'RUNNING' && e.nodes);
      if (running && running.type === 'job-state') node = running.nodes;
    }
    assert.ok(node && /^n[123]$/.test(node), `victim runs on one node: ${node}`);
    const script = readFileSync(join(dir, '.shifterflow', 'runs', runDirs(dir)[0], 'scripts', 'victim.sbatch'), 'utf8');
    ctl('node-kill', node);
    killed = node;
    const tKill = Date.now();
    const code = await runner.exited;
    const ev = events();
    const states = ev.filter((e): e is Extract<RunEvent, { type: 'job-state' }> => e.type === 'job-state' && e.job === 'victim' && ['NODE_FAIL', 'COMPLETED'].includes(e.state));
    const fail = states.find((e) => e.state === 'NODE_FAIL');
    const done = states.find((e) => e.state === 'COMPLETED');
    const jobs = await settled(c, wf, 3);
    console.log(`R3: killed node ${node} under victim (attempt 1); NODE_FAIL seen after ${fail ? Math.round((Date.parse(fail.time) - tKill) / 1000) : '?'} s; attempt ${done?.attempt} COMPLETED on ${done?.nodes}; run exit ${code} after ${Math.round((Date.now() - t0) / 1000)} s; accounting: ${jobs.map((j) => `${j.name.split('.')[1]}#${j.comment.split(':').at(-1)}=${j.state.split(' ')[0]}`).join(', ')}`);
    assert.match(script + JSON.stringify(ev.filter((e) => e.type === 'job-submitted')), /victim/);
    assert.equal(code, 0, runner.err());
    assert.ok(fail && fail.attempt === 1 && fail.nodes === node, 'attempt 1 ended NODE_FAIL on the killed node');
    assert.ok(done && done.attempt === 2 && done.nodes && done.nodes !== node, `attempt 2 completed on a live node (${done?.nodes})`);
    assert.ok(ev.some((e) => e.type === 'message' && /victim ended NODE_FAIL; retrying \(1 of 1\)/.test(e.text)));
    // Slurm did not requeue attempt 1 behind the runner's back: exactly one record per attempt, the
    // first NODE_FAIL, the second COMPLETED, then the dependent.
    const victim = jobs.filter((j) => j.name === `${wf}.victim`).map((j) => [j.comment.split(':').at(-1), j.state.split(' ')[0]]);
    assert.deepEqual(victim, [['1', 'NODE_FAIL'], ['2', 'COMPLETED']]);
    // The dependent's first submission hung on attempt 1: the runner cancels it and links a new one to attempt 2.
    assert.deepEqual(jobs.filter((j) => j.name === `${wf}.after`).map((j) => [j.comment.split(':').at(-1), j.state.split(' ')[0]]), [['1', 'CANCELLED'], ['2', 'COMPLETED']]);
    ctl('node-start', node);
    killed = undefined;
    const idle = await waitIdle(c);
    console.log(`R3: node ${node} restored: ${idle}`);
  });
});
