// The script text that goes into a job's cache key: the job rendered as it runs, for one array task,
// without what only says where, when or how long it runs. Rendering a copy of the planned job (not
// editing the text) keeps this exact: the lines left out are the ones the renderer would write for
// those options, and nothing the user wrote can be mistaken for them.

import type { ContainerEngine } from '../engines/engine';
import type { Plan, PlannedJob } from '../plan/types';
import { renderJob } from '../render/job-script';

/**
 * Left out: `#SBATCH --qos/--account/--partition/--time` (the queue and limits: the same work wherever
 * it waits), `--output/--error` (per run), `--array` (the task is rendered alone) and the description
 * comment. Kept: everything that reaches the command: image, volumes, modules, env, steps, nodes and
 * tasks, the job name (`<workflow>.<job>`, visible to the job as SLURM_JOB_NAME).
 */
export function taskScript(job: PlannedJob, plan: Plan, engine: ContainerEngine, index?: number): string {
  const copy: PlannedJob = {
    ...job,
    description: undefined,
    slurm: { ...job.slurm, qos: undefined, account: undefined, partition: undefined, time: undefined },
  };
  // The task alone: its matrix values and its declared files (`${{ inputs.X }}` of element i).
  if (job.array && index !== undefined) {
    copy.array = { ...job.array, values: [job.array.values[index]], size: 1, maxParallel: undefined };
    copy.files = [job.files[index]];
  }
  const text = renderJob(copy, { ...plan, logDir: undefined }, engine);
  return text.replace(/^#SBATCH --array=.*\n/m, '');
}
