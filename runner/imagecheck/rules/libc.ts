// SI007 and SI008: the C library decides whether Shifter can swap the site's MPI in (glibc >= 2.17).
// The version comes from the library itself: the name of the versioned file (libc-2.31.so, the
// target of libc.so.6 up to glibc 2.33), else the highest GLIBC_2.NN symbol version inside
// libc.so.6 (2.34 and newer have no versioned name). musl shows as its loader, ld-musl-*.so.1.

import type { CheckContext } from '../check-context';
import { isLibDir } from '../captures';
import { imageFinding } from '../finding';
import type { ImageIndex } from '../image-index';
import { baseName, parentOf } from '../merged-view';
import type { Severity } from '../../workflow/diagnostic';
import type { ImageRule } from './rule';

export interface LibcInfo {
  kind: 'glibc' | 'musl' | 'none';
  version?: string;
  paths: string[];
}

export function detectLibc(image: ImageIndex): LibcInfo {
  let best: [number, number] | undefined;
  const glibc: string[] = [];
  const musl: string[] = [];
  const consider = (version: string | undefined) => {
    const m = version && /^(\d+)\.(\d+)$/.exec(version);
    if (!m) return;
    const v: [number, number] = [Number(m[1]), Number(m[2])];
    if (!best || v[0] > best[0] || (v[0] === best[0] && v[1] > best[1])) best = v;
  };
  for (const [p, e] of image.byPath) {
    const base = baseName(p);
    if (/^ld-musl-.*\.so\.1$/.test(base)) musl.push(p);
    if (!isLibDir(parentOf(p))) continue;
    const named = /^libc-(\d+\.\d+)\.so$/.exec(base);
    if (named) (glibc.push(p), consider(named[1]));
    if (base === 'libc.so.6') {
      glibc.push(p);
      const target = e.type === 'symlink' ? /libc-(\d+\.\d+)\.so$/.exec(e.link ?? '') : null;
      if (target) consider(target[1]);
      const captured = image.facts.captured[p];
      if (captured?.kind === 'glibc-version') consider(captured.version);
    }
  }
  if (glibc.length > 0) return { kind: 'glibc', version: best ? `${best[0]}.${best[1]}` : undefined, paths: glibc };
  return { kind: musl.length > 0 ? 'musl' : 'none', paths: musl };
}

export function mpiMatters(context: CheckContext): boolean {
  return context.mpi === true || (context.uses ?? []).some((u) => u.mpi);
}

/** Errors for MPI use; warnings for a bare check; notes for a workflow that runs no MPI in the image. */
function severity(context: CheckContext): Severity {
  if (mpiMatters(context)) return 'error';
  return context.uses ? 'info' : 'warning';
}

export const libc: ImageRule = (image, context) => {
  const found = detectLibc(image);
  if (found.kind === 'glibc') {
    const m = found.version ? /^(\d+)\.(\d+)$/.exec(found.version) : null;
    if (m && (Number(m[1]) < 2 || (Number(m[1]) === 2 && Number(m[2]) < 17))) {
      return [imageFinding('SI007', `glibc ${found.version} is older than 2.17: MPI jobs cannot get the system MPI`, found.paths, { severity: severity(context) })];
    }
    return [];
  }
  const what = found.kind === 'musl' ? 'musl libc, no glibc' : 'no C library found (a static image?)';
  return [imageFinding('SI008', `${what}: MPI jobs will not get the system MPI`, found.paths, { severity: severity(context) })];
};
