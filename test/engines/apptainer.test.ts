// Apptainer's command line per step (the golden files cover whole scripts).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { apptainerEngine } from '../../runner/engines';
import { bindSpec } from '../../runner/engines/per-step-volumes';
import { renderJob } from '../../runner/render';
import { HEADER, planText } from './plan-text';

function lastLine(text: string): string {
  const plan = planText(HEADER + text);
  return renderJob(plan.jobs[0], plan, apptainerEngine).trimEnd().split('\n').at(-1)!;
}

describe('engines: apptainer', () => {
  it('exec in the SIF of the image (never the ENTRYPOINT), no sbatch directives', () => {
    const plan = planText(HEADER + 'jobs:\n  j:\n    image: docker:ubuntu:22.04\n    command: hostname\n');
    const text = renderJob(plan.jobs[0], plan, apptainerEngine);
    assert.doesNotMatch(text, /^#SBATCH --(image|volume|module)/m);
    assert.equal(text.trimEnd().split('\n').at(-1), 'srun -N 1 -n 1 apptainer exec docker.io_library_ubuntu_22.04.sif hostname');
  });

  it('entrypoint: true uses run (ENTRYPOINT + args); a program goes before the command', () => {
    assert.match(lastLine('jobs:\n  j:\n    image: docker:a/b:1\n    entrypoint: true\n    command: arg\n'), /apptainer run docker\.io_a_b_1\.sif arg$/);
    assert.match(lastLine('jobs:\n  j:\n    image: docker:a/b:1\n    entrypoint: /bin/tool\n    command: arg\n'), /apptainer exec docker\.io_a_b_1\.sif \/bin\/tool arg$/);
  });

  it('a command with shell syntax runs whole in the SIF under /bin/sh (the host environment, SLURM_* included, passes in)', () => {
    assert.equal(
      lastLine('jobs:\n  j:\n    image: docker:a/b:1\n    tasks: 4\n    command: cat /etc/marker | tr a-z A-Z > /output/$SLURM_PROCID.txt\n'),
      "srun -N 1 -n 4 apptainer exec docker.io_a_b_1.sif /bin/sh -c 'cat /etc/marker | tr a-z A-Z > /output/$SLURM_PROCID.txt'",
    );
  });

  it('binds, per-step env through APPTAINERENV_ (any value, commas included), --pwd, GPU module', () => {
    const line = lastLine(
      "volumes:\n  d: { source: /global/d, target: /d, readOnly: true }\njobs:\n  j:\n    image: docker:a:1\n    volumes: [d]\n    modules: [gpu]\n    workdir: /d\n    env: { X: \"a,b $(c)\" }\n    command: ./run\n",
    );
    assert.equal(line, "srun -N 1 -n 1 env APPTAINERENV_X='a,b $(c)' apptainer exec --nv --bind=/global/d:/d:ro --pwd=/d docker.io_library_a_1.sif ./run");
    const r = spawnSync('bash', ['-c', `env() { printf '%s\\n' "$@"; }; srun() { shift 4; "$@"; }; apptainer() { :; }; ${line.replace(/ apptainer .*/, '')}`]);
    assert.equal(r.stdout.toString(), "APPTAINERENV_X=a,b $(c)\n", 'the shell passes the value intact');
  });

  it('perNodeCache in a shared job: --scratch; a bind that apptainer would split is refused', () => {
    assert.match(lastLine('volumes:\n  s: { source: /global/s, target: /scratch, perNodeCache: { size: 1G } }\njobs:\n  j:\n    image: docker:a:1\n    volumes: [s]\n    command: x\n'), / --scratch=\/scratch /);
    const v = { name: 'v', source: '/a,b', target: '/x', readOnly: false };
    assert.throws(() => bindSpec('apptainer', v, /[:,]/), /cannot be given to apptainer/);
    assert.equal(bindSpec('podman-hpc', v, /[:]/), '/a,b:/x');
  });

  it('readiness: the SIF file; remedy: apptainer pull from docker://', () => {
    const plan = planText(HEADER + 'jobs:\n  j:\n    image: docker:registry.example.org/me/img:2\n    command: x\n');
    assert.deepEqual(apptainerEngine.readiness(plan.images[0]), { check: ['test', '-f', 'registry.example.org_me_img_2.sif'], remedy: ['apptainer', 'pull', 'registry.example.org_me_img_2.sif', 'docker://registry.example.org/me/img:2'] });
  });
});
