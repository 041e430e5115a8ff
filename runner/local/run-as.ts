// Who the container runs as. Shifter runs the command as the calling user and refuses root; a
// local run does the same, except that when shifterflow itself runs as root (CI, a container) the
// container runs as an unprivileged uid instead — nobody (65534) unless SHIFTERFLOW_LOCAL_USER says
// UID[:GID] or a user name — and the run says so. Root is never a choice.

import { passwdByName, passwdByUid, type PasswdEntry } from './users';

export interface ContainerUser {
  uid: number;
  gid: number;
  name: string;
  home: string;
  shell: string;
  /** True when the runner is root and this user stands in for it. */
  substituted: boolean;
}

export const NOBODY = 65534;

export class RunAsError extends Error {}

export function containerUser(hostUid: number, hostGid: number, override: string | undefined, lookup: (uid: number) => PasswdEntry | undefined = passwdByUid, byName: (name: string) => PasswdEntry | undefined = passwdByName): ContainerUser {
  if (hostUid !== 0) return describe(hostUid, hostGid, false, lookup);
  if (override === undefined) return describe(NOBODY, NOBODY, true, lookup);
  const m = /^(\d+)(?::(\d+))?$/.exec(override);
  let uid: number;
  let gid: number | undefined;
  if (m) {
    uid = Number(m[1]);
    gid = m[2] !== undefined ? Number(m[2]) : lookup(uid)?.gid;
  } else {
    const p = byName(override);
    if (!p) throw new RunAsError(`SHIFTERFLOW_LOCAL_USER=${override}: no such user`);
    uid = p.uid;
    gid = p.gid;
  }
  if (uid === 0 || gid === 0) throw new RunAsError(`SHIFTERFLOW_LOCAL_USER=${override}: containers never run as root (Shifter refuses it)`);
  return describe(uid, gid ?? uid, true, lookup);
}

function describe(uid: number, gid: number, substituted: boolean, lookup: (uid: number) => PasswdEntry | undefined): ContainerUser {
  const p = lookup(uid);
  return { uid, gid, name: p?.name ?? `uid${uid}`, home: p?.home ?? '/', shell: p?.shell ?? '/bin/sh', substituted };
}

/** What the run says when it substitutes a user for root. */
export function substitutionNote(user: ContainerUser): string {
  return `shifterflow runs as root, so containers run as ${user.name} (uid ${user.uid}, gid ${user.gid}), never as root, as under Shifter; set SHIFTERFLOW_LOCAL_USER=UID:GID to choose another user`;
}
