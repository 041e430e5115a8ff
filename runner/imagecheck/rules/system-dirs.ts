// SI004 and SI005: what the system replaces when Shifter mounts the image (the contract: /var is
// built by Shifter, /var/tmp comes from the host; /etc is the image's with the site's passwd, group,
// hosts, resolv.conf and nsswitch.conf laid over it).
//
// Only what a user would miss is reported, not the base distribution's own files. A file under /var
// is the distribution's when its package database lists it (dpkg's /var/lib/dpkg/info/*.list, apk's
// /lib/apk/db/installed: `packaged`), or when it lies where package managers and system tools keep
// their own state (the list below; for rpm images, whose file lists are in a binary database, this
// is the only test). Everything else there (an application's /var/lib/APP, /var/www, ...) is content
// the image added and the job will not see.

import { imageFinding, type ImageFinding } from '../finding';
import { isUnder, type ImageRule } from './rule';

const SYSTEM_VAR = [
  '/var/tmp', '/var/lib/dpkg', '/var/lib/apt', '/var/cache', '/var/log', '/var/lib/rpm', '/var/lib/yum', '/var/lib/dnf',
  '/var/lib/alternatives', '/var/lib/systemd', '/var/lib/pam', '/var/lib/ucf', '/var/lib/misc', '/var/lib/apk', '/var/lib/ldconfig',
  '/var/lib/dbus', '/var/lib/sgml-base', '/var/lib/xml-core', '/var/lib/python', '/var/lib/shells.state', '/var/lib/polkit-1',
  '/var/spool', '/var/mail', '/var/run', '/var/lock', '/var/backups', '/var/empty', '/var/db', '/var/lib/rhsm', '/var/lib/selinux',
];

export const systemDirs: ImageRule = (image) => {
  const findings: ImageFinding[] = [];
  const varContent: string[] = [];
  for (const [p, e] of image.byPath) {
    if (e.type === 'dir' || !p.startsWith('/var/') || e.packaged) continue;
    if (SYSTEM_VAR.some((d) => isUnder(p, d))) continue;
    varContent.push(p);
  }
  if (varContent.length > 0) {
    findings.push(imageFinding('SI004', `${varContent.length} file${varContent.length === 1 ? '' : 's'} the image adds under /var, which Shifter replaces with its own: the job will not see them`, varContent));
  }

  const accounts = (path: string): string[] =>
    (image.text(path) ?? '').split('\n').flatMap((line) => {
      const f = line.split(':');
      const id = Number(f[2]);
      return f.length >= 3 && /^\d+$/.test(f[2]) && id >= 1000 && id !== 65534 ? [f[0]] : [];
    });
  const users = accounts('/etc/passwd');
  const groups = accounts('/etc/group');
  const hosts = (image.text('/etc/hosts') ?? '').split('\n').flatMap((line) => {
    const names = line.replace(/#.*/, '').trim().split(/\s+/).slice(1);
    return names.filter((n) => n !== '' && !/^(localhost|ip6-)/.test(n) && !n.startsWith('localhost.'));
  });
  const replaced: string[] = [];
  const what: string[] = [];
  if (users.length > 0) (replaced.push('/etc/passwd'), what.push(`users ${users.slice(0, 3).join(', ')}`));
  if (groups.length > 0) (replaced.push('/etc/group'), what.push(`groups ${groups.slice(0, 3).join(', ')}`));
  if (hosts.length > 0) (replaced.push('/etc/hosts'), what.push(`hosts ${hosts.slice(0, 3).join(', ')}`));
  if (replaced.length > 0) {
    findings.push(imageFinding('SI005', `the site's /etc files replace the image's: ${what.join('; ')} will not exist at run time`, replaced));
  }
  return findings;
};
