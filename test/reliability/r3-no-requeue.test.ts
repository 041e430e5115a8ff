// R3's product rule without the cluster: a job the runner retries after NODE_FAIL/PREEMPTED is
// submitted with --no-requeue (Slurm's JobRequeue=1 would otherwise run the old job again beside the
// runner's new attempt); other jobs keep Slurm's default.

import assert from 'node:assert/strict';
import { sbatchArgv } from '../../runner/slurm/sbatch';

describe('R3: --no-requeue for jobs the runner retries after a node failure', () => {
  const sub = { job: 'a', attempt: 1, name: 'wf.a', comment: 'shifterflow:r:a:1', scriptPath: '/w/a.sbatch', dependsOn: [], stdoutPath: '/w/a.out', stderrPath: '/w/a.err', workdir: '/w' };
  it('adds --no-requeue only when asked', () => {
    assert.ok(sbatchArgv({ ...sub, noRequeue: true }).includes('--no-requeue'));
    assert.ok(!sbatchArgv(sub).includes('--no-requeue'));
  });
});
