// A run as the journal tells it: what was submitted, each job's latest state, how the run ended.
// `status`, `runs`, the report and the VS Code Runs view all read runs through this.

import type { RunEvent, RunStatus } from './events';
import { parseArraySpec } from '../plan/array-indices';
import { aggregateState, type JobState } from './job-state';

export interface JobSummary {
  key: string;
  needs: string[];
  attempt: number;
  externalId?: string;
  /** CACHED: every task taken from the cache (nothing submitted); a matrix partly cached has its state from the tasks that ran, the cached ones counted COMPLETED. */
  state: JobState | 'NOT_SUBMITTED' | 'CACHED';
  exitCode?: number;
  /** Each task's latest state, and the attempt that produced it (an array retried in part mixes them). */
  tasks: { index?: number; attempt: number; state: JobState; exitCode?: number; nodes?: string; start?: string; end?: string }[];
  arraySize?: number;
  /** The group it runs in (one Slurm job for the group's jobs). */
  group?: string;
  /** Tasks taken from the cache (index undefined: the job itself) and the run each came from. */
  cached?: { index?: number; fromRun: string }[];
}

export interface RunSummary {
  runId: string;
  workflow: string;
  file: string;
  executor: string;
  profile: string;
  startedAt: string;
  /** How the run ended, or RUNNING while its runner (or Slurm) still has work. */
  status: RunStatus | 'RUNNING';
  finishedAt?: string;
  jobs: JobSummary[];
}

/**
 * One pass over the events (an array, or a journal read as it streams): a job's tasks are indexed as
 * they come and its state is derived once at the end, so 10,000 array tasks cost 10,000 steps.
 */
export function summarize(events: Iterable<RunEvent>): RunSummary | undefined {
  let started: Extract<RunEvent, { type: 'run-started' }> | undefined;
  const jobs = new Map<string, JobSummary>();
  const taskAt = new Map<string, Map<number | undefined, number>>();
  let status: RunSummary['status'] = 'RUNNING';
  let finishedAt: string | undefined;
  for (const e of events) {
    if (e.type === 'run-started') {
      if (started) continue;
      started = e;
      for (const j of e.jobs) {
        const job: JobSummary = { key: j.key, needs: j.needs, attempt: 0, state: 'NOT_SUBMITTED', tasks: [], arraySize: j.arraySize };
        if (j.group !== undefined) job.group = j.group;
        jobs.set(j.key, job);
      }
    } else if (e.type === 'job-submitted') {
      const j = jobs.get(e.job);
      if (!j) continue;
      // Part of an array: the other tasks keep what their earlier attempts ended with.
      const kept = e.arrayIndices !== undefined ? keptTasks(j.tasks, e.arrayIndices) : [];
      Object.assign(j, { attempt: e.attempt, externalId: e.externalId, state: 'PENDING', tasks: kept, exitCode: undefined });
      taskAt.set(j.key, new Map(kept.map((t, i) => [t.index, i])));
      status = 'RUNNING'; // a resumed run is going again
      finishedAt = undefined;
    } else if (e.type === 'job-cached') {
      const j = jobs.get(e.job);
      if (j && !(j.cached ??= []).some((c) => c.index === e.arrayIndex)) j.cached.push({ index: e.arrayIndex, fromRun: e.fromRun });
    } else if (e.type === 'job-state') {
      const j = jobs.get(e.job);
      if (!j || j.externalId !== e.externalId) continue;
      const task = { index: e.arrayIndex, attempt: e.attempt, state: e.state, exitCode: e.exitCode, nodes: e.nodes, start: e.start, end: e.end };
      const at = taskAt.get(j.key)!;
      const i = at.get(e.arrayIndex);
      if (i !== undefined) j.tasks[i] = task;
      else at.set(e.arrayIndex, j.tasks.push(task) - 1);
    } else if (e.type === 'run-finished') {
      status = e.status;
      finishedAt = e.time;
    }
  }
  if (!started) return undefined;
  for (const j of jobs.values()) {
    const cached = j.cached?.length ?? 0;
    if (j.tasks.length === 0 && cached > 0 && (j.arraySize === undefined || cached >= j.arraySize)) {
      j.state = 'CACHED';
      continue;
    }
    if (j.tasks.length === 0) continue;
    const ran = new Set(j.tasks.map((t) => t.index));
    const states = [...j.tasks.map((t) => t.state), ...(j.cached ?? []).filter((c) => !ran.has(c.index)).map((): JobState => 'COMPLETED')];
    j.state = aggregateState(states, j.arraySize ?? 1);
    j.exitCode = j.tasks.find((t) => t.exitCode !== undefined && t.exitCode !== 0)?.exitCode ?? j.tasks[0]?.exitCode;
  }
  return { runId: started.runId, workflow: started.workflow, file: started.file, executor: started.executor, profile: started.profile, startedAt: started.time, status, finishedAt, jobs: [...jobs.values()] };
}

function keptTasks(tasks: JobSummary['tasks'], rerun: string): JobSummary['tasks'] {
  const again = new Set(parseArraySpec(rerun).indices);
  return tasks.filter((t) => t.index === undefined || !again.has(t.index));
}

/** Which attempts produced the tasks' results: `2`, or `1 (997 tasks), 2 (3 tasks)` for an array retried in part. */
export function taskAttempts(j: JobSummary): string {
  const counts = new Map<number, number>();
  for (const t of j.tasks) counts.set(t.attempt, (counts.get(t.attempt) ?? 0) + 1);
  if (counts.size <= 1 || j.arraySize === undefined) return String(j.attempt);
  return [...counts].sort(([a], [b]) => a - b).map(([a, n]) => `${a} (${n} task${n === 1 ? '' : 's'})`).join(', ');
}
