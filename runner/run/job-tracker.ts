// What the run knows about each job: its current attempt, external id, and the last status of each
// of its tasks (one, or one per array index). Pure bookkeeping: no processes, no I/O.

import type { TaskStatus } from './executor';
import { aggregateState, type JobState } from './job-state';

export interface TrackedJob {
  key: string;
  needs: string[];
  cacheKey: string;
  attempt: number;
  /** Attempts spent on failures the retry policy allowed (a dependent re-linked after a retry does not count). */
  retriesUsed: number;
  /** Resubmissions after the cluster kept the job's step from starting (not the user's retries). */
  launchRetriesUsed: number;
  externalId?: string;
  tasks: Map<number, TaskStatus>;
  /** Array size, or undefined for a plain job. */
  arraySize?: number;
  /** Set once the job reached a final state for good (no retry will follow). */
  settled?: JobState;
  /** Taken from the cache whole: never submitted (settled COMPLETED). */
  cached?: boolean;
  /** Array tasks taken from the cache: the submission runs only the others. */
  cachedTasks?: Set<number>;
  /** `attempt:task` pairs whose cache entry was written (cached-jobs.ts recordChecked). */
  recorded?: Set<string>;
  /** The group it runs in: it shares the group's Slurm job (externalId) with the group's other jobs. */
  group?: string;
  /** Tasks (-1 for a plain job) of this attempt whose declared outputs were looked for after COMPLETED. */
  outputsChecked?: Set<number>;
  /** Those found missing -> why: the run holds them FAILED whatever the executor says (output-check.ts). */
  outputsMissing?: Map<number, string>;
}

/** A status row, for the job named by `job` when several jobs share the external id (a group). */
export type StatusRow = TaskStatus & { job?: string };

const TASK = (s: TaskStatus) => s.arrayIndex ?? -1;

/** The job's state from its tasks' (see aggregateState). */
export function jobState(job: TrackedJob): JobState {
  const states = [...job.tasks.values()].map((t) => t.state);
  for (const i of job.cachedTasks ?? []) if (!job.tasks.has(i)) states.push('COMPLETED');
  return aggregateState(states, job.arraySize ?? 1);
}

/** Applies a poll's rows; returns the rows that changed something (to journal and show). */
export function applyStatuses(jobs: Map<string, TrackedJob>, rows: StatusRow[]): { job: TrackedJob; status: TaskStatus }[] {
  const byId = new Map<string, TrackedJob>();
  for (const j of jobs.values()) if (j.externalId) byId.set(j.externalId, j);
  const changed: { job: TrackedJob; status: TaskStatus }[] = [];
  for (const row of rows) {
    const job = row.job !== undefined ? jobs.get(row.job) : byId.get(row.externalId);
    if (!job || job.externalId !== row.externalId) continue;
    // A plain job has no task rows; an array is followed task by task (a row for the whole array
    // while it is pending says nothing about its tasks).
    if ((job.arraySize === undefined) !== (row.arrayIndex === undefined)) continue;
    const prev = job.tasks.get(TASK(row));
    if (prev && prev.state === row.state && prev.exitCode === row.exitCode && prev.nodes === row.nodes) continue;
    job.tasks.set(TASK(row), row);
    changed.push({ job, status: row });
  }
  return changed;
}

/** Every job that needs one of `keys`, directly or not, in the order given. */
export function dependentsOf(keys: string | readonly string[], order: TrackedJob[]): TrackedJob[] {
  const hit = new Set(typeof keys === 'string' ? [keys] : keys);
  const out: TrackedJob[] = [];
  for (const j of order) {
    if (j.needs.some((n) => hit.has(n))) {
      hit.add(j.key);
      out.push(j);
    }
  }
  return out;
}
