// What a path holds, as a content digest (sha256), and when it must be read again to know.
//
// The choice, against what Nextflow and Snakemake do (see docs/design.md, "The cache"):
// - Nextflow's default hashes a file's path, size and mtime (ms); `lenient` drops the mtime because on
//   shared file systems it is unreliable; `deep` reads every input in full on every run. The first two
//   serve a stale result after an edit that keeps the size and puts the mtime back (`touch -r`, rsync
//   -t, a restore from a backup, a tool that preserves times); the third reads a 100 GB input again
//   for every run.
// - Snakemake compares mtimes (input newer than the oldest output: an ordering, so clock skew between
//   a compute node and the login node decides) and checksums only small files.
// Here: the digest of the content decides, and it is recomputed only when the file's identity or
// stamps change: size, mtime (ns), ctime (ns), inode and device. ctime cannot be set by the user
// (utimes sets atime/mtime and itself bumps ctime), so an edit with the mtime put back still changes
// ctime and the file is read again; an unchanged input is only stat()ed. Only equality of stamps is
// used, never their order, so clock skew between hosts cannot make an old file look new or the
// reverse. A replaced file (new inode, or another device) is read again.
//
// Racy stamps (as Git's index): on a file system with coarse timestamps (1 s on some NFS servers and
// ext3), a write in the same tick as our read leaves every stamp equal. A digest is therefore only
// remembered when the file's mtime and ctime are at least RACY_WINDOW_NS older than the moment it was
// read; a younger file (or one stamped in the future by a skewed clock) is read again next time.
//
// Directories: the digest of their sorted tree (names, kinds, each file's digest, symlink targets),
// walked every time (a directory's own mtime does not change when a file inside is edited), each file
// inside remembered as above. Symlinks inside a tree are recorded by target, not followed (a loop
// cannot hang the walk); a path named in the workflow is followed.

import { closeSync, lstatSync, openSync, readSync, readdirSync, readFileSync, readlinkSync, statSync, type BigIntStats } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join } from 'node:path';
import { ensurePrivateDir, writeFileAtomic } from './atomic-file';
import { StatPass, stampOf, type Stamp } from './stat-pass';

/** Stamps younger than this (2 s) are not trusted to change with the next write. */
export const RACY_WINDOW_NS = 2_000_000_000n;

export const MISSING = 'missing';

interface Remembered {
  stamp: Stamp;
  digest: string;
}

function sameStamp(a: Stamp, b: Stamp): boolean {
  return a === b;
}

const CHUNK = 1 << 20;
let buffer: Buffer | undefined;

export function sha256File(path: string): string {
  const hash = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    buffer ??= Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return 'sha256:' + hash.digest('hex');
}

/**
 * Digests remembered per path, kept in one JSON file (`.shifterflow/cache/digests.json`). Losing it
 * costs one read of every input, never a wrong answer: every remembered digest is checked against the
 * path's stamps before it is used.
 */
export class DigestMemory {
  private readonly known = new Map<string, Remembered>();
  private readonly changed = new Map<string, Remembered>();
  /** Digests computed during this pass (one stat per path per decision, however many jobs read it). */
  private readonly seen = new Map<string, string>();
  /** What stat said of each path during this pass. */
  private pass = new StatPass();
  /** How many files were read in full (tests and the figure in the report). */
  reads = 0;

  constructor(
    private readonly file?: string,
    private readonly warn: (text: string) => void = () => undefined,
    private readonly now: () => bigint = () => BigInt(Date.now()) * 1_000_000n,
  ) {
    if (file) this.load(file, this.known);
  }

