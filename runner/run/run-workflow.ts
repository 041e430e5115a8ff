// The run loop: plan -> scripts -> images -> submissions -> states -> journal, for any executor.
// Every job of the DAG is submitted up front with afterok dependencies (Slurm schedules; shifterflow
// never does), then ONE status query per poll interval follows them all. Failures the retry policy
// allows are resubmitted and their dependents re-linked. Resume reads the journal and never submits a
// job that is finished (same cache key) or still alive.

import { writeFileSync } from 'node:fs';
import { arraySpec, parseArraySpec } from '../plan/array-indices';
import type { Plan } from '../plan/types';
import { event, type RunEvent, type RunStatus } from './events';
import { SubmissionInterrupted, type Executor, type TaskStatus } from './executor';
import { applyCacheDecisions, recordChecked, restoreCached, type RunCache } from './cached-jobs';
import { expandGroupRows } from './group-states';
import { adoptCutGroupSubmissions, groupScriptPath, inSubmissionOrder } from './group-submissions';
import { logPaths, scriptPath, submit, unfinishedTasks, type Emit } from './job-submission';
import { applyStatuses, dependentsOf, jobState, type TrackedJob } from './job-tracker';
import { isFinal } from './job-state';
import { Journal, journalEvents, readJournal } from './journal';
import type { RunDir } from './run-dir';
import { renderReport } from './report';
import { summarize } from './run-summary';
import { writeTrace } from './trace';
import { checkOutputs, heldFailed, type OutputProbe } from './output-check';

export interface RenderedJob {
  key: string;
  script: string;
  cacheKey: string;
}

/** A group's script (render/group-script.ts): its jobs (the plan's group) run one after another in one Slurm job. */
export interface RenderedGroup {
  name: string;
  script: string;
}

export interface RunOptions {
  plan: Plan;
  file: string;
  rendered: RenderedJob[];
  /** One per group of the plan. */
  groups?: RenderedGroup[];
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
  /** The cache across runs (absent: every job runs, nothing is recorded). */
  cache?: RunCache;
  /** Set by runWorkflow when the journal already holds events (a resumed run). */
  resuming?: boolean;
  /** How declared outputs are looked for after a task completes (the disk, by default). */
  outputProbe?: OutputProbe;
}

