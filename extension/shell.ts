// "Open Shell in Image": a terminal running `salloc -N 1 ... --image=REF srun --pty shifter /bin/bash`
// (the core's renderInteractive), through node-pty in a Pseudoterminal so that the extension sees
// salloc's "Granted job allocation N" (shown in the terminal's name) and can release the allocation
// with `scancel N` when the terminal is closed.

import * as vscode from 'vscode';
import { settings } from './config';
import { core } from './core';
import { reportError, spawnProcess, spawnPty, type Pty } from './process';

export interface ShellSession {
  ref: string;
  argv: string[];
  jobId?: string;
  transcript: string;
  exited?: number;
  released?: boolean;
  terminal: vscode.Terminal;
}

/** Open sessions, newest last (read by tests through `shifterflow._stats`). */
export const shellSessions: ShellSession[] = [];

export async function openShell(arg?: string | { ref?: string }, askRef?: () => Promise<string | undefined>): Promise<ShellSession | undefined> {
  let ref = typeof arg === 'string' ? arg : arg?.ref;
  ref ??= await askRef?.();
  if (!ref) return undefined;
  let argv: string[];
  try {
    const cmd = core.render().renderInteractive(ref, { time: settings.shellTime(), qos: settings.shellQos(), account: settings.shellAccount() });
    argv = [...cmd.salloc, ...cmd.inside];
  } catch (err) {
    reportError(err);
    return undefined;
  }
  const write = new vscode.EventEmitter<string>();
  const close = new vscode.EventEmitter<number | void>();
  const name = new vscode.EventEmitter<string>();
  let pty: Pty | undefined;
  const session = { ref, argv, transcript: '' } as ShellSession;
  const show = (text: string) => {
    session.transcript += text;
    write.fire(text);
  };
  const release = () => {
    if (!session.jobId || session.released) return;
    session.released = true;
    try {
      spawnProcess('Releasing an allocation', ['scancel', session.jobId], { stdio: 'ignore', detached: false }).on('error', () => undefined);
    } catch {
      /* untrusted: nothing was allocated either */
    }
  };
  const terminalPty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    onDidClose: close.event,
    onDidChangeName: name.event,
    open: (dims) => {
      show(`\x1b[2m$ ${argv.join(' ')}\x1b[0m\r\n`);
      try {
        pty = spawnPty('Opening a shell', argv, { cols: dims?.columns ?? 120, rows: dims?.rows ?? 30, cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, env: process.env });
      } catch (err) {
        show(`\r\n${(err as Error).message}\r\n`);
        reportError(err);
        close.fire(1);
        return;
      }
      pty.onData((data) => {
        show(data);
        const granted = /Granted job allocation (\d+)/.exec(session.transcript);
        if (granted && !session.jobId) {
          session.jobId = granted[1];
          name.fire(`Shifter ${ref} (job ${session.jobId})`);
          void vscode.window.setStatusBarMessage(`Shifter: allocation ${session.jobId} granted for ${ref}`, 5000);
        }
      });
      pty.onExit(({ exitCode }) => {
        session.exited = exitCode;
        release();
        close.fire(exitCode);
      });
    },
    handleInput: (data) => pty?.write(data),
    setDimensions: (d) => pty?.resize(Math.max(1, d.columns), Math.max(1, d.rows)),
    close: () => {
      // The terminal was closed: end salloc (SIGHUP, as a closed terminal does) and release the job.
      try {
        pty?.kill('SIGHUP');
      } catch {
        /* already gone */
      }
      release();
    },
  };
  session.terminal = vscode.window.createTerminal({ name: `Shifter ${ref}`, pty: terminalPty, iconPath: new vscode.ThemeIcon('terminal') });
  shellSessions.push(session);
  if (shellSessions.length > 20) shellSessions.shift();
  session.terminal.show();
  return session;
}
