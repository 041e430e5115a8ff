// The run loop: plan -> scripts -> images -> submissions -> states -> journal, for any executor.
// Every job of the DAG is submitted up front with afterok dependencies (Slurm schedules; shifterflow
// never does), then ONE status query per poll interval follows them all. Failures the retry policy
// allows are resubmitted and their dependents re-linked. Resume reads the journal and never submits a
// job that is finished (same cache key) or still alive.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan } from '../plan/types';
import { event, type RunEvent, type RunStatus } from './events';
import { SubmissionInterrupted, type Executor, type Submission, type TaskStatus } from './executor';
import { applyStatuses, dependentsOf, jobState, type TrackedJob } from './job-tracker';
import { isFinal } from './job-state';
import { Journal, journalEvents, readJournal } from './journal';
import type { RunDir } from './run-dir';
import { renderReport } from './report';
import { summarize } from './run-summary';
import { writeTrace } from './trace';

export interface RenderedJob {
  key: string;
  script: string;
  cacheKey: string;
}

export interface RunOptions {
  plan: Plan;
  file: string;
  rendered: RenderedJob[];
  dir: RunDir;
  executor: Executor;
  /** Makes every image ready before anything is submitted; throws to stop the run with nothing submitted. */
  prepareImages: (emit: Emit) => Promise<void>;
  onEvent: (e: RunEvent) => void;
  workdir: string;
  /** Return after submission instead of following the jobs. */
  detach?: boolean;
  /** Adaptive poll interval bounds, ms. */
  pollMs?: { min: number; max: number };
  /** Resolves when the user asks to stop (Ctrl-C): active jobs are cancelled. */
  cancelled?: Promise<void>;
  /** Set by runWorkflow when the journal already holds events (a resumed run). */
  resuming?: boolean;
}

export async function runWorkflow(options: RunOptions): Promise<RunStatus> {
  const past = readJournal(options.dir.journal);
  const o: RunOptions = { ...options, resuming: past.length > 0 };
  const journal = new Journal(o.dir.journal);
  // State changes are made durable once per poll (applyAndEmit syncs); submissions at once.
  const emit: Emit = Object.assign(
    (e: RunEvent) => {
      journal.append(e, e.type === 'job-state');
      o.onEvent(e);
    },
    { flush: () => journal.sync() },
  );
  try {
    const order: TrackedJob[] = o.plan.jobs.map((j) => {
      const r = o.rendered.find((x) => x.key === j.key)!;
      return { key: j.key, needs: j.needs, cacheKey: r.cacheKey, attempt: 0, retriesUsed: 0, launchRetriesUsed: 0, tasks: new Map(), arraySize: j.array?.size };
    });
    const jobs = new Map(order.map((j) => [j.key, j]));
    restore(jobs, past);
    if (!past.some((e) => e.type === 'run-started')) {
      emit(event('run-started', { runId: o.dir.id, workflow: o.plan.workflow, file: o.file, profile: o.plan.profile.name, executor: o.executor.name, jobs: order.map((j) => ({ key: j.key, cacheKey: j.cacheKey, needs: j.needs, arraySize: j.arraySize })) }));
    }
    for (const r of o.rendered) writeFileSync(scriptPath(o.dir, r.key), r.script, { mode: 0o600 });

    await o.prepareImages(emit);

    // Reattach to what is still alive, then submit everything else in topological order.
    const alive = order.filter((j) => j.externalId && !isFinal(jobState(j)));
    if (alive.length > 0) applyAndEmit(jobs, await o.executor.poll(alive.map((j) => j.externalId!)), emit);
    const toSubmit = order.filter((j) => {
      const state = j.externalId ? jobState(j) : undefined;
      return !(state === 'COMPLETED' && j.tasks.size > 0) && !(state && !isFinal(state));
    });
    // Ctrl-C (o.cancelled), while jobs are being submitted or followed: no new submission starts, a
    // wait between sbatch retries ends, and whatever was submitted is cancelled.
    const interrupt = new AbortController();
    void o.cancelled?.then(() => interrupt.abort());
    try {
      await submitAll(o, jobs, toSubmit, emit, interrupt.signal);
    } catch (e) {
      if (!interrupt.signal.aborted) throw e;
      if (e instanceof SubmissionInterrupted) emit(event('message', { level: 'warning', text: e.message }));
    }
    if (interrupt.signal.aborted) return await cancelRun(o, jobs, order, emit);
    if (o.detach) return 'COMPLETED';
    return await follow(o, jobs, order, emit, interrupt.signal);
  } finally {
    journal.close();
  }
}

