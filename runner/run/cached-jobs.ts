// The cache in the run loop: which jobs and array tasks are taken from it (never submitted, a
// `job-cached` event each), which array tasks a partly cached matrix still submits, and the record
// of each task that completed (a `job-recorded` event with what it read and wrote). The decisions
// themselves are the cache's (runner/cache); this file only applies them to the tracked jobs.

import type { CacheEntry } from '../cache/entry';
import type { TaskDecision } from '../cache/cache-session';
import { event, type RunEvent } from './events';
import type { TrackedJob } from './job-tracker';

/** What the run needs of the cache (CacheSession). */
export interface RunCache {
  decideAll(imageIds: ReadonlyMap<string, string>): Map<string, TaskDecision[]>;
  record(job: string, index: number | undefined, runId: string): CacheEntry | undefined;
  /** The entry a cached task came from (for its provenance in the journal). */
  entryOf(job: string, index: number | undefined): CacheEntry | undefined;
  close(): void;
}

function provenance(entry: CacheEntry | undefined): Pick<Extract<RunEvent, { type: 'job-cached' }>, 'inputs' | 'outputs'> {
  const inputs: Record<string, { path: string; digest: string }[]> = {};
  for (const [name, files] of Object.entries(entry?.parts.inputs ?? {})) inputs[name] = files.map(([path, digest]) => ({ path, digest }));
  return { inputs, outputs: entry?.outputs ?? {} };
}

/**
 * Marks what the cache serves: a job whose every task is cached is settled COMPLETED (never
 * submitted); a matrix with some cached tasks runs only the others. Jobs a resumed run already
 * submitted or settled are left as they are.
 */
export function applyCacheDecisions(order: TrackedJob[], decisions: Map<string, TaskDecision[]>, cache: RunCache, emit: (e: RunEvent) => void): void {
  for (const j of order) {
    if (j.settled || j.externalId || j.cached) continue;
    const list = decisions.get(j.key) ?? [];
    const hits = list.filter((d) => d.decision.cached);
    if (hits.length === 0) continue;
    for (const d of hits) {
      if (!d.decision.cached) continue;
      if (d.index !== undefined && j.cachedTasks?.has(d.index)) continue;
      emit(event('job-cached', { job: j.key, ...(d.index !== undefined ? { arrayIndex: d.index } : {}), fromRun: d.decision.runId, key: d.decision.key, ...provenance(cache.entryOf(j.key, d.index)) }));
    }
    if (hits.length === list.length) {
      j.cached = true;
      j.settled = 'COMPLETED';
    } else if (j.arraySize !== undefined) {
      j.cachedTasks = new Set([...(j.cachedTasks ?? []), ...hits.map((d) => d.index!)]);
    }
  }
}

/** A journal's job-cached events put back on the tracked jobs (resume). */
export function restoreCached(jobs: Map<string, TrackedJob>, e: Extract<RunEvent, { type: 'job-cached' }>): void {
  const j = jobs.get(e.job);
  if (!j) return;
  if (e.arrayIndex === undefined) {
    j.cached = true;
    j.settled = 'COMPLETED';
  } else {
    (j.cachedTasks ??= new Set()).add(e.arrayIndex);
    if (j.arraySize !== undefined && j.cachedTasks.size >= j.arraySize) {
      j.cached = true;
      j.settled = 'COMPLETED';
    }
  }
}

/**
 * Each task that completed and passed the output check (output-check.ts) is recorded once per
 * attempt: its entry written, its provenance journaled. A task whose outputs were missing never is.
 */
export function recordChecked(cache: RunCache, active: readonly TrackedJob[], runId: string, emit: (e: RunEvent) => void): void {
  for (const j of active) {
    for (const [index, task] of j.tasks) {
      if (task.state !== 'COMPLETED' || task.externalId !== j.externalId || !j.outputsChecked?.has(index) || j.outputsMissing?.has(index)) continue;
      const once = `${j.attempt}:${index}`;
      if ((j.recorded ??= new Set()).has(once)) continue;
      j.recorded.add(once);
      const at = index < 0 ? undefined : index;
      const entry = cache.record(j.key, at, runId);
      if (entry) emit(event('job-recorded', { job: j.key, ...(at !== undefined ? { arrayIndex: at } : {}), key: entry.key, ...provenance(entry) }));
    }
  }
}