  private load(file: string, into: Map<string, Remembered>): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.warn(`cache: cannot read ${file} (${(e as Error).message}); inputs are read again`);
      return;
    }
    try {
      const data = JSON.parse(text) as { version?: number; paths?: Record<string, unknown> };
      if (data.version !== 2 || typeof data.paths !== 'object' || data.paths === null) throw new Error('not a digest file of this version');
      for (const path in data.paths) {
        const v = data.paths[path];
        if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') into.set(path, { stamp: v[0], digest: v[1] });
      }
    } catch (e) {
      this.warn(`cache: ignoring ${file} (${(e as Error).message}); inputs are read again`);
    }
  }

  /** The digest of a file or directory now (`missing` when there is nothing at the path). */
  digest(path: string): string {
    const cached = this.seen.get(path);
    if (cached !== undefined) return cached;
    const s = this.pass.stat(path);
    if (s === undefined) {
      this.seen.set(path, MISSING);
      return MISSING;
    }
    const d = s.directory ? this.treeDigest(path) : this.fileDigest(path, s.stamp);
    this.seen.set(path, d);
    return d;
  }

  /**
   * Forgets this pass's answers: the next digest() looks at the file system again, or takes stat's
   * answers from `pass` when the caller has just asked (SF056 before a dry run's decision).
   */
  refresh(pass: StatPass = new StatPass()): void {
    this.seen.clear();
    this.pass = pass;
  }

  private fileDigest(path: string, stamp: Stamp): string {
    const r = this.changed.get(path) ?? this.known.get(path);
    if (r && sameStamp(r.stamp, stamp)) return r.digest;
    const before = this.now();
    let digest: string;
    try {
      digest = sha256File(path);
    } catch (e) {
      // Unreadable (permissions, removed meanwhile): a digest no content has, so no key can match it.
      return `unreadable:${(e as NodeJS.ErrnoException).code ?? 'error'}`;
    }
    this.reads++;
    // Remembered only if nothing changed while it was read and the stamps are out of the racy window.
    let after: BigIntStats | undefined;
    try {
      after = statSync(path, { bigint: true });
    } catch {
      return digest;
    }
    const youngest = after.mtimeNs > after.ctimeNs ? after.mtimeNs : after.ctimeNs;
    if (sameStamp(stampOf(after), stamp) && before - youngest >= RACY_WINDOW_NS) this.changed.set(path, { stamp, digest });
    else this.changed.delete(path);
    return digest;
  }

  private treeDigest(dir: string): string {
    const hash = createHash('sha256');
    const walk = (abs: string, rel: string) => {
      const names = readdirSync(abs).sort();
      for (const name of names) {
        const p = join(abs, name);
        const r = rel === '' ? name : `${rel}/${name}`;
        let l;
        try {
          l = lstatSync(p, { bigint: true });
        } catch {
          continue; // removed while walking: not part of the tree
        }
        if (l.isSymbolicLink()) hash.update(`L ${JSON.stringify(r)} ${JSON.stringify(readlinkSync(p))}\n`);
        else if (l.isDirectory()) {
          hash.update(`D ${JSON.stringify(r)}\n`);
          walk(p, r);
        } else if (l.isFile()) hash.update(`F ${JSON.stringify(r)} ${this.fileDigest(p, stampOf(l))}\n`);
        else hash.update(`O ${JSON.stringify(r)}\n`);
      }
    };
    walk(dir, '');
    return 'tree:' + hash.digest('hex');
  }

  /**
   * Writes what was learnt, merged over the file as it is now (another run in this directory may
   * have saved since we loaded): atomic, so a reader never sees half of it. Two runs saving at once
   * keep one's new digests: the other's files are read once more next time, nothing is wrong.
   */
  save(): void {
    if (!this.file || this.changed.size === 0) return;
    const merged = new Map<string, Remembered>();
    this.load(this.file, merged);
    for (const [p, r] of this.changed) merged.set(p, r);
    const paths: Record<string, string[]> = {};
    for (const [p, r] of merged) paths[p] = [r.stamp, r.digest];
    // A dry run in a directory that never ran has no cache directory yet.
    ensurePrivateDir(dirname(this.file));
    writeFileAtomic(this.file, JSON.stringify({ version: 2, paths }));
    for (const [p, r] of this.changed) this.known.set(p, r);
    this.changed.clear();
  }
}
