// `.shifterflow/runs/<run-id>/`: scripts, journal, logs, trace and report of one run. Private to the
// user who started it (0700): a shared cluster file system must not let others read or touch it.

import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface RunDir {
  id: string;
  root: string;
  journal: string;
  scripts: string;
  logs: string;
  trace: string;
  report: string;
}

export function runsRoot(base: string): string {
  return resolve(base, '.shifterflow', 'runs');
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function runDirOf(base: string, id: string): RunDir {
  const root = join(runsRoot(base), id);
  return { id, root, journal: join(root, 'journal.jsonl'), scripts: join(root, 'scripts'), logs: join(root, 'logs'), trace: join(root, 'trace.tsv'), report: join(root, 'report.html') };
}

export function createRunDir(base: string, id = newRunId()): RunDir {
  const dir = runDirOf(base, id);
  mkdirSync(runsRoot(base), { recursive: true, mode: 0o700 });
  for (const d of [dir.root, dir.scripts, dir.logs]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    chmodSync(d, 0o700); // mkdir's mode is filtered by the umask
  }
  return dir;
}

/** Run ids, oldest first. */
export function listRuns(base: string): string[] {
  const root = runsRoot(base);
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((d) => existsSync(join(root, d, 'journal.jsonl'))).sort((a, b) => statSync(join(root, a)).mtimeMs - statSync(join(root, b)).mtimeMs || a.localeCompare(b));
}
