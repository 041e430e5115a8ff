// The files a glob pattern of an input names (`*`, `?`, `[...]` within one path component, as a
// shell expands them; a leading `.` matched only by a pattern that starts with one). Node 20 has no
// fs.glob; inputs are few, so a walk of the directories the pattern passes through is enough
// (runner/cache/glob.ts, the one walker).

import { expandGlob } from '../cache/glob';
import { isGlobPattern } from '../plan/files';
import type { Plan } from '../plan/types';

/** The existing paths an absolute pattern matches, sorted (the cache's walker: one reading of a pattern). */
export const globPaths = (pattern: string): string[] => expandGlob(pattern);

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
