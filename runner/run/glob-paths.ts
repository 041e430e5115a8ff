// The files a glob pattern of an input names (`*`, `?`, `[...]` within one path component, as a
// shell expands them; a leading `.` matched only by a pattern that starts with one). Node 20 has no
// fs.glob; inputs are few, so a walk of the directories the pattern passes through is enough.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isGlobPattern } from '../plan/files';
import type { Plan } from '../plan/types';

function componentRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 2);
      if (end === -1) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** The existing paths an absolute pattern matches, sorted. */
export function globPaths(pattern: string): string[] {
  let found = ['/'];
  for (const part of pattern.split('/').filter((p) => p !== '')) {
    const next: string[] = [];
    const wild = /[*?[]/.test(part);
    const re = wild ? componentRegExp(part) : undefined;
    for (const dir of found) {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        continue;
      }
      for (const n of names) if (re ? re.test(n) && (!n.startsWith('.') || part.startsWith('.')) : n === part) next.push(join(dir, n));
    }
    found = next;
    if (found.length === 0) break;
  }
  return found.sort();
}

/**
 * The plan with every glob pattern of an input replaced by the files it matches now (sorted), for a
 * run: commands get the files, and what the job reads is known. Patterns only name files there
 * before the run (missing-inputs.ts refuses one that matches nothing).
 */
export function withInputGlobsExpanded(plan: Plan, glob: (pattern: string) => string[] = globPaths): Plan {
  if (!plan.jobs.some((j) => j.files.some((f) => f.inputs.some((s) => s.paths.some(isGlobPattern))))) return plan;
  const jobs = plan.jobs.map((j) => ({
    ...j,
    files: j.files.map((f) => ({ ...f, inputs: f.inputs.map((s) => ({ name: s.name, paths: s.paths.flatMap((p) => (isGlobPattern(p) ? glob(p) : [p])) })) })),
  }));
  return { ...plan, jobs };
}
