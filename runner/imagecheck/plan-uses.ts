// How a plan uses each of its images, for the image check's workflow rules: one ImageUse per step
// that runs in the image (its job, or `job.step` for a job of several steps), with the step's MPI,
// entrypoint, command and workdir and the job's volume targets. Pure: the plan in, uses by reference out.

import type { Plan } from '../plan/types';
import type { ImageUse } from './check-context';

export function planImageUses(plan: Plan): Map<string, ImageUse[]> {
  const uses = new Map<string, ImageUse[]>(plan.images.map((i) => [i.ref, []]));
  for (const job of plan.jobs) {
    const volumeTargets = job.volumes.map((v) => v.target);
    for (const step of job.steps) {
      const use: ImageUse = {
        job: job.steps.length === 1 ? job.key : `${job.key}.${step.name}`,
        // An image that brings its own MPI (`mpi: own`) does not take the system's: no swap-in to check.
        mpi: step.mpi !== undefined && step.image.mpi !== 'own',
        entrypoint: step.entrypoint !== undefined,
        commands: step.command.trim() === '' ? [] : [step.command],
        workdirs: step.workdir ? [step.workdir] : [],
        volumeTargets,
      };
      const list = uses.get(step.image.ref) ?? [];
      list.push(use);
      uses.set(step.image.ref, list);
    }
  }
  return uses;
}
