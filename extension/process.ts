// The one place where the extension starts processes. Workspace Trust: in Restricted Mode nothing is
// ever executed (no shifterimg, no CLI run, no salloc): every spawn goes through assertTrusted(), and
// diagnostics, completion, hover and the sbatch preview (all in-process, no process) keep working.

import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { CommandResult, CommandRunner, RunOptions } from '../runner/slurm/command-runner';
import { core } from './core';

export class RestrictedModeError extends Error {
  constructor(what: string) {
    super(`${what} is disabled in Restricted Mode: shifterflow runs no program in an untrusted workspace. Trust the workspace to ${what.toLowerCase()}.`);
    this.name = 'RestrictedModeError';
  }
}

/** Counters for tests (`shifterflow._stats`): spawns refused and started. */
export const processStats = { refused: 0, started: 0, argv: [] as string[][] };

export function assertTrusted(what: string): void {
  if (!vscode.workspace.isTrusted) {
    processStats.refused++;
    throw new RestrictedModeError(what);
  }
}

function record(argv: string[]): void {
  processStats.started++;
  processStats.argv.push(argv);
  if (processStats.argv.length > 50) processStats.argv.shift();
}

export function spawnProcess(what: string, argv: string[], options: SpawnOptions = {}): ChildProcess {
  assertTrusted(what);
  record(argv);
  return spawn(argv[0], argv.slice(1), { windowsHide: true, ...options });
}

/** The core's CommandRunner (execFile, no shell) behind the trust check. */
export function trustedRunner(what: string): CommandRunner {
  return {
    run(argv: string[], opts?: RunOptions): Promise<CommandResult> {
      try {
        assertTrusted(what);
      } catch (err) {
        return Promise.reject(err);
      }
      record(argv);
      return new (core.runner().ExecFileRunner)().run(argv, opts);
    },
  };
}

export interface Pty {
  onData(cb: (data: string) => void): unknown;
  onExit(cb: (e: { exitCode: number; signal?: number }) => void): unknown;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
  readonly pid: number;
}

interface NodePty {
  spawn(file: string, args: string[], options: { name: string; cols: number; rows: number; cwd?: string; env?: Record<string, string | undefined> }): Pty;
}

let nodePty: NodePty | undefined;

/** node-pty: our own if installed, else the one VS Code ships (same Node ABI as the extension host). */
export function loadNodePty(): NodePty {
  if (nodePty) return nodePty;
  const req = createRequire(__filename);
  const candidates = ['node-pty', join(vscode.env.appRoot, 'node_modules', 'node-pty'), join(vscode.env.appRoot, 'node_modules.asar.unpacked', 'node-pty')];
  const errors: string[] = [];
  for (const c of candidates) {
    try {
      nodePty = req(c) as NodePty;
      return nodePty;
    } catch (err) {
      errors.push(`${c}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`node-pty could not be loaded:\n${errors.join('\n')}`);
}

export function spawnPty(what: string, argv: string[], options: { cols: number; rows: number; cwd?: string; env?: Record<string, string | undefined> }): Pty {
  assertTrusted(what);
  const pty = loadNodePty();
  record(argv);
  return pty.spawn(argv[0], argv.slice(1), { name: 'xterm-256color', ...options });
}

/** Shows a refusal (or another error) the way every command does. */
export function reportError(err: unknown): void {
  if (err instanceof RestrictedModeError) void vscode.window.showWarningMessage(err.message);
  else void vscode.window.showErrorMessage(`Shifter: ${err instanceof Error ? err.message : String(err)}`);
}
