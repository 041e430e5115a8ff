// The last dry run's answer, kept with the stamp of every path its decision looked at, so that the
// next dry run of the same plan, options, code and image ids gives it again when none of those
// paths changed, without loading the remembered digests or reading a single cache entry (bench P7:
// 10,000 inputs and 200 entries; what is left is one stat per path). Ninja's log does the same for
// its "no work to do".
//
// Why it is exact: a decision (cache-session.ts decideAll) is a function of the plan and its task
// scripts (the memo's key: file text, path, options, code, node), --fresh, the image ids, and what
// is at the paths it looks at: every input and output through the stat pass (the content behind an
// unchanged stamp is the remembered digest's, as fingerprint.ts argues), and the entry files the
// store opened or found missing. A path's stamp (size, mtime and ctime in ns, inode, device) is
// taken for each; an answer is kept only when every ctime is out of the racy window (2 s), when
// the decision warned about nothing (a damaged entry is reported on every dry run), and when no
// path is a directory (a tree's digest reads files the pass never saw). Anything else decides in
// full, as before. A snapshot that is damaged, of another format or another key is not used.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePrivateDir, writeKeepingNewest } from './atomic-file';
import { RACY_WINDOW_NS } from './fingerprint';
import { sha256Hex } from './job-key';
import type { Stamp, StatPass } from './stat-pass';
import { cacheRoot } from './store';

// paths and stamps as two newline-joined strings, row for row (10,000 rows parse as two strings, not 10,000 arrays).
const FORMAT = 'shifterflow-decision/1';
/** Snapshots kept per directory (one per workflow, options and image ids in use). */
const KEEP = 4;

export interface SnapshotKeyInputs {
  /** The memo of the plan's key (cli/plan-memo.ts memoKey): file, text, options, code. */
  plan: string;
  fresh: boolean;
  imageIds: ReadonlyMap<string, string>;
}

export function snapshotKey(i: SnapshotKeyInputs): string {
  return sha256Hex(JSON.stringify([FORMAT, i.plan, i.fresh, [...i.imageIds].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))]));
}

const dirOf = (base: string) => join(cacheRoot(base), 'decisions');

/** The answer kept under `key`, when every path it looked at has the stamp it had; `stats` is this dry run's pass. */
export function snapshotAnswer<T>(base: string, key: string, stats: StatPass): T | undefined {
  let data: { format?: unknown; key?: unknown; paths?: unknown; stamps?: unknown; answer?: unknown };
  try {
    data = JSON.parse(readFileSync(join(dirOf(base), `${key}.json`), 'utf8')) as typeof data;
  } catch {
    return undefined; // none yet, unreadable, damaged
  }
  if (typeof data !== 'object' || data === null || data.format !== FORMAT || data.key !== key || typeof data.paths !== 'string' || typeof data.stamps !== 'string' || data.answer === undefined) return undefined;
  const paths = data.paths === '' ? [] : data.paths.split('\n');
  const stamps = paths.length === 0 ? [] : data.stamps.split('\n');
  if (paths.length !== stamps.length) return undefined;
  for (let i = 0; i < paths.length; i++) {
    const now = stats.stat(paths[i]);
    if ((now?.stamp ?? '') !== stamps[i] || now?.directory) return undefined;
  }
  return data.answer as T;
}

/**
 * Keeps `answer` with the stamps of every path `stats` saw during the decision and of the entry
 * files the store looked for (stat-ed now, after it read them: one changed meanwhile is young), unless
 * one is young or a directory; never fails the dry run. Returns whether it was kept.
 */
export function keepSnapshot(base: string, key: string, stats: StatPass, entryFiles: Iterable<string>, answer: unknown, now: bigint = BigInt(Date.now()) * 1_000_000n): boolean {
  for (const file of entryFiles) stats.stat(file);
  const paths: string[] = [];
  const stamps: string[] = [];
  for (const [path, seen] of stats.entries()) {
    if (seen && (seen.directory || young(seen.stamp, now))) return false;
    // A path with a newline would break the list: such a plan is decided in full every time.
    if (path.includes('\n')) return false;
    paths.push(path);
    stamps.push(seen?.stamp ?? ''); // '' : nothing there
  }
  try {
    ensurePrivateDir(cacheRoot(base));
    writeKeepingNewest(dirOf(base), `${key}.json`, JSON.stringify({ format: FORMAT, key, paths: paths.join('\n'), stamps: stamps.join('\n'), answer }), KEEP);
    return true;
  } catch {
    return false; // not kept: the next dry run decides in full
  }
}

/**
 * Whether the stamp's ctime is within the racy window of `now`: a write in the same tick of a coarse
 * clock could leave the stamp as it is. The ctime, not the mtime: the kernel sets it on every change
 * and nobody can set it back, while an mtime is whatever `touch` said (a file touched into the
 * future would otherwise never be trusted; its next write changes the ctime all the same).
 */
function young(stamp: Stamp, now: bigint): boolean {
  const ctime = BigInt(stamp.split(':')[2]);
  return now - ctime < RACY_WINDOW_NS;
}
