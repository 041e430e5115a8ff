// Running the real CLI on a workflow in a scratch workspace, and reading what the run left behind.
// Workspaces are world-traversable (0755): as root the containers run as nobody, who must reach
// the job's directory and the volumes in it, as a user's own files are reachable at the centre.

import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../../runner/run/events';

export const ROOT = join(__dirname, '..', '..', '..', '..');
export const CLI = join(ROOT, 'bin', 'shifterflow.js');
export const FIXTURES = join(ROOT, 'test', 'local', 'fixtures');

/** The uid and gid the containers run as (nobody when the tests run as root). */
export const CONTAINER_UID = process.getuid?.() === 0 ? 65534 : process.getuid!();
export const CONTAINER_GID = process.getuid?.() === 0 ? 65534 : process.getgid!();

export function makeWorkspace(parent = tmpdir(), prefix = 'sf-local-'): string {
  const dir = mkdtempSync(join(parent, prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** A directory the container's user owns (a user's output directory). */
export function ownedDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o755 });
  if (process.getuid?.() === 0) chownSync(path, CONTAINER_UID, CONTAINER_GID);
  return path;
}

/** A fixture with @WS@ replaced by the workspace path, written into it. */
export function fixture(ws: string, name: string, vars: Record<string, string> = {}): string {
  let text = readFileSync(join(FIXTURES, name), 'utf8').replace(/@WS@/g, ws);
  for (const [k, v] of Object.entries(vars)) text = text.replace(new RegExp(`@${k}@`, 'g'), v);
  const path = join(ws, name);
  writeFileSync(path, text);
  return path;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function cli(cwd: string, args: string[], env: Record<string, string | undefined>): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function runDirs(ws: string): string[] {
  try {
    return readdirSync(join(ws, '.shifterflow', 'runs')).sort().map((id) => join(ws, '.shifterflow', 'runs', id));
  } catch {
    return [];
  }
}

export function lastRun(ws: string): string {
  const dirs = runDirs(ws);
  if (dirs.length === 0) throw new Error(`no run under ${ws}`);
  return dirs[dirs.length - 1];
}

export function journalOf(run: string): RunEvent[] {
  return readFileSync(join(run, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunEvent);
}

export function log(run: string, name: string): string {
  return readFileSync(join(run, 'logs', name), 'utf8');
}

/** Every log of the run, for assertion messages. */
export function allLogs(run: string): string {
  const dir = join(run, 'logs');
  return readdirSync(dir).map((f) => `--- ${f}\n${readFileSync(join(dir, f), 'utf8')}`).join('\n');
}
