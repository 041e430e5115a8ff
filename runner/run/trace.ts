// trace.tsv: one row per job attempt (per array task), as Nextflow's trace: what ran where, how it
// ended and how long it took.

import { writeFileSync } from 'node:fs';
import type { Plan } from '../plan/types';
import type { RunEvent } from './events';
import type { RunDir } from './run-dir';

export const TRACE_COLUMNS = ['job', 'attempt', 'slurm_id', 'array_index', 'image', 'image_id', 'nodes', 'state', 'exit_code', 'submit', 'start', 'end', 'elapsed_s'] as const;

export function traceRows(plan: Plan, events: Iterable<RunEvent>): string[][] {
  const imageOf = new Map(plan.jobs.map((j) => [j.key, j.image.ref]));
  const imageIds = new Map<string, string>();
  const submitted = new Map<string, string>();
  const rows = new Map<string, string[]>();
  for (const e of events) {
    if (e.type === 'image' && e.id) imageIds.set(e.ref, e.id);
    if (e.type === 'job-submitted') submitted.set(`${e.job}|${e.attempt}`, e.time);
    if (e.type !== 'job-state') continue;
    const image = imageOf.get(e.job) ?? '';
    rows.set(`${e.job}|${e.attempt}|${e.arrayIndex ?? ''}`, [
      e.job, String(e.attempt), e.externalId, e.arrayIndex === undefined ? '' : String(e.arrayIndex), image, imageIds.get(image) ?? '',
      e.nodes ?? '', e.state, e.exitCode === undefined ? '' : String(e.exitCode), submitted.get(`${e.job}|${e.attempt}`) ?? '', e.start ?? '', e.end ?? '',
      e.elapsedSeconds === undefined ? '' : String(e.elapsedSeconds),
    ]);
  }
  return [...rows.values()];
}

export function writeTrace(dir: RunDir, plan: Plan, events: Iterable<RunEvent>): void {
  const clean = (s: string) => s.replace(/[\t\n\r]/g, ' ');
  const lines = [TRACE_COLUMNS.join('\t'), ...traceRows(plan, events).map((r) => r.map(clean).join('\t'))];
  writeFileSync(dir.trace, lines.join('\n') + '\n', { mode: 0o600 });
}
