// One look at each path per decision: `run` checks that the user's inputs exist (SF056,
// run/missing-inputs.ts) and then digests them (fingerprint.ts), and each would stat every path
// (bench P7: 10,000 inputs, where a stat is most of the time left). A pass remembers what stat said
// for as long as one decision lasts; the cache starts a new pass for every decision it makes later
// (a run decides again once its images are ready, and records each task after it completed).
// It keeps only what the cache reads of each stat, its stamp and whether it is a directory: a
// BigIntStats is some thirty objects (BigInts, Dates), and 10,000 of them kept alive through a
// decision cost more in garbage collection (every survivor is copied) than the stat calls themselves.

import { statSync, type BigIntStats } from 'node:fs';

/** `size:mtimeNs:ctimeNs:inode:device`: equal stamps mean a remembered digest still holds (one string: one comparison). */
export type Stamp = string;

export function stampOf(s: BigIntStats): Stamp {
  return `${s.size}:${s.mtimeNs}:${s.ctimeNs}:${s.ino}:${s.dev}`;
}

/** What a pass keeps of one stat. */
export interface Seen {
  stamp: Stamp;
  directory: boolean;
}

export class StatPass {
  private readonly seen = new Map<string, Seen | null>();

  /** stat(2) of the path (symlinks followed), or undefined when there is nothing there or it cannot be seen. */
  stat(path: string): Seen | undefined {
    const known = this.seen.get(path);
    if (known !== undefined) return known ?? undefined;
    let seen: Seen | null = null;
    try {
      const s = statSync(path, { bigint: true, throwIfNoEntry: false });
      if (s) seen = { stamp: stampOf(s), directory: s.isDirectory() };
    } catch {
      // EACCES, ENOTDIR, ELOOP...: as existsSync, nothing to be seen
    }
    this.seen.set(path, seen);
    return seen ?? undefined;
  }

  /** Every path looked at in this pass, with what was seen (null: nothing there). */
  entries(): IterableIterator<[string, Seen | null]> {
    return this.seen.entries();
  }

  exists(path: string): boolean {
    return this.stat(path) !== undefined;
  }
}
