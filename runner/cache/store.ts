// `.shifterflow/cache/` beside `.shifterflow/runs/` (0700): one directory per task,
// `entries/<job>/<task>/`, holding `<key>.json` for each key it completed under and `latest.json`
// (a copy of the last one written, read only to say why a task runs again). Every file is replaced
// atomically (atomic-file.ts). Two runs in one directory each write whole files: the worst they do to
// each other is that `latest.json` names the other's entry, which only changes a reason's wording;
// `<key>.json` files are immutable in meaning (the same key is the same work), so whichever run wrote
// it last, it is right.

import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ensurePrivateDir, isTempName, writeFileAtomic } from './atomic-file';
import { EntryError, parseEntry, serializeEntry, type CacheEntry } from './entry';
import { taskId } from './job-key';

export function cacheRoot(base: string): string {
  return resolve(base, '.shifterflow', 'cache');
}

const LATEST = 'latest.json';

export interface StoredEntry {
  file: string;
  entry: CacheEntry;
  bytes: number;
}

export class CacheStore {
  readonly root: string;
  readonly digestsFile: string;
  /** Every entry file this store opened or looked for (decision-snapshot.ts stamps them). */
  readonly looked = new Set<string>();

  constructor(
    base: string,
    private readonly warn: (text: string) => void = () => undefined,
  ) {
    this.root = cacheRoot(base);
    this.digestsFile = join(this.root, 'digests.json');
  }

  private taskDir(job: string, matrix: CacheEntry['matrix']): string {
    return join(this.root, 'entries', job, taskId(matrix));
  }

  /** The entry a task completed under with this key, if one is there and sound. */
  find(job: string, matrix: CacheEntry['matrix'], key: string): CacheEntry | undefined {
    return this.read(join(this.taskDir(job, matrix), `${key}.json`), key);
  }

  /** The task's last entry, whatever its key. */
  latest(job: string, matrix: CacheEntry['matrix']): CacheEntry | undefined {
    return this.read(join(this.taskDir(job, matrix), LATEST));
  }

  private read(file: string, key?: string): CacheEntry | undefined {
    this.looked.add(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') this.warn(`cache: ignoring ${file}: ${(e as Error).message}`);
      return undefined;
    }
    try {
      return parseEntry(text, key);
    } catch (e) {
      if (!(e instanceof EntryError)) throw e;
      this.warn(`cache: ignoring ${file}: ${e.message}`);
      return undefined;
    }
  }

  /** Writes the entry (after the task completed and its outputs were digested), then points latest at it. */
  write(entry: CacheEntry, beforeRename?: () => void): void {
    const dir = this.taskDir(entry.job, entry.matrix);
    ensurePrivateDir(this.root);
    ensurePrivateDir(join(this.root, 'entries'));
    ensurePrivateDir(join(this.root, 'entries', entry.job));
    ensurePrivateDir(dir);
    const text = serializeEntry(entry);
    writeFileAtomic(join(dir, `${entry.key}.json`), text, beforeRename);
    writeFileAtomic(join(dir, LATEST), text);
  }

  /** Every sound entry (not the latest copies); damaged ones are warned about and left out. */
  list(): StoredEntry[] {
    const out: StoredEntry[] = [];
    for (const file of this.files()) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      if (name === LATEST || isTempName(name)) continue;
      const entry = this.read(file);
      if (entry) out.push({ file, entry, bytes: statSync(file).size });
    }
    return out.sort((a, b) => a.entry.recordedAt.localeCompare(b.entry.recordedAt) || a.file.localeCompare(b.file));
  }

  /**
   * Removes entries recorded before `cutoff` (and damaged ones and stray temporaries older than it);
   * a latest.json whose entry is removed goes too. Returns the files removed.
   */
  clean(cutoff: Date): string[] {
    const removed: string[] = [];
    const dirs = new Set<string>();
    for (const file of this.files()) {
      const name = file.slice(file.lastIndexOf('/') + 1);
      if (name === LATEST) continue;
      let old: boolean;
      if (isTempName(name)) old = statSync(file).mtimeMs < cutoff.getTime();
      else {
        const e = this.read(file);
        old = e === undefined ? statSync(file).mtimeMs < cutoff.getTime() : Date.parse(e.recordedAt) < cutoff.getTime();
      }
      if (!old) continue;
      rmSync(file, { force: true });
      removed.push(file);
      dirs.add(file.slice(0, file.lastIndexOf('/')));
    }
    for (const dir of dirs) {
      const latest = join(dir, LATEST);
      const e = this.read(latest);
      let keep = false;
      try {
        keep = e !== undefined && readdirSync(dir).includes(`${e.key}.json`);
      } catch {
        keep = false;
      }
      if (!keep) {
        rmSync(latest, { force: true });
        removed.push(latest);
      }
    }
    return removed;
  }

  private files(): string[] {
    const out: string[] = [];
    const walk = (dir: string, depth: number) => {
      let names: string[];
      try {
        names = readdirSync(dir);
      } catch {
        return;
      }
      for (const n of names.sort()) {
        const p = join(dir, n);
        if (depth < 2) walk(p, depth + 1);
        else out.push(p);
      }
    };
    walk(join(this.root, 'entries'), 0);
    return out;
  }
}
