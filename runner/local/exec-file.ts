// Runs a program with an argv array (never a shell string) and collects what it printed. Every
// engine probe, pull and inspect goes through here, so a missing binary or a hung registry ends as
// a result with a reason instead of an exception or a run that never starts.

import { spawn } from 'node:child_process';

export interface ExecResult {
  /** Exit status; null when the program could not start, was killed or timed out. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run to an exit status (ENOENT, timeout...). */
  error?: string;
}

export interface ExecOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  uid?: number;
  gid?: number;
  cwd?: string;
}

export function execFile(file: string, args: readonly string[], o: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let error: string | undefined;
    let child;
    try {
      child = spawn(file, args, { env: o.env ?? process.env, cwd: o.cwd, uid: o.uid, gid: o.gid, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      resolve({ code: null, stdout, stderr, error: (e as Error).message });
      return;
    }
    const timer = o.timeoutMs ? setTimeout(() => {
      error = `timed out after ${Math.round(o.timeoutMs! / 1000)} s`;
      child.kill('SIGKILL');
    }, o.timeoutMs) : undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => {
      error ??= e.code === 'ENOENT' ? `${file} not found` : e.message;
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: error ? null : code, stdout, stderr, error });
    });
  });
}

/** The last meaningful line a failed command printed, for one-line error messages. */
export function failureText(r: ExecResult): string {
  if (r.error) return r.error;
  const lines = r.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines.at(-1);
  if (last === undefined) return `exit status ${r.code}`;
  // skopeo and podman log as `time=... level=fatal msg="..."`: the message is the part to show.
  const logged = /level=(?:fatal|error) msg="((?:[^"\\]|\\.)*)"/.exec(last);
  const text = logged ? logged[1].replace(/\\(.)/g, '$1') : last;
  return text.replace(/^Error: /, '');
}
