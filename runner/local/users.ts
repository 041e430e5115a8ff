// passwd and group entries of the host (files first, then getent for LDAP/sssd users), for the
// /etc/passwd and /etc/group that a container gets and for the user it runs as.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  gecos: string;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function lines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  } catch {
    return [];
  }
}

function getent(db: string, key: string): string | undefined {
  const r = spawnSync('getent', [db, key], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0 && r.stdout ? r.stdout.split('\n')[0] : undefined;
}

function parsePasswd(line: string): PasswdEntry | undefined {
  const f = line.split(':');
  if (f.length < 7 || !/^\d+$/.test(f[2]) || !/^\d+$/.test(f[3])) return undefined;
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), gecos: f[4], home: f[5], shell: f[6] };
}

function parseGroup(line: string): GroupEntry | undefined {
  const f = line.split(':');
  if (f.length < 4 || !/^\d+$/.test(f[2])) return undefined;
  return { name: f[0], gid: Number(f[2]), members: f[3] ? f[3].split(',').filter(Boolean) : [] };
}

export function passwdByUid(uid: number): PasswdEntry | undefined {
  for (const l of lines('/etc/passwd')) {
    const p = parsePasswd(l);
    if (p && p.uid === uid) return p;
  }
  const l = getent('passwd', String(uid));
  return l ? parsePasswd(l) : undefined;
}

export function passwdByName(name: string): PasswdEntry | undefined {
  for (const l of lines('/etc/passwd')) {
    const p = parsePasswd(l);
    if (p && p.name === name) return p;
  }
  const l = getent('passwd', name);
  return l ? parsePasswd(l) : undefined;
}

export function groupByGid(gid: number): GroupEntry | undefined {
  for (const l of lines('/etc/group')) {
    const g = parseGroup(l);
    if (g && g.gid === gid) return g;
  }
  const l = getent('group', String(gid));
  return l ? parseGroup(l) : undefined;
}

/** The primary group and every group that lists the user as a member (files only). */
export function groupsOf(name: string, gid: number): GroupEntry[] {
  const out: GroupEntry[] = [];
  const primary = groupByGid(gid);
  if (primary) out.push(primary);
  for (const l of lines('/etc/group')) {
    const g = parseGroup(l);
    if (g && g.gid !== gid && g.members.includes(name)) out.push(g);
  }
  return out;
}

export function passwdLine(p: PasswdEntry): string {
  return `${p.name}:x:${p.uid}:${p.gid}:${p.gecos}:${p.home}:${p.shell}`;
}

export function groupLine(g: GroupEntry): string {
  return `${g.name}:x:${g.gid}:${g.members.join(',')}`;
}
