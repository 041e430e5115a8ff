// podman-hpc (NERSC Perlmutter and other centres): images are pulled once on a login node
// (`podman-hpc pull REF`, which also converts them for the compute nodes), and every step runs
// `podman-hpc run --rm [--mpi|--cuda-mpi|--gpu] [--entrypoint=] -v SRC:DST[:ro]... [--env=N=V]...
// [--workdir=P] IMAGE CMD` under srun. No sbatch directives: there is no Slurm plugin.
// - Shifter modules become podman-hpc's switches: mpich (the site MPI swapped in) -> --mpi,
//   cuda-mpich -> --cuda-mpi, gpu -> --gpu; others have no equivalent and are refused.
// - The workflow's meaning stays Shifter's: ENTRYPOINT does not run unless asked (--entrypoint=
//   empties it), env and workdir are per step, the job's volumes on every step and a step's own on it
//   alone (per-step-volumes.ts), and each task sees its own Slurm variables (`--env=SLURM_*`: podman
//   passes the host's by prefix, and none unless asked). The command follows the image, plain or as
//   `/bin/sh -c '...'` (command-form.ts).
// - perNodeCache in a shared job: a fresh tmpfs of that size per container (memory-backed; mode
//   1777 because podman-hpc maps the user to a non-root uid that must write there).
// - Image references are fully qualified (docker-reference.ts).

import type { PlannedImage, PlannedJob, PlannedStep, PlannedVolume } from '../plan/types';
import { dockerReference } from './docker-reference';
import { EngineError, type ContainerEngineWithReadiness, type InteractiveTarget, type ReadinessCheck, type SbatchDirective, type StepLaunch, type Word } from './engine';
import { bindSpec, checkPerNodeCache } from './per-step-volumes';

const MODULE_FLAGS: Record<string, string | null> = { mpich: '--mpi', 'cuda-mpich': '--cuda-mpi', gpu: '--gpu', none: null };

function moduleFlags(step: PlannedStep): string[] {
  const out: string[] = [];
  for (const m of step.modules) {
    if (!(m in MODULE_FLAGS)) throw new EngineError(`step ${step.name}: Shifter module ${m} has no podman-hpc equivalent (known: mpich -> --mpi, cuda-mpich -> --cuda-mpi, gpu -> --gpu)`);
    const flag = MODULE_FLAGS[m];
    if (flag && !out.includes(flag)) out.push(flag);
  }
  return out;
}

function volumeWords(volumes: readonly PlannedVolume[]): Word[] {
  const words: Word[] = [];
  for (const v of volumes) {
    if (v.perNodeCache) {
      if (/[:,]/.test(v.target)) throw new EngineError(`volume ${v.name} target ${JSON.stringify(v.target)} cannot be given to podman-hpc`);
      words.push({ option: '--tmpfs=', value: `${v.target}:rw,size=${v.perNodeCache.size.toLowerCase()},mode=1777` });
    } else words.push({ option: '--volume=', value: bindSpec('podman-hpc', v, /[:]/) });
  }
  return words;
}

export const podmanHpcEngine: ContainerEngineWithReadiness = {
  name: 'podman-hpc',

  jobDirectives(job: PlannedJob): SbatchDirective[] {
    checkPerNodeCache('podman-hpc', job);
    return [];
  },

  commandPrefix({ job, step, env, workdir }: StepLaunch): Word[] {
    // podman passes no host variable unless named: the task's SLURM_* (SLURM_PROCID...) by prefix.
    const words: Word[] = ['podman-hpc', 'run', '--rm', ...moduleFlags(step), { option: '--env=', value: 'SLURM_*' }];
    if (step.entrypoint === undefined) words.push('--entrypoint=');
    else if (typeof step.entrypoint === 'string') words.push({ option: '--entrypoint=', value: step.entrypoint });
    words.push(...volumeWords([...job.volumes, ...step.volumes]));
    for (const [name, value] of env) words.push({ option: `--env=${name}=`, value });
    if (workdir !== undefined) words.push({ option: '--workdir=', value: workdir });
    words.push(dockerReference(step.image.ref));
    return words;
  },

  allocationOptions(): string[] {
    return [];
  },

  shellCommand(target: InteractiveTarget): string[] {
    const volumes = volumeWords(target.volumes).map((w) => (typeof w === 'string' ? w : w.option + w.value));
    return ['podman-hpc', 'run', '--rm', '-it', '--entrypoint=', ...volumes, dockerReference(target.image.ref), '/bin/bash'];
  },

  readiness(image: PlannedImage): ReadinessCheck {
    const ref = dockerReference(image.ref);
    return { check: ['podman-hpc', 'image', 'exists', ref], remedy: ['podman-hpc', 'pull', ref] };
  },
};
