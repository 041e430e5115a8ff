// One submission of the run: a job, or its group from one job on, made into a Submission (which
// tasks of an array, which ids it waits for, the group's arguments and time) and handed to the
// executor; its job-submitted events. Which jobs go when is the run loop's (run-workflow.ts).

import { join } from 'node:path';
import { arraySpec } from '../plan/array-indices';
import { sumSlurmTimes } from '../plan/slurm-time';
import type { Plan } from '../plan/types';
import { jobScriptName } from '../render/submit-script';
import { event, type RunEvent } from './events';
import type { Executor, Submission } from './executor';
import { groupLogPaths, groupScriptPath } from './group-submissions';
import { jobState, type TrackedJob } from './job-tracker';
import type { RunDir } from './run-dir';

/** Emits an event; job states are made durable together by `flush` (one fsync per poll, not per task). */
export type Emit = ((e: RunEvent) => void) & { flush?: () => void };

/** What a submission needs of the run (RunOptions). */
export interface SubmitContext {
  plan: Plan;
  dir: RunDir;
  executor: Executor;
  workdir: string;
  /** A resumed run looks for a submission made before a crash (by its comment) before submitting. */
  resuming?: boolean;
}

/**
 * Submits a job, or its group from this job on; returns the keys of the jobs submitted. An array whose
 * tasks completed in an earlier attempt (a retry, a resume) runs only the others, or `only` these:
 * the completed tasks keep their results and the attempt that made them.
 */
export async function submit(o: SubmitContext, jobs: Map<string, TrackedJob>, j: TrackedJob, emit: Emit, interrupt?: AbortSignal, only?: number[]): Promise<string[]> {
  const group = j.group === undefined ? undefined : o.plan.groups.find((g) => g.name === j.group);
  const from = group ? group.members.indexOf(j.key) : 0;
  const members = group ? group.members.slice(from).map((k) => jobs.get(k)!) : [j];
  const planned = members.map((m) => o.plan.jobs.find((p) => p.key === m.key)!);
  // One attempt number for everything in one submission: a group's log and marker names share it.
  const attempt = Math.max(...members.map((m) => m.attempt)) + 1;
  const array = planned[0].array;
  const part = array && !group ? (only ?? unfinishedTasks(j)) : undefined;
  const arrayIndices = part && part.length > 0 && part.length < array!.size ? arraySpec(part, array!.maxParallel) : undefined;
  for (const m of members) {
    m.attempt = attempt;
    if (arrayIndices !== undefined) for (const i of part!) m.tasks.delete(i);
    else m.tasks = new Map();
    m.settled = undefined;
    m.outputsChecked = undefined;
    m.outputsMissing = undefined;
  }
  const comment = `shifterflow:${o.dir.id}:${j.key}:${attempt}`;
  const logs = group ? groupLogPaths(o.dir, group.name, attempt) : logPaths(o.dir, planned[0].array !== undefined, j.key, attempt);
  const inside = new Set(members.map((m) => m.key));
  const needs = [...new Set(members.flatMap((m) => m.needs))].filter((n) => !inside.has(n)).map((n) => jobs.get(n)!);
  const deps = needs.filter((d) => !(d.settled === 'COMPLETED' || (d.tasks.size > 0 && jobState(d) === 'COMPLETED')));
  // A job outside a group that reads only some elements of a matrix waits only for those (plan/files.ts).
  const narrowed = group ? [] : planned[0].taskNeeds.filter((t) => deps.some((d) => d.key === t.job));
  const narrow = new Map(narrowed.map((t) => [t.job, t.scope]));
  const sub: Submission = {
    job: j.key,
    attempt,
    name: group ? group.slurmName : planned[0].slurmName,
    comment,
    scriptPath: group ? groupScriptPath(o.dir, group.name) : scriptPath(o.dir, j.key),
    dependsOn: [...new Set(deps.flatMap((d) => {
      const scope = narrow.get(d.key);
      if (scope === undefined) return [d.externalId!];
      if (scope === 'corresponding') return [];
      return scope.filter((t) => !taskDone(d, t)).map((t) => `${d.externalId}_${t}`);
    }))],
    stdoutPath: logs.stdout,
    stderrPath: logs.stderr,
    workdir: o.workdir,
  };
  if (arrayIndices !== undefined) sub.array = arrayIndices;
  Object.assign(sub, correspondingDependencies(deps.filter((d) => narrow.get(d.key) === 'corresponding'), part ?? []));
  // The group's script: the first job to run, the attempt (in the log names), where the logs go.
  if (group) sub.args = [String(from), String(attempt), o.dir.logs];
  // Run again from a later job, the group needs only the time of the jobs it still runs.
  if (group && from > 0) {
    const time = sumSlurmTimes(planned.map((p) => p.slurm.time));
    if (time !== undefined) sub.time = time;
  }
  // Retried by this run after a node failure or preemption: Slurm must not requeue the old job as well.
  if (planned.some((p) => (p.retry?.on as string[] | undefined)?.some((s) => s === 'NODE_FAIL' || s === 'PREEMPTED'))) sub.noRequeue = true;
  // A group is never requeued by Slurm: a requeued group would run again under the same attempt, beside
  // the markers of its first try. The job in flight ends NODE_FAIL or PREEMPTED and its retry policy decides.
  if (group) sub.noRequeue = true;
  // On resume, look before submitting: a submission made just before a crash is found by its comment.
  // In a fresh run no job can carry this run's comment yet (the executor guards its own retries).
  const earlier = o.resuming ? await o.executor.findByComment(comment) : undefined;
  const externalId = earlier ?? (await o.executor.submit(sub, interrupt));
  for (const m of members) {
    m.externalId = externalId;
    emit(event('job-submitted', { job: m.key, attempt, externalId, cacheKey: m.cacheKey, ...(arrayIndices !== undefined ? { arrayIndices } : {}) }));
  }
  return members.map((m) => m.key);
}

