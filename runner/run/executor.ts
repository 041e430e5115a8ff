// The seam between the run loop and whoever runs jobs: Slurm (sbatch/squeue/sacct/scancel) or this
// machine. Both take the same rendered batch script, so a workflow behaves the same in both places.

import type { JobState } from './job-state';

export interface Submission {
  /** The workflow job's key (its name) and which attempt this is, from 1. */
  job: string;
  attempt: number;
  /** Slurm job name (`<workflow>.<job>`). */
  name: string;
  /** Carries the run id and job key so a submission can be found again (no duplicates on retry/resume). */
  comment: string;
  /** Path of the rendered batch script inside the run directory. */
  scriptPath: string;
  /** Arguments of the batch script (`sbatch SCRIPT ARGS...`): a group's first job, attempt and log directory. */
  args?: string[];
  /**
   * The array's tasks to run instead of the script's `#SBATCH --array` (plan/array-indices.ts
   * arraySpec: `3,17,912%10`): a retry of the failed tasks, a resume without the finished ones, a
   * matrix whose other elements were taken from the cache. sbatch's --array on the command line wins.
   */
  array?: string;
  /** A time limit instead of the script's `#SBATCH --time` (a group run again from a later job needs less). */
  time?: string;
  /** External ids of the jobs this one waits for (afterok): `ID`, or `ID_T` for one task of an array. */
  dependsOn: string[];
  /** Arrays whose task i this array's task i waits for (Slurm's `aftercorr`; plan TaskNeed `corresponding`). */
  dependsOnCorresponding?: string[];
  /**
   * Tasks of this array that wait for fewer of `dependsOnCorresponding` (`waitFor`, maybe none): their
   * task in the others completed in an earlier attempt or came from the cache, so no submission holds
   * it, and Slurm reads aftercorr on an array without task i as "after the whole array" (task i would
   * wait for all of it and be cancelled when any of its tasks failed). `dependsOn` still applies to them.
   */
  correspondingByTask?: { tasks: number[]; waitFor: string[] }[];
  /** Where the job's stdout/stderr go; `%a` is the array index where there is one. */
  stdoutPath: string;
  stderrPath: string;
  workdir: string;
  /** Environment for the submission (the executor adds its own). */
  env?: Record<string, string>;
  /**
   * The run retries this job itself after a node failure (or preemption): Slurm must not requeue it
   * too (JobRequeue=1, Slurm's default, would run the old job again beside the runner's new attempt).
   */
  noRequeue?: boolean;
}

/** One row of a job's status: the job itself, or one task of an array. */
export interface TaskStatus {
  externalId: string;
  arrayIndex?: number;
  state: JobState;
  exitCode?: number;
  /** Signal that ended the batch script, if any. */
  signal?: number;
  nodes?: string;
  submitTime?: string;
  startTime?: string;
  endTime?: string;
  elapsedSeconds?: number;
  reason?: string;
}

export interface Executor {
  readonly name: string;
  /**
   * Submits and returns the external id; must not create a duplicate when retried after a transient
   * error. When `interrupt` aborts (the user stopped the run) a wait between retries ends at once with
   * a SubmissionInterrupted error; a command already started is let finish.
   */
  submit(submission: Submission, interrupt?: AbortSignal): Promise<string>;
  /**
   * How many submit() calls may be in flight at once (default 1). Only jobs whose dependencies already
   * have their ids are submitted side by side, so a dependency is always submitted before its dependents.
   */
  readonly submitConcurrency?: number;
  /** ONE query for every listed id; rows for array tasks carry their index. */
  poll(externalIds: string[]): Promise<TaskStatus[]>;
  cancel(externalIds: string[]): Promise<void>;
  /**
   * Why a failed job's step never started when the cluster, not the job, is to blame (srun could not
   * reach the controller), read from the failed tasks' stderr files; undefined when the job itself
   * failed. The run resubmits such a job without spending the user's retries.
   */
  launchFailure?(stderrPaths: string[]): Promise<string | undefined>;
  /** The external id of a submission already made with this comment, if the executor still knows it. */
  findByComment(comment: string): Promise<string | undefined>;
  /** Releases what the executor holds (child processes, timers). */
  close(): Promise<void>;
}

/** The run was stopped while a submission waited to be retried; it may or may not have reached the scheduler. */
export class SubmissionInterrupted extends Error {
  constructor(
    readonly job: string,
    readonly comment: string,
  ) {
    super(`submission of ${job} was interrupted while waiting to retry; if Slurm took it all the same, its comment is "${comment}"`);
    this.name = 'SubmissionInterrupted';
  }
}
