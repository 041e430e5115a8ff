// The files Shifter lays over the image's /etc: passwd (the calling user only), group (that user's
// groups), and the host's hosts, resolv.conf and a plain nsswitch.conf (files, then dns: an image
// has none of the host's NSS modules). Written to a private directory the engine binds read-only.

import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerUser } from './run-as';
import { groupLine, groupsOf, passwdLine } from './users';

export const SITE_ETC_FILES = ['passwd', 'group', 'hosts', 'resolv.conf', 'nsswitch.conf'] as const;

export function siteEtcContents(user: ContainerUser, read: (file: string) => string | undefined = readHostFile): Record<string, string> {
  const groups = groupsOf(user.name, user.gid);
  const groupText = groups.length > 0 ? groups.map(groupLine).join('\n') : `${user.name}:x:${user.gid}:`;
  return {
    passwd: passwdLine({ name: user.name, uid: user.uid, gid: user.gid, gecos: user.name, home: user.home, shell: user.shell }) + '\n',
    group: groupText + '\n',
    hosts: read('/etc/hosts') ?? '127.0.0.1 localhost\n::1 localhost\n',
    'resolv.conf': read('/etc/resolv.conf') ?? '',
    'nsswitch.conf': 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n',
  };
}

function readHostFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Writes the files into a fresh directory readable by the container's user; returns name -> path. */
export function writeSiteEtc(contents: Record<string, string>): { dir: string; files: Record<string, string>; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'shifterflow-etc-'));
  // The engine may bind these as the (unprivileged) container user: world-readable, nothing secret.
  chmodSync(dir, 0o755);
  const files: Record<string, string> = {};
  for (const [name, text] of Object.entries(contents)) {
    const path = join(dir, name);
    writeFileSync(path, text, { mode: 0o644 });
    files[name] = path;
  }
  return { dir, files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
