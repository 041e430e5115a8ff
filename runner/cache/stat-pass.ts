// One look at each path per decision: `run` checks that the user's inputs exist (SF056,
// run/missing-inputs.ts) and then digests them (fingerprint.ts), and each would stat every path
// (bench P7: 10,000 inputs, where a stat is most of the time left). A pass remembers what stat said
// for as long as one decision lasts; the cache starts a new pass for every decision it makes later
// (a run decides again once its images are ready, and records each task after it completed).

import { statSync, type BigIntStats } from 'node:fs';

export class StatPass {
  private readonly seen = new Map<string, BigIntStats | null>();

  /** stat(2) of the path (symlinks followed), or undefined when there is nothing there or it cannot be seen. */
  stat(path: string): BigIntStats | undefined {
    const known = this.seen.get(path);
    if (known !== undefined) return known ?? undefined;
    let s: BigIntStats | undefined;
    try {
      s = statSync(path, { bigint: true, throwIfNoEntry: false });
    } catch {
      s = undefined; // EACCES, ENOTDIR, ELOOP...: as existsSync, nothing to be seen
    }
    this.seen.set(path, s ?? null);
    return s;
  }

  exists(path: string): boolean {
    return this.stat(path) !== undefined;
  }
}
