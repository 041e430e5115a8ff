// After a job (or array task) ends COMPLETED, each of its declared outputs must exist: a job that
// exits 0 without writing its result is FAILED here, before anything downstream reads nothing. The
// runner looks from where it runs; on Slurm the job wrote on another node of a shared file system,
// whose clients may see a new file a moment late (NFS caches a failed lookup for a few seconds), so
// a missing output is looked for again a few times, up to about 2 s, before it counts as missing.

import { readdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Plan, PlannedFiles } from '../plan/types';
import { event, type RunEvent } from './events';
import type { TaskStatus } from './executor';
import type { StatusRow, TrackedJob } from './job-tracker';

export interface MissingOutput {
  name: string;
  path: string;
}

export interface OutputProbe {
  exists(path: string): boolean;
  sleep(ms: number): Promise<void>;
}

/** Waits between looks at a missing output: ~2 s in all. */
export const OUTPUT_RETRY_MS = [100, 200, 400, 600, 700];

export const diskProbe: OutputProbe = {
  exists(path) {
    // Listing the directory first makes an NFS client revalidate it instead of trusting a cached "no such file".
    try {
      readdirSync(dirname(path));
    } catch {
      /* the directory itself may be missing: the stat below says so */
    }
    try {
      statSync(path);
      return true;
    } catch {
      return false;
    }
  },
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

/** The declared outputs of one task that are still missing after the bounded wait. */
export async function missingOutputs(files: PlannedFiles, probe: OutputProbe = diskProbe, waits: readonly number[] = OUTPUT_RETRY_MS): Promise<MissingOutput[]> {
  let missing = files.outputs.flatMap((set) => set.paths.map((path) => ({ name: set.name, path }))).filter((o) => !probe.exists(o.path));
  for (const ms of waits) {
    if (missing.length === 0) break;
    await probe.sleep(ms);
    missing = missing.filter((o) => !probe.exists(o.path));
  }
  return missing;
}

/** What the run says of a task whose outputs are missing (the state's reason and the log line). */
export function missingOutputsText(missing: readonly MissingOutput[]): string {
  return `ended COMPLETED without writing ${missing.map((m) => `output ${m.name} (${m.path})`).join(', ')}`;
}

/**
 * Looks for the declared outputs of every task that newly ended COMPLETED; a task missing one is
 * FAILED (an event naming the output and its path, an error message). Returns how many tasks failed so.
 */
export async function checkOutputs(plan: Plan, active: readonly TrackedJob[], emit: (e: RunEvent) => void, probe: OutputProbe = diskProbe): Promise<number> {
  let failed = 0;
  for (const j of active) {
    const planned = plan.jobs.find((p) => p.key === j.key)!;
    if (!planned.files.some((f) => f.outputs.length > 0)) continue;
    for (const [index, task] of j.tasks) {
      if ((task.state !== 'COMPLETED' && task.state !== 'FAILED') || task.externalId !== j.externalId || j.outputsChecked?.has(index)) continue;
      (j.outputsChecked ??= new Set()).add(index);
      const files = planned.files[index < 0 ? 0 : index];
      if (task.state === 'FAILED') {
        // The script's own check (render/output-lines.ts) failed it, or its command did: say which outputs are missing.
        const missing = await missingOutputs(files, probe, []);
        if (missing.length > 0) emit(event('message', { level: 'error', text: `${j.key}${task.arrayIndex !== undefined ? `[${task.arrayIndex}]` : ''} failed without writing ${missing.map((m) => `output ${m.name} (${m.path})`).join(', ')}` }));
        continue;
      }
      const missing = await missingOutputs(files, probe);
      if (missing.length === 0) continue;
      const why = missingOutputsText(missing);
      (j.outputsMissing ??= new Map()).set(index, why);
      const row: TaskStatus = { ...task, state: 'FAILED', reason: why };
      j.tasks.set(index, row);
      emit(event('job-state', { job: j.key, attempt: j.attempt, externalId: row.externalId, arrayIndex: row.arrayIndex, state: 'FAILED', exitCode: row.exitCode, nodes: row.nodes, start: row.startTime, end: row.endTime, elapsedSeconds: row.elapsedSeconds, reason: why }));
      emit(event('message', { level: 'error', text: `${j.key}${row.arrayIndex !== undefined ? `[${row.arrayIndex}]` : ''} ${why}` }));
      failed++;
    }
  }
  return failed;
}

/** Rows of tasks whose outputs were missing stay FAILED, whatever the executor reports afterwards. */
export function heldFailed(jobs: Map<string, TrackedJob>, rows: StatusRow[]): StatusRow[] {
  const held = [...jobs.values()].filter((j) => j.outputsMissing?.size);
  if (held.length === 0) return rows;
  return rows.map((row) => {
    const j = row.job !== undefined ? jobs.get(row.job) : held.find((h) => h.externalId === row.externalId);
    const why = j?.externalId === row.externalId ? j.outputsMissing?.get(row.arrayIndex ?? -1) : undefined;
    return why === undefined ? row : { ...row, state: 'FAILED', reason: why };
  });
}
