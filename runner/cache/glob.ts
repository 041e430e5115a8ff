// The files an input glob names, read at decision time (inputs may be patterns only for files there
// before the run): `*` and `?` within one path segment, `[...]` classes; a leading dot is matched
// only by a pattern segment that starts with one (as the shell does). Sorted, so the same files are
// always the same list in the key. The one glob walker: the run's expansion of input patterns
// (run/glob-paths.ts) and SF056 (run/missing-inputs.ts) use it too.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isGlobPattern as isGlob } from '../plan/files';

function segmentRegex(segment: string): RegExp {
  let re = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = segment.slice(i + 1, end);
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Absolute paths matching an absolute pattern, sorted; the path itself when it is no pattern. */
export function expandGlob(pattern: string): string[] {
  if (!isGlob(pattern)) return [pattern];
  const segments = pattern.split('/').filter((s, i) => i === 0 || s !== '');
  let bases = [segments[0] === '' ? '/' : segments[0]];
  for (const segment of segments.slice(1)) {
    const next: string[] = [];
    for (const base of bases) {
      if (!isGlob(segment)) {
        next.push(join(base, segment));
        continue;
      }
      let names: string[];
      try {
        if (!statSync(base).isDirectory()) continue;
        names = readdirSync(base);
      } catch {
        continue;
      }
      const re = segmentRegex(segment);
      for (const n of names) if (re.test(n) && (!n.startsWith('.') || segment.startsWith('.'))) next.push(join(base, n));
    }
    bases = next;
  }
  return bases.filter((p) => {
    try {
      statSync(p);
      return true;
    } catch {
      return false;
    }
  }).sort();
}