async function follow(o: RunOptions, jobs: Map<string, TrackedJob>, order: TrackedJob[], emit: Emit, stopped: AbortSignal): Promise<RunStatus> {
  const { min, max } = o.pollMs ?? { min: 500, max: 5000 };
  let interval = min;
  for (;;) {
    await Promise.race([sleep(interval), o.cancelled ?? new Promise(() => undefined)]);
    if (stopped.aborted) return cancelRun(o, jobs, order, emit);
    const active = order.filter((j) => j.externalId && !j.settled);
    const changed = applyAndEmit(jobs, await o.executor.poll(active.map((j) => j.externalId!)), emit);
    interval = changed > 0 ? min : Math.min(max, Math.round(interval * 1.5));
    for (const j of active) {
      const state = jobState(j);
      if (!isFinal(state)) continue;
      const launch = state === 'FAILED' && j.launchRetriesUsed < LAUNCH_RETRIES ? await o.executor.launchFailure?.(failedStderrPaths(o, j)) : undefined;
      if (launch) {
        j.launchRetriesUsed++;
        emit(event('message', { level: 'warning', text: `${j.key} failed before its command ran (${launch}); resubmitting it (launch retry ${j.launchRetriesUsed} of ${LAUNCH_RETRIES}; the job's own retries are not used)` }));
      } else if (state !== 'COMPLETED' && retryAllowed(o, j, state)) {
        j.retriesUsed++;
        emit(event('message', { level: 'warning', text: `${j.key} ended ${state}; retrying (${j.retriesUsed} of ${retryPolicy(o, j.key)!.attempts})` }));
      } else {
        j.settled = state;
        continue;
      }
      await submit(o, jobs, j, emit);
      for (const d of dependentsOf(j.key, order)) {
        if (d.externalId && !isFinal(jobState(d))) await o.executor.cancel([d.externalId]);
        await submit(o, jobs, d, emit);
      }
      interval = min;
    }
    if (order.every((j) => j.settled)) {
      const failed = order.some((j) => j.settled !== 'COMPLETED');
      return finish(o, jobs, emit, failed ? 'FAILED' : 'COMPLETED');
    }
  }
}

/** Cancels every job of the run that is still pending or running, then finishes it as CANCELLED. */
async function cancelRun(o: RunOptions, jobs: Map<string, TrackedJob>, order: TrackedJob[], emit: Emit): Promise<RunStatus> {
  const active = order.filter((j) => j.externalId && !isFinal(jobState(j))).map((j) => j.externalId!);
  await o.executor.cancel(active);
  if (active.length > 0) applyAndEmit(jobs, await o.executor.poll(active), emit);
  return finish(o, jobs, emit, 'CANCELLED');
}

async function finish(o: RunOptions, jobs: Map<string, TrackedJob>, emit: Emit, status: RunStatus): Promise<RunStatus> {
  // Accounting settles a moment after a job ends (node lists, end times): one last query for the record.
  const ids = [...jobs.values()].map((j) => j.externalId).filter((id): id is string => id !== undefined);
  if (ids.length > 0) applyAndEmit(jobs, (await o.executor.poll(ids)).filter((r) => isFinal(r.state)), emit);
  emit(event('run-finished', { status }));
  // Read back as a stream, once per product: the journal of a big array never sits in memory whole.
  const events = () => journalEvents(o.dir.journal);
  writeTrace(o.dir, o.plan, events());
  const summary = summarize(events());
  if (summary) writeFileSync(o.dir.report, renderReport(summary, events()), { mode: 0o600 });
  return status;
}

/**
 * Resubmissions of a job whose step never started because srun could not reach the controller
 * (Executor.launchFailure): bounded, so a cluster that stays broken still ends the run.
 */
export const LAUNCH_RETRIES = 2;

/** The stderr files of the job's failed tasks (a few: one explained failure is enough). */
function failedStderrPaths(o: RunOptions, j: TrackedJob): string[] {
  const planned = o.plan.jobs.find((p) => p.key === j.key)!;
  const failed = [...j.tasks.values()].filter((t) => t.state === 'FAILED').slice(0, 20);
  return failed.map((t) => logPaths(o.dir, planned.array !== undefined, j.key, j.attempt, t.arrayIndex).stderr);
}

/** Where a job attempt's output goes; `%a` (Slurm's array index) unless `arrayIndex` is given. */
function logPaths(dir: RunDir, array: boolean, key: string, attempt: number, arrayIndex?: number): { stdout: string; stderr: string } {
  const stem = array ? `${key}.${attempt}.${arrayIndex ?? '%a'}` : `${key}.${attempt}`;
  return { stdout: join(dir.logs, `${stem}.out`), stderr: join(dir.logs, `${stem}.err`) };
}

function retryPolicy(o: RunOptions, key: string) {
  return o.plan.jobs.find((j) => j.key === key)?.retry;
}

function retryAllowed(o: RunOptions, j: TrackedJob, state: string): boolean {
  const policy = retryPolicy(o, j.key);
  return !!policy && j.retriesUsed < policy.attempts && (policy.on as string[]).includes(state);
}

/**
 * Submits `list` (in topological order): one at a time, or up to the executor's submitConcurrency at
 * once, each job only after every job it needs from the list has its id. When a submission fails, the
 * ones in flight end first and no dependent of the failed job is submitted; the first error is thrown.
 */
