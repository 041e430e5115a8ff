// Lookups over ImageFacts for the rules: an entry by path, a path resolved through the image's
// symbolic links (with every directory it traverses), the image's PATH and the dynamic linker's
// standard search path.

import { fromRow, type ImageFacts } from './image-facts';
import { normalizePath, parentOf, type ViewEntry } from './merged-view';

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** Directories glibc's ld.so searches without a cache (Debian's multiarch ones included). */
export const TRUSTED_LIB_DIRS = ['/lib', '/usr/lib', '/lib64', '/usr/lib64', '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu'];

export interface Resolved {
  /** The path after every symbolic link was followed. */
  path: string;
  entry?: ViewEntry;
  /** Each directory traversed on the way, outermost first (root excluded), by its resolved path. */
  traversed: { path: string; entry: ViewEntry }[];
  /** A link went through /etc or /var (or ended there). */
  viaLinks: boolean;
}

export class ImageIndex {
  readonly byPath = new Map<string, ViewEntry>();

  constructor(readonly facts: ImageFacts) {
    for (const row of facts.entries) this.byPath.set(row[0], fromRow(row));
  }

  get(path: string): ViewEntry | undefined {
    return this.byPath.get(path);
  }

  /** Follows symbolic links (at most 40, as the kernel); a missing component ends the walk with no entry. */
  resolve(path: string): Resolved {
    const traversed: Resolved['traversed'] = [];
    let pending = normalizePath(path).split('/').filter(Boolean);
    let current = '/';
    let hops = 0;
    let viaLinks = false;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '..') {
        current = parentOf(current);
        continue;
      }
      const next = current === '/' ? `/${part}` : `${current}/${part}`;
      const entry = this.byPath.get(next);
      if (entry?.type === 'symlink' && entry.link !== undefined) {
        if (++hops > 40) return { path: next, traversed, viaLinks };
        viaLinks = true;
        const target = entry.link;
        pending = [...target.split('/').filter((p) => p !== '' && p !== '.'), ...pending];
        if (target.startsWith('/')) current = '/';
        continue;
      }
      if (pending.length > 0 && entry) {
        if (entry.type !== 'dir') return { path: next + '/' + pending.join('/'), traversed, viaLinks };
        traversed.push({ path: next, entry });
      }
      current = next;
      if (pending.length === 0) return { path: current, entry, traversed, viaLinks };
    }
    return { path: current, entry: this.byPath.get(current), traversed, viaLinks };
  }

  /**
   * Whether `path` (e.g. /bin/sh) is a program the job's user can start: it resolves, through the
   * image's links (after whiteouts, so a link may point at nothing), to a regular file with o+x,
   * every directory on the way with o+x. `why` says what is wrong when it is not.
   */
  runnable(path: string): { ok: true; path: string } | { ok: false; why: string } {
    const wanted = normalizePath(path);
    const r = this.resolve(wanted);
    let e = r.entry;
    // A hard link shares its target's file (and mode); a later layer deleting the target's name
    // leaves the data under this name, so the link's own header then decides.
    if (e?.type === 'hardlink') {
      const target = e.link !== undefined ? this.resolve(e.link).entry : undefined;
      e = target?.type === 'file' ? target : { ...e, type: 'file' };
    }
    if (!e) return { ok: false, why: r.path === wanted ? `the image has no ${path}` : `${path} is a link to nothing: it resolves to ${r.path}, which is not in the image` };
    const shown = r.path === wanted ? path : `${path} (${r.path})`;
    if (e.type !== 'file') return { ok: false, why: `${shown} is a ${e.type === 'dir' ? 'directory' : 'special file'}, not a program` };
    if ((e.mode & 0o001) === 0) return { ok: false, why: `${shown} has mode ${modeText(e.mode)}: not executable by the job's user` };
    const blocked = r.traversed.find((t) => (t.entry.mode & 0o001) === 0);
    if (blocked) return { ok: false, why: `${shown} lies under ${blocked.path} (mode ${modeText(blocked.entry.mode)}), which the job's user cannot traverse` };
    return { ok: true, path: r.path };
  }

  env(name: string): string | undefined {
    const prefix = name + '=';
    const found = this.facts.config.env.find((e) => e.startsWith(prefix));
    return found?.slice(prefix.length);
  }

  pathDirs(): string[] {
    return (this.env('PATH') ?? DEFAULT_PATH).split(':').filter((d) => d.startsWith('/'));
  }

  /** Finds a program as a shell would: a name with `/` as is (relative to WORKDIR), else the first PATH directory having it. */
  findProgram(program: string): Resolved | undefined {
    if (program.includes('/')) {
      const abs = program.startsWith('/') ? program : `${this.facts.config.workdir || '/'}/${program}`;
      const r = this.resolve(abs);
      return r.entry ? r : undefined;
    }
    for (const dir of this.pathDirs()) {
      const r = this.resolve(`${dir}/${program}`);
      if (r.entry && r.entry.type !== 'dir') return r;
    }
    return undefined;
  }

  /** ld.so's search path: the trusted directories and those of /etc/ld.so.conf (and its includes). */
  librarySearchDirs(): string[] {
    const dirs = new Set(TRUSTED_LIB_DIRS);
    for (const dir of this.ldSoConfDirs()) dirs.add(dir);
    return [...dirs];
  }

  ldSoConfDirs(): string[] {
    const dirs: string[] = [];
    for (const [path, value] of Object.entries(this.facts.captured)) {
      if (value.kind !== 'text' || !(path === '/etc/ld.so.conf' || path.startsWith('/etc/ld.so.conf.d/'))) continue;
      for (const raw of value.text.split('\n')) {
        const line = raw.replace(/#.*/, '').trim();
        if (line.startsWith('/')) dirs.push(normalizePath(line));
      }
    }
    return dirs;
  }

  text(path: string): string | undefined {
    const v = this.facts.captured[path];
    return v?.kind === 'text' ? v.text : undefined;
  }
}

const modeText = (m: number) => '0' + (m & 0o7777).toString(8).padStart(3, '0');
