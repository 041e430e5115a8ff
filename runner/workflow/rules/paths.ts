// Path arithmetic for volume sources, targets and working directories, done on text: the validator
// never looks at the machine it runs on.

/** The path without trailing slashes ("/" stays "/"). */
export function trimSlashes(p: string): string {
  if (p.charCodeAt(p.length - 1) !== 47) return p; // no trailing slash (the common case: no RegExp)
  const t = p.replace(/\/+$/, '');
  return t === '' && p.startsWith('/') ? '/' : t;
}

export function components(p: string): string[] {
  return p.split('/').filter((c) => c !== '');
}

/** True when `p` is `root` or below it, on a component boundary (`/global2` is not under `/global`). */
export function isUnder(p: string, root: string): boolean {
  const r = trimSlashes(root);
  const q = trimSlashes(p);
  if (r === '/') return q.startsWith('/');
  return q === r || q.startsWith(r + '/');
}

/** `..` and `.` resolved by text, as a person reading the path would; only for absolute paths. */
export function normalize(p: string): string {
  const out: string[] = [];
  for (const c of components(p)) {
    if (c === '.') continue;
    if (c === '..') out.pop();
    else out.push(c);
  }
  return '/' + out.join('/');
}

/** Shell variables and `~` survive as text into an #SBATCH line or a quoted argument. */
export function variableIn(p: string): string | undefined {
  const m = /\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$/.exec(p);
  if (m) return m[0];
  return p.startsWith('~') ? '~' : undefined;
}
