// The script text that goes into a job's cache key: the job rendered as it runs, for one array task,
// without what only says where, when or how long it runs. Rendering a copy of the planned job (not
// editing the text) keeps this exact: the lines left out are the ones the renderer would write for
// those options, and nothing the user wrote can be mistaken for them.

import type { ContainerEngine } from '../engines/engine';
import type { Plan, PlannedJob } from '../plan/types';
import { renderDirectives, renderJob } from '../render/job-script';

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

/** A task's name in the cache (`job`, or `job[i]` for array task i), as CacheSession names it. */
export function taskName(job: string, index: number | undefined): string {
  return index === undefined ? job : `${job}[${index}]`;
}

/**
 * Every task's script as the key sees it, by task name: what `run --dry-run` renders, once. It refuses
 * what a run's render refuses: each task's text, and each job's #SBATCH lines (the queue and limits
 * the key leaves out included), with the same RenderError.
 */
export function renderTaskScripts(plan: Plan, engine: ContainerEngine): Map<string, string> {
  const out = new Map<string, string>();
  for (const job of plan.jobs) {
    renderDirectives(job, plan, engine);
    if (!job.array) out.set(taskName(job.key, undefined), taskScript(job, plan, engine));
    else for (let i = 0; i < job.array.size; i++) out.set(taskName(job.key, i), taskScript(job, plan, engine, i));
  }
  return out;
}
