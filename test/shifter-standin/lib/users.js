'use strict';
// passwd / group lookups from the files (the cluster's users are local accounts), with getent as a
// fallback for other NSS sources.

const fs = require('fs');
const { spawnSync } = require('child_process');

function readLines(file) {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
  } catch {
    return [];
  }
}

function parsePasswdLine(line) {
  const f = line.split(':');
  if (f.length < 7) return null;
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), gecos: f[4], home: f[5], shell: f[6], line };
}

function parseGroupLine(line) {
  const f = line.split(':');
  if (f.length < 4) return null;
  return { name: f[0], gid: Number(f[2]), members: f[3] ? f[3].split(',').filter(Boolean) : [], line };
}

function getent(db, key) {
  const r = spawnSync('getent', [db, String(key)], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout) return null;
  return r.stdout.split('\n')[0];
}

function getpwuid(uid) {
  for (const l of readLines('/etc/passwd')) {
    const p = parsePasswdLine(l);
    if (p && p.uid === uid) return p;
  }
  const l = getent('passwd', uid);
  return l ? parsePasswdLine(l) : null;
}

function getpwnam(name) {
  for (const l of readLines('/etc/passwd')) {
    const p = parsePasswdLine(l);
    if (p && p.name === name) return p;
  }
  const l = getent('passwd', name);
  return l ? parsePasswdLine(l) : null;
}

function getgrnam(name) {
  for (const l of readLines('/etc/group')) {
    const g = parseGroupLine(l);
    if (g && g.name === name) return g;
  }
  const l = getent('group', name);
  return l ? parseGroupLine(l) : null;
}

function allGroups() {
  return readLines('/etc/group').map(parseGroupLine).filter(Boolean);
}

/** Groups of a user: the primary one plus every group listing the user as a member. */
function groupsOf(pw) {
  return allGroups().filter((g) => g.gid === pw.gid || g.members.includes(pw.name));
}

module.exports = { getpwuid, getpwnam, getgrnam, groupsOf, allGroups, parsePasswdLine };
