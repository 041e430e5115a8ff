import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../runner/run/events';

export const ROOT = join(__dirname, '..', '..', '..');
export const CLI = join(ROOT, 'bin', 'shifterflow.js');

export function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sf-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

export function cli(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function cliAsync(cwd: string, args: string[]) {
  return spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function runIds(cwd: string): string[] {
  return readdirSync(join(cwd, '.shifterflow', 'runs')).sort();
}

export function journal(cwd: string, id: string): RunEvent[] {
  return readFileSync(join(cwd, '.shifterflow', 'runs', id, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunEvent);
}

/** The journal as far as it is written; [] while the run directory exists but the journal does not yet. */
export function journalSoFar(cwd: string, id: string): RunEvent[] {
  return existsSync(join(cwd, '.shifterflow', 'runs', id, 'journal.jsonl')) ? journal(cwd, id) : [];
}

export function submissions(events: RunEvent[], job: string): number {
  return events.filter((e) => e.type === 'job-submitted' && e.job === job).length;
}

/** A local workflow with no isolation, so the tests need nothing but bash. */
export function localWorkflow(name: string, jobs: string): string {
  return `version: 1\nname: ${name}\nprofile: { base: local, engine: none }\nimages:\n  box: docker:busybox:1.36\njobs:\n${jobs}`;
}
