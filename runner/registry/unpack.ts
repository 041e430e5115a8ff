// An image's layers unpacked into a rootfs directory, straight from the registry (layer-walk.ts), as
// `umoci unpack --rootless` does: the unpacking user owns everything (ownership in the tar is not
// applied), device nodes are skipped (a user cannot make them), modes are kept, and directory modes
// are applied last so a read-only directory can still be filled by later entries and layers.
// Whiteouts (whiteouts.ts) delete what lower layers wrote.
//
// Nothing is ever written outside the rootfs: every entry's parent is resolved inside it, following
// only relative symlinks that stay inside; a symlink that is absolute or climbs above the root is
// written as a link but never followed here, and an entry under one is refused (a hostile layer).
// The caller unpacks into a fresh directory and renames it into place (image-cache.ts).

import { constants as fsc } from 'node:fs';
import { chmod, link, lstat, mkdir, open, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { RegistryError } from './errors';
import type { RemoteImage } from './image';
import type { EntryContent, LayerEntry } from './layer-walk';
import { hiddenBy, type Whiteout } from './whiteouts';

const MAX_LINKS = 40;

export interface UnpackStats {
  layers: number;
  entries: number;
  /** Device nodes, fifos and unknown types: not made, as rootless umoci does not. */
  skipped: number;
}

/** Unpacks every layer of `image`, base first, into `rootfs` (created, should not exist yet). */
export async function unpackImage(image: Pick<RemoteImage, 'walkLayers'>, rootfs: string, onLayer?: (layer: number, count: number) => void): Promise<UnpackStats> {
  const unpacker = new Unpacker(rootfs);
  await mkdir(rootfs, { recursive: true, mode: 0o700 });
  let layers = 0;
  await image.walkLayers(
    (entry, content) => unpacker.apply(entry, content),
    (i) => {
      layers++;
      unpacker.nextLayer();
      onLayer?.(i, layers);
    },
  );
  await unpacker.finish();
  return { layers, entries: unpacker.entries, skipped: unpacker.skipped };
}

class Unpacker {
  entries = 0;
  skipped = 0;
  /** Host path -> the mode its directory gets at the end. */
  private readonly dirModes = new Map<string, number>();
  /** Image paths this layer wrote, and every ancestor of them: its own whiteouts keep those. */
  private written = new Set<string>();
  private writtenAncestors = new Set<string>();

  constructor(private readonly root: string) {}

  nextLayer(): void {
    this.written = new Set();
    this.writtenAncestors = new Set();
  }

  async apply(entry: LayerEntry, content: EntryContent): Promise<void> {
    this.entries++;
    if (entry.whiteout) return this.whiteout(entry.whiteout);
    if (entry.path === '/') {
      if (entry.type === 'directory') this.dirModes.set(this.root, entry.mode);
      return;
    }
    const parent = await this.resolveDir(posix.dirname(entry.path), entry.path);
    const target = join(parent, posix.basename(entry.path));
    const existing = await lstat(target).catch(() => undefined);
    this.wrote(entry.path);
    if (entry.type === 'directory') {
      if (existing?.isDirectory()) {
        this.dirModes.set(target, entry.mode);
        return;
      }
      if (existing) await rm(target, { force: true });
      await mkdir(target, { mode: 0o700 });
      this.dirModes.set(target, entry.mode);
      return;
    }
    if (!['file', 'symlink', 'hardlink'].includes(entry.type)) {
      this.skipped++;
      return;
    }
    // Replace, never write through: whatever was there (a symlink, a directory) goes first.
    if (existing) {
      await rm(target, { recursive: true, force: true });
      this.forget(target);
    }
    if (entry.type === 'symlink') return symlink(entry.linkTarget ?? '', target);
    if (entry.type === 'hardlink') {
      const from = join(await this.resolveDir(posix.dirname(entry.linkTarget!), entry.path), posix.basename(entry.linkTarget!));
      const st = await lstat(from).catch(() => undefined);
      if (!st || st.isDirectory()) throw this.hostile(entry.path, `its hard link target ${entry.linkTarget} is ${st ? 'a directory' : 'not in the image'}`);
      return link(from, target);
    }
    const file = await open(target, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW, 0o600);
    try {
      for await (const chunk of content.chunks()) await file.write(chunk);
    } finally {
      await file.close();
    }
    await chmod(target, entry.mode);
  }

  /** Directory modes, deepest first: a read-only parent is closed only after its children. */
  async finish(): Promise<void> {
    const dirs = [...this.dirModes].sort((a, b) => b[0].length - a[0].length);
    for (const [dir, mode] of dirs) await chmod(dir, mode);
  }

  private wrote(path: string): void {
    this.written.add(path);
    for (let p = posix.dirname(path); p !== '/'; p = posix.dirname(p)) this.writtenAncestors.add(p);
  }

  private async whiteout(w: Whiteout): Promise<void> {
    const dir = w.kind === 'remove' ? posix.dirname(w.path) : w.dir;
    const hostDir = await this.resolveDir(dir, w.kind === 'remove' ? w.path : dir);
    if (w.kind === 'remove') return this.removeHidden(join(hostDir, posix.basename(w.path)), w.path, w);
    for (const name of await readdir(hostDir).catch(() => [] as string[])) await this.removeHidden(join(hostDir, name), posix.join(dir, name), w);
  }

  /** Removes what lower layers wrote at `path`, keeping what this layer wrote under it. */
  private async removeHidden(host: string, path: string, w: Whiteout): Promise<void> {
    if (!hiddenBy(w, path) || this.written.has(path)) return;
    const st = await lstat(host).catch(() => undefined);
    if (!st) return;
    if (st.isDirectory() && this.writtenAncestors.has(path)) {
      for (const name of await readdir(host)) await this.removeHidden(join(host, name), posix.join(path, name), w);
      return;
    }
    await rm(host, { recursive: true, force: true });
    this.forget(host);
  }

  /** A removed tree's directories get no mode at the end. */
  private forget(host: string): void {
    for (const d of this.dirModes.keys()) if (d === host || d.startsWith(`${host}/`)) this.dirModes.delete(d);
  }

  /**
   * The host directory that image directory `dir` is, following relative symlinks that stay inside
   * the image; missing directories are made (tars may omit parents). `forEntry` names the entry in errors.
   */
  private async resolveDir(dir: string, forEntry: string): Promise<string> {
    const pending = dir.split('/').filter((p) => p !== '');
    const done: string[] = [];
    let links = 0;
    while (pending.length > 0) {
      const name = pending.shift()!;
      if (name === '.') continue;
      if (name === '..') {
        if (done.length === 0) throw this.hostile(forEntry, `its directory ${dir} climbs above the image root`);
        done.pop();
        continue;
      }
      const host = join(this.root, ...done, name);
      const st = await lstat(host).catch(() => undefined);
      if (!st) {
        await mkdir(host, { mode: 0o700 });
        this.dirModes.set(host, 0o755);
        done.push(name);
        continue;
      }
      if (st.isSymbolicLink()) {
        if (++links > MAX_LINKS) throw this.hostile(forEntry, `too many symbolic links under ${dir}`);
        const to = await readlink(host);
        if (posix.isAbsolute(to)) throw this.hostile(forEntry, `its directory ${posix.join('/', ...done, name)} is a symbolic link to ${to}, an absolute path, which unpacking never follows (it would write outside the image)`);
        // Resolved from the link's own directory; a `..` above the root is refused above.
        pending.unshift(...to.split('/'));
        continue;
      }
      if (!st.isDirectory()) throw this.hostile(forEntry, `${posix.join('/', ...done, name)} is not a directory`);
      done.push(name);
    }
    return join(this.root, ...done);
  }

  private hostile(path: string, why: string): RegistryError {
    return new RegistryError(`the image is broken or hostile: the entry ${path} cannot be unpacked inside the image root: ${why}`, 'broken-layer');
  }
}
