// What an editor offers about declared files, for the extension to show: the names a
// `${{ inputs.` / `${{ outputs.` being typed can go on with, what a placeholder under the cursor
// stands for, and which job writes a path. Pure: from the parsed value, no vscode.

import { FILE_REF } from '../plan/file-refs';
import { pathForJob } from '../plan/job-view';
import type { Plan } from '../plan/types';
import { declaredPaths, elementsOf, resolvedIn } from './rules/declared-files';
import { asRecord, jobsOf } from './rules/rule';

export interface FileNameHint {
  kind: 'inputs' | 'outputs';
  name: string;
  /** The paths as written. */
  paths: string[];
}

/** The job's declared names of one kind, with their paths as written. */
export function declaredNames(job: Record<string, unknown> | undefined, kind: 'inputs' | 'outputs'): FileNameHint[] {
  return Object.entries(asRecord(job?.[kind]) ?? {}).map(([name, v]) => ({ kind, name, paths: typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [] }));
}

/** When the text before the cursor ends inside `${{ inputs.NA` (or outputs), the kind and the part typed. */
export function fileRefBeingTyped(before: string): { kind: 'inputs' | 'outputs'; typed: string } | undefined {
  const m = /\$\{\{\s*(inputs|outputs)\.([A-Za-z0-9_]*)$/.exec(before);
  return m ? { kind: m[1] as 'inputs' | 'outputs', typed: m[2] } : undefined;
}

/** The `${{ inputs.X }}`/`${{ outputs.X }}` that covers `offset` in `text`, if any. */
export function fileRefAt(text: string, offset: number): { kind: 'inputs' | 'outputs'; name: string } | undefined {
  for (const m of text.matchAll(FILE_REF)) {
    if (offset >= m.index! && offset <= m.index! + m[0].length) return { kind: m[1] as 'inputs' | 'outputs', name: m[2] };
  }
  return undefined;
}

/** The jobs (and output names) that declare `written` (an input's path as written in job `reader`) as an output. */
export function producersOf(value: unknown, workflowDir: string, reader: string, written: string): { job: string; output: string }[] {
  const record = asRecord(value);
  if (!record) return [];
  const jobs = jobsOf(record);
  const readerEntry = jobs.find((j) => j.name === reader);
  const wanted = new Set((readerEntry ? elementsOf(readerEntry) : [undefined]).map((v) => resolvedIn(written, v, workflowDir)).filter((p): p is string => p !== undefined));
  const out: { job: string; output: string }[] = [];
  for (const entry of jobs) {
    if (entry.name === reader) continue;
    const elements = elementsOf(entry);
    for (const d of declaredPaths(entry)) {
      if (d.kind !== 'outputs') continue;
      if (elements.some((v) => wanted.has(resolvedIn(d.text, v, workflowDir) ?? '')) && !out.some((o) => o.job === entry.name && o.output === d.name)) out.push({ job: entry.name, output: d.name });
    }
  }
  return out;
}

/**
 * What `${{ KIND.NAME }}` gives job `key`'s command: each path as the job sees it (through its volumes,
 * or on a site file system; the host's own with `onHost`, the local engine none) beside its host path;
 * a matrix job's elements' distinct ones, in order. Undefined when the job declares no such name.
 */
export function seenPaths(plan: Plan, key: string, kind: 'inputs' | 'outputs', name: string, onHost: boolean): { host: string; seen: string }[] | undefined {
  const job = plan.jobs.find((j) => j.key === key);
  const sets = job?.files.map((f) => f[kind].find((s) => s.name === name)).filter((s) => s !== undefined);
  if (!job || !sets || sets.length === 0) return undefined;
  const out: { host: string; seen: string }[] = [];
  for (const set of sets) {
    for (const host of set.paths) {
      if (!out.some((o) => o.host === host)) out.push({ host, seen: pathForJob(host, job.volumes, plan.profile.siteFileSystems, onHost) });
    }
  }
  return out;
}
