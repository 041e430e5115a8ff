// trace.tsv: one row per job attempt (per array task), as Nextflow's trace: what ran where, how it
// ended and how long it took.

import { writeFileSync } from 'node:fs';
import type { Plan } from '../plan/types';
import type { RunEvent } from './events';
import type { RunDir } from './run-dir';

export const TRACE_COLUMNS = ['job', 'attempt', 'slurm_id', 'array_index', 'image', 'image_id', 'nodes', 'state', 'exit_code', 'submit', 'start', 'end', 'elapsed_s'] as const;

/** Each attempt's (each array task's) latest row, in order of first appearance, made by `row`. */
function latestRows<T>(plan: Plan, events: Iterable<RunEvent>, row: (cells: string[]) => T): Map<string, T> {
  const imageOf = new Map(plan.jobs.map((j) => [j.key, j.image.ref]));
  const imageIds = new Map<string, string>();
  const submitted = new Map<string, string>();
  const rows = new Map<string, T>();
  for (const e of events) {
    if (e.type === 'image' && e.id) imageIds.set(e.ref, e.id);
    if (e.type === 'job-submitted') submitted.set(`${e.job}|${e.attempt}`, e.time);
    // Taken from the cache: a row of its own, attempt 0 and no Slurm id (nothing was submitted).
    if (e.type === 'job-cached') {
      const image = imageOf.get(e.job) ?? '';
      rows.set(`${e.job}|0|${e.arrayIndex ?? ''}`, row([e.job, '0', '', e.arrayIndex === undefined ? '' : String(e.arrayIndex), image, imageIds.get(image) ?? '', '', 'CACHED', '', '', '', '', '']));
    }
    if (e.type !== 'job-state') continue;
    const image = imageOf.get(e.job) ?? '';
    rows.set(`${e.job}|${e.attempt}|${e.arrayIndex ?? ''}`, row([
      e.job, String(e.attempt), e.externalId, e.arrayIndex === undefined ? '' : String(e.arrayIndex), image, imageIds.get(image) ?? '',
      e.nodes ?? '', e.state, e.exitCode === undefined ? '' : String(e.exitCode), submitted.get(`${e.job}|${e.attempt}`) ?? '', e.start ?? '', e.end ?? '',
      e.elapsedSeconds === undefined ? '' : String(e.elapsedSeconds),
    ]));
  }
  return rows;
}

export function traceRows(plan: Plan, events: Iterable<RunEvent>): string[][] {
  return [...latestRows(plan, events, (cells) => cells).values()];
}

/** Keeps each row as its finished line (one string, not 13): a 10,000-task run's trace stays small in memory. */
export function writeTrace(dir: RunDir, plan: Plan, events: Iterable<RunEvent>): void {
  const clean = (s: string) => s.replace(/[\t\n\r]/g, ' ');
  const lines = latestRows(plan, events, (cells) => cells.map(clean).join('\t'));
  writeFileSync(dir.trace, [TRACE_COLUMNS.join('\t'), ...lines.values()].join('\n') + '\n', { mode: 0o600 });
}