async function submitAll(o: RunOptions, jobs: Map<string, TrackedJob>, list: TrackedJob[], emit: Emit, interrupt: AbortSignal): Promise<void> {
  const limit = Math.max(1, Math.floor(o.executor.submitConcurrency ?? 1));
  if (limit === 1) {
    for (const j of list) {
      if (interrupt.aborted) return;
      await submit(o, jobs, j, emit, interrupt);
    }
    return;
  }
  let running = 0;
  const waiting: (() => void)[] = [];
  const slot = async () => {
    while (running >= limit) await new Promise<void>((r) => waiting.push(r));
    running++;
  };
  const release = () => {
    running--;
    waiting.shift()?.();
  };
  const done = new Map<string, Promise<void>>();
  for (const j of list) {
    const before = j.needs.map((n) => done.get(n)).filter((p): p is Promise<void> => p !== undefined);
    done.set(
      j.key,
      Promise.all(before).then(async () => {
        await slot();
        try {
          if (!interrupt.aborted) await submit(o, jobs, j, emit, interrupt);
        } finally {
          release();
        }
      }),
    );
  }
  const results = await Promise.allSettled(done.values());
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

async function submit(o: RunOptions, jobs: Map<string, TrackedJob>, j: TrackedJob, emit: Emit, interrupt?: AbortSignal): Promise<void> {
  const planned = o.plan.jobs.find((p) => p.key === j.key)!;
  j.attempt++;
  j.tasks = new Map();
  j.settled = undefined;
  const comment = `shifterflow:${o.dir.id}:${j.key}:${j.attempt}`;
  const logs = logPaths(o.dir, planned.array !== undefined, j.key, j.attempt);
  const deps = j.needs.map((n) => jobs.get(n)!).filter((d) => !(d.settled === 'COMPLETED' || (d.tasks.size > 0 && jobState(d) === 'COMPLETED')));
  const sub: Submission = {
    job: j.key,
    attempt: j.attempt,
    name: planned.slurmName,
    comment,
    scriptPath: scriptPath(o.dir, j.key),
    dependsOn: deps.map((d) => d.externalId!),
    stdoutPath: logs.stdout,
    stderrPath: logs.stderr,
    workdir: o.workdir,
  };
  // Retried by this run after a node failure or preemption: Slurm must not requeue the old job as well.
  if ((planned.retry?.on as string[] | undefined)?.some((s) => s === 'NODE_FAIL' || s === 'PREEMPTED')) sub.noRequeue = true;
  // On resume, look before submitting: a submission made just before a crash is found by its comment.
  // In a fresh run no job can carry this run's comment yet (the executor guards its own retries).
  const earlier = o.resuming ? await o.executor.findByComment(comment) : undefined;
  j.externalId = earlier ?? (await o.executor.submit(sub, interrupt));
  emit(event('job-submitted', { job: j.key, attempt: j.attempt, externalId: j.externalId, cacheKey: j.cacheKey }));
}

/** Emits an event; job states are made durable together by `flush` (one fsync per poll, not per task). */
type Emit = ((e: RunEvent) => void) & { flush?: () => void };

function applyAndEmit(jobs: Map<string, TrackedJob>, rows: TaskStatus[], emit: Emit): number {
  const changed = applyStatuses(jobs, rows);
  for (const { job, status } of changed) {
    emit(event('job-state', { job: job.key, attempt: job.attempt, externalId: status.externalId, arrayIndex: status.arrayIndex, state: status.state, exitCode: status.exitCode, nodes: status.nodes, start: status.startTime, end: status.endTime, elapsedSeconds: status.elapsedSeconds, reason: status.reason }));
  }
  emit.flush?.();
  return changed.length;
}

/** Rebuilds job knowledge from an earlier journal of this run (resume). A changed script starts over. */
function restore(jobs: Map<string, TrackedJob>, past: RunEvent[]): void {
  for (const e of past) {
    if (e.type === 'job-submitted') {
      const j = jobs.get(e.job);
      if (!j || e.cacheKey !== j.cacheKey) continue;
      j.attempt = e.attempt;
      j.externalId = e.externalId;
      j.tasks = new Map();
    } else if (e.type === 'job-state') {
      const j = jobs.get(e.job);
      if (!j || j.externalId !== e.externalId) continue;
      j.tasks.set(e.arrayIndex ?? -1, { externalId: e.externalId, arrayIndex: e.arrayIndex, state: e.state, exitCode: e.exitCode, nodes: e.nodes, startTime: e.start, endTime: e.end, elapsedSeconds: e.elapsedSeconds });
    }
  }
  for (const j of jobs.values()) if (j.tasks.size > 0 && jobState(j) === 'COMPLETED') j.settled = 'COMPLETED';
}

export function scriptPath(dir: RunDir, key: string): string {
  return join(dir.scripts, `${key}.sbatch`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
