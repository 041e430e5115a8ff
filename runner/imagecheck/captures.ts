// The few file contents the rules need, read as their entries stream past and reduced at once to a
// small value (a version, a set of names, a short text): which paths to read, and the reader for each.
// A capture holds at most a line or a short text, whatever the file's size.

import { LineReader } from './line-reader';
import { baseName, parentOf } from './merged-view';

export type CaptureKind = 'text' | 'glibc-version' | 'dpkg-status' | 'dpkg-list' | 'apk-installed' | 'rpm-db';

export type CapturedValue =
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'glibc-version'; version?: string }
  | { kind: 'dpkg-status'; installed: string[] }
  | { kind: 'dpkg-list'; paths: string[] }
  | { kind: 'apk-installed'; packages: string[]; paths: string[] }
  | { kind: 'rpm-db'; mentionsMpich: boolean };

export interface Capture {
  write(chunk: Buffer): void;
  end(): CapturedValue;
}

const TEXT_FILES = new Set(['/etc/os-release', '/usr/lib/os-release', '/etc/passwd', '/etc/group', '/etc/hosts', '/etc/ld.so.conf']);
const RPM_DBS = new Set(['/var/lib/rpm/Packages', '/var/lib/rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/rpmdb.sqlite', '/usr/lib/sysimage/rpm/Packages']);
const TEXT_CAP = 256 * 1024;

/** Which reader a regular file at `path` needs, if any. */
export function captureKind(path: string): CaptureKind | undefined {
  if (TEXT_FILES.has(path)) return 'text';
  const dir = parentOf(path);
  const base = baseName(path);
  if (dir === '/etc/ld.so.conf.d' && base.endsWith('.conf')) return 'text';
  if (base === 'libc.so.6' && isLibDir(dir)) return 'glibc-version';
  if (path === '/var/lib/dpkg/status') return 'dpkg-status';
  if (dir === '/var/lib/dpkg/info' && base.endsWith('.list')) return 'dpkg-list';
  if (path === '/lib/apk/db/installed') return 'apk-installed';
  if (RPM_DBS.has(path)) return 'rpm-db';
  return undefined;
}

export function isLibDir(dir: string): boolean {
  return /^(\/usr)?\/lib(64|32)?(\/[a-z0-9_]+-linux-gnu[a-z0-9_]*)?$/.test(dir);
}

export function startCapture(kind: CaptureKind): Capture {
  switch (kind) {
    case 'text':
      return textCapture();
    case 'glibc-version':
      return glibcVersionCapture();
    case 'dpkg-status':
      return dpkgStatusCapture();
    case 'dpkg-list':
      return linesCapture((paths) => ({ kind: 'dpkg-list', paths }));
    case 'apk-installed':
      return apkCapture();
    case 'rpm-db':
      return bytesSearch(Buffer.from('mpich'), (found) => ({ kind: 'rpm-db', mentionsMpich: found }));
  }
}

function textCapture(): Capture {
  const parts: Buffer[] = [];
  let length = 0;
  let truncated = false;
  return {
    write(chunk) {
      if (length >= TEXT_CAP) {
        truncated = true;
        return;
      }
      const piece = chunk.subarray(0, TEXT_CAP - length);
      if (piece.length < chunk.length) truncated = true;
      parts.push(piece);
      length += piece.length;
    },
    end: () => ({ kind: 'text', text: Buffer.concat(parts).toString('utf8'), truncated }),
  };
}

/** Newer glibc (2.34+) has no versioned libc-2.NN.so: its libc.so.6 carries `GLIBC_2.NN` symbol versions, the highest being its own. */
function glibcVersionCapture(): Capture {
  let best: [number, number] | undefined;
  let carry = '';
  const pattern = /GLIBC_(\d+)\.(\d+)/g;
  return {
    write(chunk) {
      const text = carry + chunk.toString('latin1');
      for (const m of text.matchAll(pattern)) {
        const v: [number, number] = [Number(m[1]), Number(m[2])];
        if (!best || v[0] > best[0] || (v[0] === best[0] && v[1] > best[1])) best = v;
      }
      carry = text.slice(-16);
    },
    end: () => ({ kind: 'glibc-version', version: best ? `${best[0]}.${best[1]}` : undefined }),
  };
}

/** Installed packages of the dpkg database (stanzas of `Package:` and `Status: install ok installed`). */
function dpkgStatusCapture(): Capture {
  const installed: string[] = [];
  let name = '';
  let isInstalled = false;
  const close = () => {
    if (name && isInstalled) installed.push(name);
    name = '';
    isInstalled = false;
  };
  const lines = new LineReader((line) => {
    if (line === '') close();
    else if (line.startsWith('Package:')) name = line.slice(8).trim();
    else if (line.startsWith('Status:')) isInstalled = /\binstalled\s*$/.test(line) && !/\bnot-installed\b/.test(line);
  });
  return {
    write: (chunk) => lines.write(chunk),
    end() {
      lines.end();
      close();
      return { kind: 'dpkg-status', installed };
    },
  };
}

function linesCapture(make: (lines: string[]) => CapturedValue): Capture {
  const out: string[] = [];
  const lines = new LineReader((line) => {
    if (line.startsWith('/')) out.push(line.length > 1 && line.endsWith('/') ? line.slice(0, -1) : line);
  });
  return {
    write: (chunk) => lines.write(chunk),
    end() {
      lines.end();
      return make(out);
    },
  };
}

/** Alpine's database: `P:name` starts a package, `F:dir` a directory of it, `R:file` a file in that directory. */
function apkCapture(): Capture {
  const packages: string[] = [];
  const paths: string[] = [];
  let dir = '';
  const lines = new LineReader((line) => {
    if (line.startsWith('P:')) packages.push(line.slice(2));
    else if (line.startsWith('F:')) {
      dir = '/' + line.slice(2);
      paths.push(dir);
    } else if (line.startsWith('R:')) paths.push(`${dir === '/' ? '' : dir}/${line.slice(2)}`);
  });
  return {
    write: (chunk) => lines.write(chunk),
    end() {
      lines.end();
      return { kind: 'apk-installed', packages, paths };
    },
  };
}

function bytesSearch(needle: Buffer, make: (found: boolean) => CapturedValue): Capture {
  let found = false;
  let carry = Buffer.alloc(0);
  return {
    write(chunk) {
      if (found) return;
      const hay = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      if (hay.indexOf(needle) !== -1) found = true;
      carry = Buffer.from(hay.subarray(Math.max(0, hay.length - needle.length + 1)));
    },
    end: () => make(found),
  };
}
