// SF056, before a run pulls or submits anything: an input that no job of the run writes must be there
// already (a glob pattern must match something). Findings with the path of the input in the file,
// so that the CLI prints file:line:col like any validation error.

import { existsSync } from 'node:fs';
import { isGlobPattern, producers } from '../plan/files';
import type { Plan } from '../plan/types';
import type { Finding } from '../workflow/finding';
import { declaredPaths, elementsOf, resolvedIn } from '../workflow/rules/declared-files';
import { asRecord, jobsOf } from '../workflow/rules/rule';
import { globPaths } from './glob-paths';

export interface FileSystemView {
  exists(path: string): boolean;
  glob(pattern: string): string[];
}

const disk: FileSystemView = { exists: existsSync, glob: globPaths };

export function missingInputs(plan: Plan, value: unknown, workflowDir: string, fs: FileSystemView = disk): Finding[] {
  const written = producers(plan.jobs);
  const inRun = new Set(plan.jobs.map((j) => j.key));
  const findings: Finding[] = [];
  const record = asRecord(value);
  if (!record) return [];
  for (const entry of jobsOf(record)) {
    if (!inRun.has(entry.name)) continue;
    const elements = elementsOf(entry);
    for (const d of declaredPaths(entry)) {
      if (d.kind !== 'inputs') continue;
      const missing = new Set<string>();
      for (const values of elements) {
        const host = resolvedIn(d.text, values, workflowDir);
        if (host === undefined || written.has(host)) continue;
        const there = isGlobPattern(host) ? fs.glob(host).length > 0 : fs.exists(host);
        if (!there) missing.add(host);
      }
      if (missing.size === 0) continue;
      const list = [...missing];
      const shown = list.slice(0, 3).join(', ') + (list.length > 3 ? ` and ${list.length - 3} more` : '');
      findings.push({
        code: 'SF056',
        message: `Input ${d.name} of job "${entry.name}" does not exist: ${shown}${isGlobPattern(d.text) ? ' (the pattern matches no file)' : ''}, and no job of this run writes it. Create it, declare it as an output of the job that writes it, or fix the path.`,
        path: d.path,
      });
    }
  }
  return findings;
}
