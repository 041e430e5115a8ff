// The image as Shifter would see it once every layer is applied: path -> (type, mode, owner, size,
// link target, layer), built while the layers stream past (one header at a time, nothing unpacked).
// Whiteouts (`.wh.NAME`, and `.wh..wh..opq` for an opaque directory) remove what lower layers put
// there. Memory grows with the number of entries, never with file sizes.

export type EntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface ViewEntry {
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Symlink target as written, or the absolute path a hard link points at. */
  link?: string;
  /** 0-based index of the layer that last wrote this path. */
  layer: number;
  /** Listed by the distribution's package database (set once the scan is done). */
  packaged?: boolean;
}

/** One tar header, as a layer stream gives it. */
export interface LayerHeader {
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname?: string;
}

/** What applying one header did: a whiteout removed paths, anything else set `path`. */
export type Applied = { kind: 'entry'; path: string } | { kind: 'whiteout'; removed: string[] };

/** `./usr/bin/` -> `/usr/bin`; `..` components are dropped at the root as the kernel would. */
export function normalizePath(name: string): string {
  const out: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return '/' + out.join('/');
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export class MergedView {
  readonly entries = new Map<string, ViewEntry>();

  apply(layer: number, header: LayerHeader): Applied {
    const path = normalizePath(header.name);
    const base = baseName(path);
    if (base.startsWith('.wh.')) {
      const dir = parentOf(path);
      if (base === '.wh..wh..opq') return { kind: 'whiteout', removed: this.removeBelow(dir, layer, false) };
      return { kind: 'whiteout', removed: this.removeBelow(dir === '/' ? '/' + base.slice(4) : `${dir}/${base.slice(4)}`, layer, true) };
    }
    const entry: ViewEntry = { type: header.type, mode: header.mode & 0o7777, uid: header.uid, gid: header.gid, size: header.type === 'file' ? header.size : 0, layer };
    if (header.linkname !== undefined && (header.type === 'symlink' || header.type === 'hardlink')) {
      entry.link = header.type === 'hardlink' ? normalizePath(header.linkname) : header.linkname;
    }
    const previous = this.entries.get(path);
    // A non-directory replacing a directory of a lower layer hides what was under it.
    if (previous?.type === 'dir' && entry.type !== 'dir') this.removeBelow(path, layer, false);
    this.entries.set(path, entry);
    return { kind: 'entry', path };
  }

  get(path: string): ViewEntry | undefined {
    return this.entries.get(path);
  }

  /** Removes what layers below `layer` have at `path` (itself when `self`) and under it. */
  private removeBelow(path: string, layer: number, self: boolean): string[] {
    const removed: string[] = [];
    const prefix = path === '/' ? '/' : path + '/';
    if (self) {
      const e = this.entries.get(path);
      if (e && e.layer < layer) {
        this.entries.delete(path);
        removed.push(path);
      }
      // A whited-out file has nothing under it: no walk over every entry (layers that delete
      // thousands of files would be quadratic).
      if (e && e.type !== 'dir') return removed;
    }
    for (const [p, e] of this.entries) {
      if (p.startsWith(prefix) && e.layer < layer) {
        this.entries.delete(p);
        removed.push(p);
      }
    }
    return removed;
  }
}
