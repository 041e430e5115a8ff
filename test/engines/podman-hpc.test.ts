// podman-hpc's command line per step (the golden files cover whole scripts).

import assert from 'node:assert/strict';
import { podmanHpcEngine } from '../../runner/engines';
import { renderInteractive } from '../../runner/render/interactive';
import { renderJob } from '../../runner/render';
import { HEADER, planText } from './plan-text';

function lastLine(text: string, job = 'j'): string {
  const plan = planText(HEADER + text);
  const lines = renderJob(plan.jobs.find((x) => x.key === job)!, plan, podmanHpcEngine).trimEnd().split('\n');
  return lines[lines.length - 1];
}

describe('engines: podman-hpc', () => {
  it('runs the step in a fully qualified image, ENTRYPOINT emptied, no sbatch directives', () => {
    const plan = planText(HEADER + 'jobs:\n  j:\n    image: docker:ubuntu:22.04\n    command: hostname\n');
    const text = renderJob(plan.jobs[0], plan, podmanHpcEngine);
    assert.doesNotMatch(text, /^#SBATCH --(image|volume|module)/m);
    assert.equal(text.trimEnd().split('\n').at(-1), "srun -N 1 -n 1 podman-hpc run --rm --env='SLURM_*' --entrypoint= docker.io/library/ubuntu:22.04 hostname");
  });

  it('entrypoint: true keeps the image ENTRYPOINT; a program replaces it', () => {
    assert.match(lastLine('jobs:\n  j:\n    image: docker:a/b:1\n    entrypoint: true\n    command: arg\n'), /podman-hpc run --rm --env='SLURM_\*' docker\.io\/a\/b:1 arg$/);
    assert.match(lastLine("jobs:\n  j:\n    image: docker:a/b:1\n    entrypoint: '/bin/my entry'\n    command: arg\n"), /--entrypoint='\/bin\/my entry' docker\.io\/a\/b:1 arg$/);
  });

  it('MPI: srun --mpi and podman-hpc --mpi (the site MPI module); volumes, env and workdir per step, quoted', () => {
    const line = lastLine(
      "images:\n  m: { ref: docker:me/mpi:1, mpi: mpich }\nvolumes:\n  code: { source: /global/code, target: /code, readOnly: true }\njobs:\n  j:\n    image: m\n    nodes: 2\n    tasksPerNode: 4\n    mpi: true\n    volumes: [code]\n    workdir: /code\n    env: { X: \"a b $(c) 'd'\" }\n    command: ./run\n",
    );
    assert.equal(line, "srun -N 2 -n 8 --mpi=pmi2 podman-hpc run --rm --mpi --env='SLURM_*' --entrypoint= --volume=/global/code:/code:ro --env=X='a b $(c) '\\''d'\\''' --workdir=/code docker.io/me/mpi:1 ./run");
  });

  it('a command with shell syntax runs whole in the container under /bin/sh, with the task\'s SLURM_* variables', () => {
    assert.equal(
      lastLine('jobs:\n  j:\n    image: docker:a/b:1\n    tasks: 4\n    command: cat /etc/marker > /output/$SLURM_PROCID.txt\n'),
      "srun -N 1 -n 4 podman-hpc run --rm --env='SLURM_*' --entrypoint= docker.io/a/b:1 /bin/sh -c 'cat /etc/marker > /output/$SLURM_PROCID.txt'",
    );
  });

  it('perNodeCache in a shared job: a fresh tmpfs per container; in an exclusive job: refused', () => {
    const shared = 'volumes:\n  s: { source: /global/s, target: /scratch, perNodeCache: { size: 10G } }\njobs:\n  j:\n    image: docker:a:1\n    volumes: [s]\n    command: x\n';
    assert.match(lastLine(shared), /--tmpfs=\/scratch:rw,size=10g,mode=1777 /);
    assert.throws(() => lastLine(shared.replace('    volumes: [s]', '    exclusive: true\n    volumes: [s]')), /perNodeCache in an --exclusive job/);
  });

  it('a Shifter module without an equivalent is refused', () => {
    assert.throws(() => lastLine('jobs:\n  j:\n    image: docker:a:1\n    modules: [cvmfs]\n    command: x\n'), /module cvmfs has no podman-hpc equivalent/);
  });

  it('readiness and interactive shell', () => {
    const plan = planText(HEADER + 'jobs:\n  j:\n    image: docker:a/b:1\n    command: x\n');
    assert.deepEqual(podmanHpcEngine.readiness(plan.images[0]), { check: ['podman-hpc', 'image', 'exists', 'docker.io/a/b:1'], remedy: ['podman-hpc', 'pull', 'docker.io/a/b:1'] });
    assert.deepEqual(renderInteractive(plan, { engine: podmanHpcEngine }).inside.slice(-2), ['docker.io/a/b:1', '/bin/bash']);
  });
});
