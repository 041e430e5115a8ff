import assert from 'node:assert/strict';
import { planWorkflow } from '../../runner/plan';
import { BUILTIN_PROFILES } from '../../runner/profiles/profile';
import { renderInteractive } from '../../runner/render';

describe('render: interactive shell in an image', () => {
  it('salloc with the image, then srun --pty shifter /bin/bash (not a bare shifter)', () => {
    const r = renderInteractive('ubuntu:22.04');
    assert.deepEqual(r, {
      salloc: ['salloc', '-N', '1', '-t', '00:30:00', '--image=docker:ubuntu:22.04'],
      inside: ['srun', '--pty', 'shifter', '/bin/bash'],
    });
  });

  it('on nersc uses the interactive qos, and a plan job brings account, features, mounts and modules', () => {
    const plan = planWorkflow(
      {
        version: 1,
        name: 'w',
        defaults: { account: 'm1234', constraint: 'cpu', qos: 'regular' },
        images: { mp: { ref: 'docker:myorg/mpi:1', mpi: 'mpich' } },
        volumes: { d: { source: '/global/d', target: '/d', readOnly: true }, s: { source: '/global/s', target: '/tmp', perNodeCache: { size: '1G' } } },
        jobs: { a: { image: 'docker:x:1', command: 'x' }, b: { image: 'mp', mpi: true, volumes: ['d', 's'], command: 'x' } },
      },
      BUILTIN_PROFILES.nersc,
    );
    assert.deepEqual(renderInteractive(plan, { job: 'b', time: '01:00:00' }).salloc, [
      'salloc', '-N', '1', '-q', 'interactive', '-A', 'm1234', '-C', 'cpu', '-t', '01:00:00',
      '--image=docker:myorg/mpi:1', '--volume=/global/d:/d:ro;/global/s:/tmp:perNodeCache=size=1G', '--module=mpich',
    ]);
    assert.deepEqual(renderInteractive(plan, { qos: 'debug', account: 'm9' }).salloc.slice(0, 7), ['salloc', '-N', '1', '-q', 'debug', '-A', 'm9']);
    assert.throws(() => renderInteractive(plan, { job: 'zz' }), /no job zz/);
  });
});