export async function runWorkflow(options: RunOptions): Promise<RunStatus> {
  const past = readJournal(options.dir.journal);
  const o: RunOptions = { ...options, resuming: past.length > 0 };
  const journal = new Journal(o.dir.journal);
  // State changes are made durable once per poll (applyAndEmit syncs), the cache's per-task events
  // (as many as the workflow has tasks) once for all its decisions or with the poll that recorded
  // them; submissions at once.
  // The pinned image ids of this run (the READY lookup's), part of every cache key.
  const imageIds = new Map<string, string>();
  const emit: Emit = Object.assign(
    (e: RunEvent) => {
      if (e.type === 'image' && e.id) imageIds.set(e.ref, e.id);
      journal.append(e, e.type === 'job-state' || e.type === 'job-cached' || e.type === 'job-recorded');
      o.onEvent(e);
    },
    { flush: () => journal.sync() },
  );
  try {
    const order: TrackedJob[] = o.plan.jobs.map((j) => {
      const r = o.rendered.find((x) => x.key === j.key)!;
      const tracked: TrackedJob = { key: j.key, needs: j.needs, cacheKey: r.cacheKey, attempt: 0, retriesUsed: 0, launchRetriesUsed: 0, tasks: new Map(), arraySize: j.array?.size };
      if (j.group !== undefined && o.groups?.some((g) => g.name === j.group)) tracked.group = j.group;
      return tracked;
    });
    const jobs = new Map(order.map((j) => [j.key, j]));
    const unjournaled = restore(jobs, past);
    if (!past.some((e) => e.type === 'run-started')) {
      emit(event('run-started', { runId: o.dir.id, workflow: o.plan.workflow, file: o.file, profile: o.plan.profile.name, executor: o.executor.name, jobs: order.map((j) => ({ key: j.key, cacheKey: j.cacheKey, needs: j.needs, arraySize: j.arraySize, ...(j.group !== undefined ? { group: j.group } : {}) })) }));
    }
    for (const r of o.rendered) writeFileSync(scriptPath(o.dir, r.key), r.script, { mode: 0o600 });
    for (const g of o.groups ?? []) writeFileSync(groupScriptPath(o.dir, g.name), g.script, { mode: 0o600 });
    // Jobs of a group submission the previous runner did not live to journal (restore): journaled now.
    for (const m of unjournaled) emit(event('job-submitted', { job: m.key, attempt: m.attempt, externalId: m.externalId!, cacheKey: m.cacheKey }));

    await o.prepareImages(emit);
    // Decided once the images are READY (their ids are in the keys), before anything is submitted.
    if (o.cache) {
      applyCacheDecisions(order, o.cache.decideAll(imageIds), o.cache, emit);
      emit.flush?.();
    }

    // Reattach to what is still alive, then submit everything else in topological order.
    const alive = order.filter((j) => j.externalId && !isFinal(jobState(j)));
    if (alive.length > 0) applyAndEmit(o, jobs, await o.executor.poll(distinctIds(alive)), emit);
    const toSubmit = order.filter((j) => {
      if (j.cached) return false;
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
    o.cache?.close();
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
    let changed = applyAndEmit(o, jobs, await o.executor.poll(distinctIds(active)), emit);
    changed += await checkOutputs(o.plan, active, emit, o.outputProbe);
    // Recorded only once the output check passed (after its wait for the shared file system).
    if (o.cache) recordChecked(o.cache, active, o.dir.id, emit);
    emit.flush?.();
    interval = changed > 0 ? min : Math.min(max, Math.round(interval * 1.5));
    for (const j of active) {
      const state = jobState(j);
      if (!isFinal(state)) continue;
      const launch = state === 'FAILED' && j.launchRetriesUsed < LAUNCH_RETRIES ? await o.executor.launchFailure?.(failedStderrPaths(o, j)) : undefined;
      // An array runs again only its tasks that did not complete (submit's default), or, when only
      // some of them failed before their command ran and the rest may not be retried, just those.
      let only: number[] | undefined;
      if (launch) {
        j.launchRetriesUsed++;
        const launchFailed = j.arraySize !== undefined ? await launchFailedTasks(o, j) : undefined;
        const ownFailures = launchFailed !== undefined && unfinishedTasks(j).length > launchFailed.length;
        if (ownFailures && retryAllowed(o, j, state)) j.retriesUsed++;
        else if (ownFailures) only = launchFailed;
        const which = launchFailed !== undefined ? ` tasks ${arraySpec(only ?? unfinishedTasks(j))} of` : '';
        emit(event('message', { level: 'warning', text: `${j.key} failed before its command ran (${launch}); resubmitting${which} it (launch retry ${j.launchRetriesUsed} of ${LAUNCH_RETRIES}; the job's own retries are not used)` }));
      } else if (state !== 'COMPLETED' && retryAllowed(o, j, state)) {
        j.retriesUsed++;
        const which = j.arraySize !== undefined ? ` its tasks ${arraySpec(unfinishedTasks(j))}` : '';
        emit(event('message', { level: 'warning', text: `${j.key} ended ${state}; retrying${which} (${j.retriesUsed} of ${retryPolicy(o, j.key)!.attempts})` }));
      } else {
        j.settled = state;
        // Slurm saw the job complete and let its dependents go: the run stops them itself.
        if (j.outputsMissing?.size) await cancelDependents(o, order, j, emit);
        continue;
      }
      // Everything that waited for j's Slurm job: for a group, that is every job that needs any job of
      // the submission, even one before j that completed (Slurm cancels them all when the group fails).
      const sameJob = j.group === undefined ? [j.key] : order.filter((m) => m.group === j.group && m.externalId === j.externalId).map((m) => m.key);
      const resubmitted = new Set(await submit(o, jobs, j, emit, undefined, only));
      for (const d of dependentsOf(sameJob, order)) {
        // The later jobs of j's group went with it, the earlier ones completed; a dependent group goes
        // once, from its first job here.
        if (resubmitted.has(d.key) || sameJob.includes(d.key)) continue;
        if (d.externalId && !isFinal(jobState(d))) await o.executor.cancel([d.externalId]);
        for (const k of await submit(o, jobs, d, emit)) resubmitted.add(k);
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
  const active = distinctIds(order.filter((j) => j.externalId && !isFinal(jobState(j))));
  await o.executor.cancel(active);
  if (active.length > 0) applyAndEmit(o, jobs, await o.executor.poll(active), emit);
  return finish(o, jobs, emit, 'CANCELLED');
}

async function finish(o: RunOptions, jobs: Map<string, TrackedJob>, emit: Emit, status: RunStatus): Promise<RunStatus> {
  // Accounting settles a moment after a job ends (node lists, end times): one last query for the record.
  const ids = distinctIds([...jobs.values()].filter((j) => j.externalId !== undefined));
  if (ids.length > 0) applyAndEmit(o, jobs, (await o.executor.poll(ids)).filter((r) => isFinal(r.state)), emit);
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

/** The failed array tasks whose own stderr says their step never started (each task read on its own). */
async function launchFailedTasks(o: RunOptions, j: TrackedJob): Promise<number[]> {
  const out: number[] = [];
  for (const t of j.tasks.values()) {
    if (t.state !== 'FAILED' || t.arrayIndex === undefined) continue;
    if (await o.executor.launchFailure?.([logPaths(o.dir, true, j.key, j.attempt, t.arrayIndex).stderr])) out.push(t.arrayIndex);
  }
  return out;
}

/** The stderr files of the job's failed tasks (a few: one explained failure is enough). */
function failedStderrPaths(o: RunOptions, j: TrackedJob): string[] {
  const planned = o.plan.jobs.find((p) => p.key === j.key)!;
  const failed = [...j.tasks.values()].filter((t) => t.state === 'FAILED').slice(0, 20);
  return failed.map((t) => logPaths(o.dir, planned.array !== undefined, j.key, j.attempt, t.arrayIndex).stderr);
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
 * once, each job only after every job it needs from the list has its id. A group goes as one
 * submission, from its first job in the list, after everything its jobs need. When a submission
 * fails, the ones in flight end first and no dependent of the failed job is submitted; the first
 * error is thrown.
 */
async function submitAll(o: RunOptions, jobs: Map<string, TrackedJob>, list: TrackedJob[], emit: Emit, interrupt: AbortSignal): Promise<void> {
  list = inSubmissionOrder(o.plan, list);
  const limit = Math.max(1, Math.floor(o.executor.submitConcurrency ?? 1));
  const handled = new Set<string>();
  if (limit === 1) {
    for (const j of list) {
      if (interrupt.aborted) return;
      if (handled.has(j.key)) continue;
      for (const k of await submit(o, jobs, j, emit, interrupt)) handled.add(k);
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
    if (done.has(j.key)) continue;
    // A group's submission carries its later jobs in the list, and waits for what any of them needs.
    const unit = j.group === undefined ? [j] : list.filter((m) => m.group === j.group);
    const inside = new Set(unit.map((m) => m.key));
    const before = unit.flatMap((m) => m.needs).filter((n) => !inside.has(n)).map((n) => done.get(n)).filter((p): p is Promise<void> => p !== undefined);
    const submitted = Promise.all(before).then(async () => {
      await slot();
      try {
        if (!interrupt.aborted) await submit(o, jobs, j, emit, interrupt);
      } finally {
        release();
      }
    });
    for (const m of unit) done.set(m.key, submitted);
  }
  const results = await Promise.allSettled(new Set(done.values()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function applyAndEmit(o: RunOptions, jobs: Map<string, TrackedJob>, rows: TaskStatus[], emit: Emit): number {
  const changed = applyStatuses(jobs, heldFailed(jobs, expandGroupRows(rows, jobs.values(), o.dir.logs)));
  for (const { job, status } of changed) {
    emit(event('job-state', { job: job.key, attempt: job.attempt, externalId: status.externalId, arrayIndex: status.arrayIndex, state: status.state, exitCode: status.exitCode, nodes: status.nodes, start: status.startTime, end: status.endTime, elapsedSeconds: status.elapsedSeconds, reason: status.reason }));
  }
  emit.flush?.();
  return changed.length;
}

/** Cancels what still waits for or runs after `j` (Slurm released it when j completed). */
async function cancelDependents(o: RunOptions, order: TrackedJob[], j: TrackedJob, emit: Emit): Promise<void> {
  const live = dependentsOf(j.key, order).filter((d) => d.externalId && !isFinal(jobState(d)));
  if (live.length === 0) return;
  emit(event('message', { level: 'error', text: `cancelling ${live.map((d) => d.key).join(', ')}: ${j.key} did not write its outputs` }));
  await o.executor.cancel(distinctIds(live));
}

/** Each external id once: the jobs of a group share their group's. */
function distinctIds(list: TrackedJob[]): string[] {
  return [...new Set(list.map((j) => j.externalId!))];
}

/**
 * Rebuilds job knowledge from an earlier journal of this run (resume). A changed script starts over.
 * Returns the jobs of a group found in a submission whose job-submitted events were cut short
 * (group-submissions.ts).
 */
function restore(jobs: Map<string, TrackedJob>, past: RunEvent[]): TrackedJob[] {
  const journaled = new Set<string>();
  for (const e of past) {
    if (e.type === 'job-submitted') {
      journaled.add(`${e.job}|${e.attempt}`);
      const j = jobs.get(e.job);
      if (!j || e.cacheKey !== j.cacheKey) continue;
      j.attempt = e.attempt;
      j.externalId = e.externalId;
      // Part of an array: the other tasks keep what their earlier attempts ended with.
      if (e.arrayIndices !== undefined) for (const i of parseArraySpec(e.arrayIndices).indices) j.tasks.delete(i);
      else j.tasks = new Map();
    } else if (e.type === 'job-cached') {
      restoreCached(jobs, e);
    } else if (e.type === 'job-state') {
      const j = jobs.get(e.job);
      if (!j || j.externalId !== e.externalId) continue;
      j.tasks.set(e.arrayIndex ?? -1, { externalId: e.externalId, arrayIndex: e.arrayIndex, state: e.state, exitCode: e.exitCode, nodes: e.nodes, startTime: e.start, endTime: e.end, elapsedSeconds: e.elapsedSeconds });
    }
  }
  for (const j of jobs.values()) if (j.tasks.size > 0 && jobState(j) === 'COMPLETED') j.settled = 'COMPLETED';
  return adoptCutGroupSubmissions(jobs.values(), journaled);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
