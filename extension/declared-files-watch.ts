// What makes a cache lens out of date without the workflow file changing: a declared input or output
// changed on disk, or a run recorded an entry in the cache. Watched with chokidar, by directory (the
// files' parents, not depth): one watch per directory, never one per file, and at most MAX_DIRS of them.
// A directory that does not exist yet (an output's, before the first run) is watched through its
// nearest existing ancestor; the caller builds a new watch after each check, which then sees it.
// A declared path that is a directory (an output directory, a reference data set) is a tree: what
// changes inside it changes its digest.

import { existsSync, statSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { Plan } from '../runner/plan/types';

/** Beyond this many directories the lens is re-checked on save, on runs and on click only. */
export const MAX_DIRS = 256;

export interface WatchSet {
  /** Directories watched for their direct entries. */
  dirs: string[];
  /** Directories watched a few levels down (glob patterns' fixed prefixes, the cache's entries). */
  trees: string[];
  /** Whether an event at this path concerns the workflow. */
  concerns(path: string): boolean;
}

/** Where the plan's declared files live, and the cache the runs of `base` record into. */
export function watchSetOf(plan: Plan, base: string, workflowFile: string, isGlob: (p: string) => boolean): WatchSet | undefined {
  const files = new Set<string>([workflowFile]);
  const trees = new Set<string>([join(base, '.shifterflow', 'cache', 'entries')]);
  for (const job of plan.jobs) {
    for (const f of job.files) {
      for (const set of [...f.inputs, ...f.outputs]) {
        for (const p of set.paths) {
          if (isGlob(p)) trees.add(fixedPrefix(p));
          else {
            files.add(p);
            if (isDirectory(p)) trees.add(p);
          }
        }
      }
    }
  }
  const dirs = new Set<string>();
  for (const f of files) dirs.add(existingAncestor(dirname(f)));
  // A tree not there yet: its nearest ancestor's entries only (its creation is the event that counts).
  const existingTrees = [...trees].filter((t) => existsSync(t));
  for (const t of trees) if (!existsSync(t)) dirs.add(existingAncestor(t));
  if (dirs.size + existingTrees.length > MAX_DIRS) return undefined;
  const under = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  return {
    dirs: [...dirs],
    trees: existingTrees,
    // A declared file, anything under a watched tree, or a directory on the way to one (created).
    concerns: (p) => files.has(p) || [...trees].some((t) => under(p, t)) || [...files].some((f) => under(f, p)) || [...trees].some((t) => under(t, p)),
  };
}

/** The directory before a glob pattern's first wildcard. */
function fixedPrefix(pattern: string): string {
  const parts = pattern.split(sep);
  const i = parts.findIndex((s) => /[*?[]/.test(s));
  return parts.slice(0, i < 0 ? parts.length - 1 : i).join(sep) || sep;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function existingAncestor(dir: string): string {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}
