// SI002: files without o+r and directories without o+x outside the system's private places (the job
// runs as the user, never as their owner); only the topmost of a closed tree is listed. SI003:
// software under /root (what is there beyond a shell's dotfiles and caches).

import { imageFinding, type ImageFinding } from '../finding';
import { isUnder, otherCanExec, otherCanRead, type ImageRule } from './rule';

// /etc and /var hold deliberately private files (shadow, sudoers, keys, spools); /root is SI003's.
const PRIVATE = ['/etc', '/var', '/root', '/proc', '/sys', '/dev', '/run', '/tmp'];
const ROOT_NOISE = /^\/root\/(\.[^/]+|\.cache\/.*|\.npm\/.*|\.gnupg\/.*|\.ssh\/.*|\.config\/.*|\.conda\/pkgs\/.*)$/;

export const readable: ImageRule = (image) => {
  const closed: string[] = [];
  const closedDirs: string[] = [];
  for (const [p, e] of image.byPath) {
    if (PRIVATE.some((d) => isUnder(p, d))) continue;
    const bad = e.type === 'dir' ? !otherCanExec(e) : (e.type === 'file' || e.type === 'hardlink') && !otherCanRead(e);
    if (!bad) continue;
    closed.push(p);
    if (e.type === 'dir') closedDirs.push(p);
  }
  const topmost = closed.filter((p) => !closedDirs.some((d) => d !== p && isUnder(p, d)));
  const findings: ImageFinding[] = [];
  if (topmost.length > 0) findings.push(imageFinding('SI002', `${topmost.length} path${topmost.length === 1 ? '' : 's'} the job's user cannot read (no o+r) or enter (no o+x)`, topmost));

  const underRoot: string[] = [];
  for (const [p, e] of image.byPath) {
    if (e.type !== 'dir' && p.startsWith('/root/') && !ROOT_NOISE.test(p)) underRoot.push(p);
  }
  const root = image.get('/root');
  if (underRoot.length > 0) {
    const closedNote = root && !otherCanExec(root) ? ' (and /root itself has no o+x)' : '';
    findings.push(imageFinding('SI003', `${underRoot.length} file${underRoot.length === 1 ? '' : 's'} installed under /root${closedNote}: the job runs as the user, not root`, underRoot));
  }
  return findings;
};
