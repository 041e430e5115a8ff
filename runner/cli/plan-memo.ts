// `run --dry-run`'s memo of the plan: what validating, planning and rendering a workflow gave, kept
// under `.shifterflow/cache/plans/` and used again while none of what they read has changed. On a
// large file (bench P7: 200 jobs naming 10,000 files) they are most of a dry run that is not stat(2).
//
// Why it is exact: validateText, planWorkflow, selectJobs, renderTaskScripts/renderGroup are pure
// functions of (the file's text, the name it was given on the command line (diagnostics print it),
// its absolute path (relative paths resolve against its directory), --profile, --job, the code) —
// they read no environment variable, no clock and no file (runner/workflow, plan, render, engines
// and profiles import nothing of node:fs/os and read no process.env: checked by a test). The key
// is a sha256 of all of those, the code as the identity (device, inode, size, mtime and ctime in ns)
// of every module file loaded, the bundle's own included, and node's version. What does read the
// disk is never in the memo: SF056 (inputs must exist) runs again on every dry run, over the plan's
// paths with the stat pass the decision then reuses, and a plan with glob inputs (expanded from the
// disk) is not kept at all. The memo holds only a successful result (no error, nothing refused by
// the renderer): anything else goes the whole way and says where, as before.
//
// A memo that cannot be read, is damaged or has another key is ignored (the whole way is taken);
// one that cannot be written is not kept. SHIFTERFLOW_PLAN_MEMO=0 turns it off (benchmarks), and
// it is off unless the code runs as the bundle (see BUNDLED).

import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensurePrivateDir, writeKeepingNewest } from '../cache/atomic-file';
import { sha256Hex } from '../cache/job-key';
import type { StatPass } from '../cache/stat-pass';
import { cacheRoot } from '../cache/store';
import { producers } from '../plan/files';
import type { Plan } from '../plan/types';

const FORMAT = 'shifterflow-plan-memo/1';
/** Memos kept per directory (one per workflow file and options in use). */
const KEEP = 4;

export interface PlanMemo {
  /** The validation's diagnostics (warnings), formatted as they were printed. */
  diagnostics: string[];
  /** The plan, its jobs selected (--job); it has no glob input. */
  plan: Plan;
  /** Task name (cache/task-script.ts taskName) -> sha256 of its script as the key sees it. */
  scriptDigests: Record<string, string>;
}

export interface MemoInputs {
  /** The workflow file as given on the command line. */
  file: string;
  text: string;
  profile?: string;
  jobs?: readonly string[];
}

/**
 * The code is one file (dist/cli.js) when this module is not a file of its own. Run from out/ (the
 * tests' tsc output) it is hundreds of files, not all loaded when the key is made: no memo there.
 */
const BUNDLED = !/[\\/]cli[\\/]plan-memo\.js$/.test(__filename);

export function memoEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.SHIFTERFLOW_PLAN_MEMO;
  return BUNDLED && v !== '0' && v !== 'off' && v !== 'false';
}

/** The identity of the code that runs: the bundle (this file's) and every module file loaded (the CLI's starters), sorted. */
export function codeIdentity(files: readonly string[] = [__filename, ...Object.keys(require.cache)]): string {
  const ids: string[] = [process.version];
  for (const f of [...new Set(files)].sort()) {
    try {
      const s = statSync(f, { bigint: true });
      ids.push(`${f}:${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`);
    } catch {
      ids.push(`${f}:?`);
    }
  }
  return ids.join('\n');
}

export function memoKey(i: MemoInputs, code: string = codeIdentity()): string {
  return sha256Hex(JSON.stringify([FORMAT, code, i.file, resolve(i.file), i.profile ?? null, i.jobs ?? null, i.text]));
}

function memoDir(base: string): string {
  return join(cacheRoot(base), 'plans');
}

export function readMemo(base: string, key: string): PlanMemo | undefined {
  try {
    const data = JSON.parse(readFileSync(join(memoDir(base), `${key}.json`), 'utf8')) as { format?: string; key?: string; memo?: PlanMemo };
    const m = data.memo;
    if (data.format !== FORMAT || data.key !== key || !m || !Array.isArray(m.diagnostics) || !m.plan || !Array.isArray(m.plan.jobs) || typeof m.scriptDigests !== 'object' || m.scriptDigests === null) return undefined;
    return m;
  } catch {
    return undefined; // none yet, unreadable, half-written by hand, not JSON: the whole way
  }
}

/** Keeps the memo (atomically), and only the newest KEEP; never fails the dry run. */
export function writeMemo(base: string, key: string, memo: PlanMemo): void {
  try {
    ensurePrivateDir(cacheRoot(base));
    writeKeepingNewest(memoDir(base), `${key}.json`, JSON.stringify({ format: FORMAT, key, memo }), KEEP);
  } catch {
    /* not kept this time: the next dry run takes the whole way again */
  }
}

/** SF056 over the plan: whether every input no job of it writes is there (globs never: a memo has none). */
export function inputsThere(plan: Plan, stats: StatPass): boolean {
  const written = producers(plan.jobs);
  for (const j of plan.jobs) for (const f of j.files) for (const s of f.inputs) for (const p of s.paths) if (!written.has(p) && !stats.exists(p)) return false;
  return true;
}
