// Whiteouts, the layer format's deletions (OCI image spec, "Representing Changes"):
//   DIR/.wh.NAME     NAME, and everything under it, from the layers below is gone;
//   DIR/.wh..wh..opq DIR's contents from the layers below are gone (DIR itself stays).
// They hide only what LOWER layers wrote: an entry of the same layer stays, whatever the order of
// the tar. Pure and shared: unpacking deletes what they hide on disk, the image check keeps a merged
// index of paths (MergedIndex) — both apply the same rule (hiddenBy).

import { posix } from 'node:path';

export type Whiteout = { kind: 'remove'; path: string } | { kind: 'opaque'; dir: string };

const PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';

/** The whiteout an entry's path is (absolute normalized path, `/a/b/.wh.c`), or undefined. */
export function whiteoutOf(path: string): Whiteout | undefined {
  const base = posix.basename(path);
  if (!base.startsWith(PREFIX)) return undefined;
  const dir = posix.dirname(path);
  if (base === OPAQUE) return { kind: 'opaque', dir };
  return { kind: 'remove', path: posix.join(dir, base.slice(PREFIX.length)) };
}

/** Whether `path` (written by a lower layer) is hidden by the whiteout. */
export function hiddenBy(w: Whiteout, path: string): boolean {
  if (w.kind === 'remove') return path === w.path || path.startsWith(w.path === '/' ? '/' : `${w.path}/`);
  return path !== w.dir && path.startsWith(w.dir === '/' ? '/' : `${w.dir}/`);
}

/**
 * The paths of one layer being applied: what it wrote itself, which its own whiteouts must keep.
 * Start one per layer.
 */
export class LayerPaths {
  private readonly written = new Set<string>();

  wrote(path: string): void {
    this.written.add(path);
  }

  /** Whether the whiteout, applied while reading this layer, removes `path`. */
  removes(w: Whiteout, path: string): boolean {
    return hiddenBy(w, path) && !this.written.has(path);
  }
}

/**
 * The image's file system as an index of paths, layer over layer: `add` each entry that is not a
 * whiteout, `whiteout` each one that is, `nextLayer` between layers. An entry of a later layer
 * replaces an earlier one at the same path; a non-directory replaces everything under its path.
 */
export class MergedIndex<T> {
  private readonly paths = new Map<string, T>();
  private readonly dirs = new Set<string>();
  private layer = new LayerPaths();

  nextLayer(): void {
    this.layer = new LayerPaths();
  }

  add(path: string, value: T, isDirectory: boolean): void {
    if (!isDirectory && this.dirs.has(path)) this.removeWhere((p) => p.startsWith(`${path}/`));
    if (isDirectory) this.dirs.add(path);
    else this.dirs.delete(path);
    this.paths.set(path, value);
    this.layer.wrote(path);
  }

  whiteout(w: Whiteout): void {
    this.removeWhere((p) => this.layer.removes(w, p));
  }

  get(path: string): T | undefined {
    return this.paths.get(path);
  }

  has(path: string): boolean {
    return this.paths.has(path);
  }

  get size(): number {
    return this.paths.size;
  }

  entries(): IterableIterator<[string, T]> {
    return this.paths.entries();
  }

  private removeWhere(test: (path: string) => boolean): void {
    // A linear pass: whiteouts are few per layer, and a prefix tree would cost memory on every path.
    for (const p of this.paths.keys()) {
      if (!test(p)) continue;
      this.paths.delete(p);
      this.dirs.delete(p);
    }
  }
}
