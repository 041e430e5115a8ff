// Apptainer (formerly Singularity): each image is pulled once into a SIF file in the directory the
// jobs run in (`apptainer pull NAME.sif docker://REF`: pull creates no directories), and every step
// runs `[env APPTAINERENV_N=V...] apptainer exec [--nv] [--bind=SRC:DST[:ro]]... [--scratch=DST]...
// [--pwd=P] FILE.sif CMD` under srun. No sbatch directives.
// - Like Shifter: the image is read-only (SIF), the user's own uid, the host environment with the
//   image's on top (so each task's SLURM_PROCID... is there as srun set it), and `exec` never runs
//   the ENTRYPOINT; a step that asks for it uses `apptainer run` (the runscript of a docker image is
//   its ENTRYPOINT + CMD), and --entrypoint=PROG puts PROG before the command. The command follows
//   the SIF, plain or as `/bin/sh -c '...'` (command-form.ts).
// - Modules: gpu and cuda-mpich -> --nv; mpich needs no flag (srun --mpi=... starts the ranks and the
//   image's MPICH talks PMI to it: Apptainer's hybrid model); others are refused.
// - perNodeCache in a shared job: --scratch=DST, a fresh directory per container.

import type { PlannedImage, PlannedJob, PlannedStep, PlannedVolume } from '../plan/types';
import { dockerReference } from './docker-reference';
import { EngineError, type ContainerEngineWithReadiness, type InteractiveTarget, type ReadinessCheck, type SbatchDirective, type StepLaunch, type Word } from './engine';
import { bindSpec, checkPerNodeCache } from './per-step-volumes';

const MODULE_FLAGS: Record<string, string | null> = { gpu: '--nv', 'cuda-mpich': '--nv', mpich: null, none: null };

/** The SIF of an image, in the directory the jobs run in: its reference with / and : as _. */
export function sifPath(image: PlannedImage): string {
  return `${dockerReference(image.ref).replace(/[/:]/g, '_')}.sif`;
}

function moduleFlags(step: PlannedStep): string[] {
  const out: string[] = [];
  for (const m of step.modules) {
    if (!(m in MODULE_FLAGS)) throw new EngineError(`step ${step.name}: Shifter module ${m} has no apptainer equivalent (known: gpu, cuda-mpich -> --nv; mpich needs none)`);
    const flag = MODULE_FLAGS[m];
    if (flag && !out.includes(flag)) out.push(flag);
  }
  return out;
}

function volumeWords(volumes: readonly PlannedVolume[]): Word[] {
  return volumes.map((v) => (v.perNodeCache ? { option: '--scratch=', value: bindTarget(v) } : { option: '--bind=', value: bindSpec('apptainer', v, /[:,]/) }));
}

function bindTarget(v: PlannedVolume): string {
  if (/[:,]/.test(v.target)) throw new EngineError(`volume ${v.name} target ${JSON.stringify(v.target)} cannot be given to apptainer: it splits lists on , and :`);
  return v.target;
}

export const apptainerEngine: ContainerEngineWithReadiness = {
  name: 'apptainer',

  jobDirectives(job: PlannedJob): SbatchDirective[] {
    checkPerNodeCache('apptainer', job);
    return [];
  },

  commandPrefix({ job, step, env, workdir }: StepLaunch): Word[] {
    // apptainer's --env splits its value on commas; APPTAINERENV_NAME variables carry any value.
    const words: Word[] = env.length > 0 ? ['env', ...env.map(([name, value]): Word => ({ option: `APPTAINERENV_${name}=`, value }))] : [];
    words.push('apptainer', step.entrypoint === true ? 'run' : 'exec', ...moduleFlags(step), ...volumeWords([...job.volumes, ...step.volumes]));
    if (workdir !== undefined) words.push({ option: '--pwd=', value: workdir });
    words.push(sifPath(step.image));
    if (typeof step.entrypoint === 'string') words.push(step.entrypoint);
    return words;
  },

  allocationOptions(): string[] {
    return [];
  },

  shellCommand(target: InteractiveTarget): string[] {
    const volumes = volumeWords(target.volumes).map((w) => (typeof w === 'string' ? w : w.option + w.value));
    return ['apptainer', 'shell', ...volumes, sifPath(target.image)];
  },

  readiness(image: PlannedImage): ReadinessCheck {
    const sif = sifPath(image);
    return { check: ['test', '-f', sif], remedy: ['apptainer', 'pull', sif, `docker://${dockerReference(image.ref)}`] };
  },
};
