// The process seam: every Slurm and Shifter program shifterflow drives is started through a
// CommandRunner. The real one uses node:child_process execFile with an argv array (never a shell, so
// nothing a user wrote is ever interpreted by one); unit tests give a scripted one with recorded output.

import { execFile } from 'node:child_process';

export interface RunOptions {
  /** The child's whole environment (not merged here: callers merge with process.env themselves). */
  env?: Record<string, string | undefined>;
  /** Written to the child's stdin, which is then closed. */
  input?: string;
  /** Killed (SIGTERM) after this long; the result then has `timedOut: true` and `code: null`. */
  timeoutMs?: number;
  /** Aborting kills the child; the result then has `aborted: true`. */
  signal?: AbortSignal;
  /** Called with each piece of stdout as it arrives (for live progress); the result still holds all of it. */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
}

export interface CommandResult {
  /** Exit status; null when the program was killed by a signal or could not be started. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Signal that ended the program, if any. */
  signal?: string;
  timedOut?: boolean;
  aborted?: boolean;
  /** Set when the program could not be started at all (`ENOENT`, `EACCES`). */
  spawnError?: string;
}

export interface CommandRunner {
  run(argv: string[], opts?: RunOptions): Promise<CommandResult>;
}

/** Output bigger than this kills the child (sacct of a huge array stays far below it). */
const MAX_BUFFER = 256 * 1024 * 1024;

/** The real runner: `execFile(argv[0], argv.slice(1))`, no shell. */
export class ExecFileRunner implements CommandRunner {
  run(argv: string[], opts: RunOptions = {}): Promise<CommandResult> {
    if (argv.length === 0 || !argv[0]) return Promise.reject(new TypeError('CommandRunner.run: empty argv'));
    return new Promise((resolve) => {
      let stdout = '';
      let stderr = '';
      const child = execFile(
        argv[0],
        argv.slice(1),
        {
          env: opts.env as NodeJS.ProcessEnv | undefined,
          timeout: opts.timeoutMs ?? 0,
          killSignal: 'SIGTERM',
          maxBuffer: MAX_BUFFER,
          encoding: 'utf8',
          windowsHide: true,
          signal: opts.signal,
        },
        (error, out, err) => {
          // Prefer what the streams delivered (identical unless a listener consumed them differently).
          const result: CommandResult = { code: 0, stdout: stdout || out, stderr: stderr || err };
          if (error) {
            const e = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean; signal?: NodeJS.Signals | null };
            if (typeof e.code === 'number') result.code = e.code;
            else if (e.code === 'ABORT_ERR' || e.name === 'AbortError') {
              result.code = null;
              result.aborted = true;
            } else if (typeof e.code === 'string' && e.code !== 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
              result.code = null;
              result.spawnError = e.code;
              if (!result.stderr) result.stderr = `${argv[0]}: ${e.message}`;
            } else result.code = null;
            if (e.signal) {
              result.signal = e.signal;
              result.code = null;
              if (e.killed && opts.timeoutMs && !result.aborted) result.timedOut = true;
            }
            if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') result.stderr += `\n${argv[0]}: output exceeded ${MAX_BUFFER} bytes`;
          }
          resolve(result);
        },
      );
      child.stdout?.on('data', (c: string) => {
        stdout += c;
        opts.onStdout?.(c);
      });
      child.stderr?.on('data', (c: string) => {
        stderr += c;
        opts.onStderr?.(c);
      });
      child.stdin?.on('error', () => {
        /* a child that exits without reading its stdin must not crash us (EPIPE) */
      });
      child.stdin?.end(opts.input ?? '');
    });
  }
}

/** Environment for a child: this process's, then each layer on top (undefined values are dropped). */
export function mergeEnv(...layers: (Record<string, string | undefined> | undefined)[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const layer of [process.env, ...layers]) {
    if (!layer) continue;
    for (const [k, v] of Object.entries(layer)) if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Short text naming what went wrong with a finished command, for error messages. */
export function describeFailure(argv: readonly string[], r: CommandResult): string {
  const prog = argv[0] ?? '?';
  if (r.spawnError === 'ENOENT') return `${prog}: command not found`;
  if (r.spawnError) return `${prog} could not be started (${r.spawnError})`;
  if (r.timedOut) return `${prog} did not answer in time and was stopped`;
  if (r.aborted) return `${prog} was cancelled`;
  if (r.signal) return `${prog} was killed by ${r.signal}`;
  return `${prog} exited with status ${r.code}`;
}
