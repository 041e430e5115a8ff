// The last dry run's answer, kept with the stamp of every path its decision looked at, so that the
// next dry run of the same plan, options and code gives it again when none of those paths changed
// (and, the caller checks, the image ids are the same), without reading the memo of the plan, the
// remembered digests or a single cache entry (bench P7: 10,000 inputs and 200 entries; what is left
// is one stat per path). Ninja's log does the same for its "no work to do".
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

import { readFileSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { ensurePrivateDir, writeKeepingNewest } from './atomic-file';
import { RACY_WINDOW_NS } from './fingerprint';
import { sha256Hex } from './job-key';
import type { Stamp, StatPass } from './stat-pass';
import { cacheRoot } from './store';

// Paths as one newline-joined string; their stamps as five doubles each (size, mtimeMs, ctimeMs,
// inode, device: what a plain fs.stat gives, so the check compares numbers and builds no string),
// a Float64Array in base64. Doubles carry the times to a fraction of a microsecond: enough, because a
// stamp is kept only when its ctime is 2 s old, so any later change moves the ctime by more than
// that. An inode or device beyond 2^53 rounds the same way each time (a mismatch only decides again).
const FORMAT = 'shifterflow-decision/2';
const FIELDS = 5;
/** The size of a path that was not there. */
const ABSENT = -1;
/** Snapshots kept per directory (one per workflow, options and image ids in use). */
const KEEP = 4;

export interface SnapshotKeyInputs {
  /** The memo of the plan's key (cli/plan-memo.ts memoKey): file, text, options, code. */
  plan: string;
  fresh: boolean;
}

export function snapshotKey(i: SnapshotKeyInputs): string {
  return sha256Hex(JSON.stringify([FORMAT, i.plan, i.fresh]));
}

const dirOf = (base: string) => join(cacheRoot(base), 'decisions');

/** A snapshot as read: what was kept with it, and whether every path it names still has its stamp. */
export interface Snapshot<T> {
  data: T;
  holds(): boolean;
}

/** The snapshot kept under `key`; undefined when there is none or it is damaged, of another format or another key. */
export function readSnapshot<T>(base: string, key: string): Snapshot<T> | undefined {
  let kept: { format?: unknown; key?: unknown; paths?: unknown; stamps?: unknown; data?: unknown };
  try {
    kept = JSON.parse(readFileSync(join(dirOf(base), `${key}.json`), 'utf8')) as typeof kept;
  } catch {
    return undefined; // none yet, unreadable, damaged
  }
  if (typeof kept !== 'object' || kept === null || kept.format !== FORMAT || kept.key !== key || typeof kept.paths !== 'string' || typeof kept.stamps !== 'string' || kept.data === undefined) return undefined;
  const paths = kept.paths === '' ? [] : kept.paths.split('\n');
  const bytes = Buffer.from(kept.stamps, 'base64');
  if (bytes.length !== paths.length * FIELDS * 8) return undefined;
  const stamps = new Float64Array(paths.length * FIELDS);
  new Uint8Array(stamps.buffer).set(bytes);
  // Relative paths are the base's: as they are when the base is the working directory, else joined.
  const inCwd = resolve(base) === process.cwd();
  return {
    data: kept.data as T,
    // One plain stat per path, compared field by field as it comes (no pass kept: nothing else reads them).
    holds: () => {
      for (let i = 0, o = 0; i < paths.length; i++, o += FIELDS) {
        const p = paths[i];
        let s: Stats | undefined;
        try {
          s = statSync(inCwd || isAbsolute(p) ? p : join(base, p), { throwIfNoEntry: false });
        } catch {
          s = undefined;
        }
        if (!s) {
          if (stamps[o] !== ABSENT) return false;
        } else if (s.size !== stamps[o] || s.mtimeMs !== stamps[o + 1] || s.ctimeMs !== stamps[o + 2] || s.ino !== stamps[o + 3] || s.dev !== stamps[o + 4] || s.isDirectory()) return false;
      }
      return true;
    },
  };
}

/** What was kept under `key`, when every path the decision looked at has the stamp it had. */
export function snapshotAnswer<T>(base: string, key: string): T | undefined {
  const snapshot = readSnapshot<T>(base, key);
  return snapshot?.holds() ? snapshot.data : undefined;
}

/**
 * Keeps `data` (the answer and what must match besides the stamps) with the stamps of every path `stats` saw during the decision and of the entry
 * files the store looked for (stat-ed now, after it read them: one changed meanwhile is young), unless
 * one is young or a directory; never fails the dry run. Returns whether it was kept.
 */
export function keepSnapshot(base: string, key: string, stats: StatPass, entryFiles: Iterable<string>, data: unknown, now: bigint = BigInt(Date.now()) * 1_000_000n): boolean {
  for (const file of entryFiles) stats.stat(file);
  const paths: string[] = [];
  const stamps: number[] = [];
  const prefix = base.endsWith(sep) ? base : base + sep;
  for (const [path, seen] of stats.entries()) {
    if (seen && (seen.directory || young(seen.stamp, now))) return false;
    // A path with a newline would break the list: such a plan is decided in full every time.
    if (path.includes('\n')) return false;
    // Below the base as relative paths: shorter to keep, read and resolve (the dry run's cwd is the base).
    paths.push(path.startsWith(prefix) ? path.slice(prefix.length) : path);
    if (seen) stamps.push(...plainStamp(seen.stamp));
    else stamps.push(ABSENT, 0, 0, 0, 0);
  }
  try {
    ensurePrivateDir(cacheRoot(base));
    writeKeepingNewest(dirOf(base), `${key}.json`, JSON.stringify({ format: FORMAT, key, paths: paths.join('\n'), stamps: Buffer.from(new Float64Array(stamps).buffer).toString('base64'), data }), KEEP);
    return true;
  } catch {
    return false; // not kept: the next dry run decides in full
  }
}

/** The five numbers a plain fs.stat gives for what `stamp` (the pass's, in ns) says: its times as Node computes mtimeMs from (sec, nsec). */
function plainStamp(stamp: Stamp): number[] {
  const [size, mtime, ctime, ino, dev] = stamp.split(':').map((v) => BigInt(v));
  return [Number(size), ms(mtime), ms(ctime), Number(ino), Number(dev)];
}

function ms(ns: bigint): number {
  const sec = ns / 1_000_000_000n;
  const nsec = ns % 1_000_000_000n;
  return Number(sec) * 1e3 + Number(nsec) / 1e6;
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
