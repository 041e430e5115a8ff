// Files the cache writes are replaced whole or not at all: written to a temporary name in the same
// directory, flushed to disk, then renamed over the target. rename(2) is atomic within one directory
// on POSIX file systems, NFS and Lustre included (the server does it), so a reader sees the old file or
// the new one, never half of either, and a runner killed mid-write leaves only a stray temporary
// (`.NAME.PID.RANDOM.tmp`, never read as an entry; `shifterflow cache clean` removes old ones).

import { closeSync, fsyncSync, mkdirSync, chmodSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

/** Temporary files of an interrupted write end in this; they are never read as data. */
export const TEMP_SUFFIX = '.tmp';

export function isTempName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_SUFFIX);
}

/** A private directory (0700 whatever the umask): entries name the user's paths. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Replaces `path` with `text` atomically (0600). `beforeRename` is a test seam: a crash just before the rename. */
export function writeFileAtomic(path: string, text: string, beforeRename?: () => void): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    const bytes = Buffer.from(text, 'utf8');
    let at = 0;
    while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    // Without it, a crash after the rename could leave the new name pointing at empty blocks (ext4, XFS).
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw e;
  }
  closeSync(fd);
  beforeRename?.();
  renameSync(temp, path);
}

/**
 * Writes `name` in the private directory `dir` atomically and keeps only the newest `keep` JSON files
 * there (by mtime, the one written counted): for the dry run's small per-key files (the memo of the
 * plan, the decision snapshot), of which only the last few are ever asked for again.
 */
export function writeKeepingNewest(dir: string, name: string, text: string, keep: number): void {
  ensurePrivateDir(dir);
  writeFileAtomic(join(dir, name), text);
  const old = readdirSync(dir)
    .filter((n) => n.endsWith('.json') && !isTempName(n) && n !== name)
    .map((n) => ({ n, t: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.t - a.t)
    .slice(keep - 1);
  for (const { n } of old) rmSync(join(dir, n), { force: true });
}
