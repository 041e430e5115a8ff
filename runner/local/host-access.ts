// Whether the container's user can reach a host path. When the runner is root and the container runs
// as another uid, bwrap starts as that uid and cannot bind what it cannot reach, and a working
// directory it cannot enter is as invisible as a missing one (Shifter: "staying in /"). Judged from
// the mode bits of every directory on the way, as the kernel would for that uid (ACLs aside).

import { statSync } from 'node:fs';
import { dirname } from 'node:path';

/** The first directory on the way to `path` (itself included) that `uid` cannot enter, if any. */
export function untraversable(path: string, uid: number, gid: number): string | undefined {
  if (uid === 0) return undefined;
  for (let p = path; ; p = dirname(p)) {
    let st;
    try {
      st = statSync(p);
    } catch {
      return p;
    }
    const ok = st.uid === uid ? st.mode & 0o100 : st.gid === gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!ok) return p;
    if (dirname(p) === p) return undefined;
  }
}

export function reachable(path: string, uid: number, gid: number): boolean {
  return untraversable(path, uid, gid) === undefined;
}