/** Whether task `t` of `d` is done without being in its current submission: from the cache, or completed (in any attempt). */
function taskDone(d: TrackedJob, t: number): boolean {
  return d.cachedTasks?.has(t) === true || d.tasks.get(t)?.state === 'COMPLETED';
}

/**
 * aftercorr on each array of `upstream` that holds a task some of `tasks` waits for; the tasks whose
 * own task there is done (cached or completed earlier) are listed apart with the arrays they still
 * wait for: Slurm would make them wait for the whole array (executor.ts correspondingByTask).
 */
export function correspondingDependencies(upstream: readonly TrackedJob[], tasks: readonly number[]): Pick<Submission, 'dependsOnCorresponding' | 'correspondingByTask'> {
  const kept = upstream.filter((d) => tasks.some((t) => !taskDone(d, t)));
  if (kept.length === 0) return {};
  const fewer = new Map<string, { tasks: number[]; waitFor: string[] }>();
  for (const t of tasks) {
    const waitFor = kept.filter((d) => !taskDone(d, t)).map((d) => d.externalId!);
    if (waitFor.length === kept.length) continue;
    const key = waitFor.join(':');
    if (!fewer.has(key)) fewer.set(key, { tasks: [], waitFor });
    fewer.get(key)!.tasks.push(t);
  }
  return { dependsOnCorresponding: kept.map((d) => d.externalId!), ...(fewer.size > 0 ? { correspondingByTask: [...fewer.values()] } : {}) };
}

/** The array tasks of the job that did not complete (failed, cancelled, or never run). */
export function unfinishedTasks(j: TrackedJob): number[] {
  const out: number[] = [];
  // Tasks taken from the cache are done too: a partly cached matrix submits only the others.
  for (let i = 0; i < (j.arraySize ?? 0); i++) if (j.tasks.get(i)?.state !== 'COMPLETED' && !j.cachedTasks?.has(i)) out.push(i);
  return out;
}

/** Where a job attempt's output goes; `%a` (Slurm's array index) unless `arrayIndex` is given. */
export function logPaths(dir: RunDir, array: boolean, key: string, attempt: number, arrayIndex?: number): { stdout: string; stderr: string } {
  const stem = array ? `${key}.${attempt}.${arrayIndex ?? '%a'}` : `${key}.${attempt}`;
  return { stdout: join(dir.logs, `${stem}.out`), stderr: join(dir.logs, `${stem}.err`) };
}

export function scriptPath(dir: RunDir, key: string): string {
  return join(dir.scripts, jobScriptName(key));
}
