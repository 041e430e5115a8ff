// How a workflow uses an image, for the rules that depend on it (MPI, ENTRYPOINT, the job's programs,
// working directories and volume targets). A check without a workflow (`images check`) has no uses.

export interface ImageUse {
  /** The job (or `job.step`) that runs in the image. */
  job: string;
  mpi: boolean;
  /** The job asks Shifter to run the ENTRYPOINT (`entrypoint:` set). */
  entrypoint: boolean;
  /** Commands as written; the rules look at each one's program. */
  commands: string[];
  workdirs: string[];
  volumeTargets: string[];
  /**
   * Why the command runs under the image's `/bin/sh -c` (render/command-form.ts's `because`, e.g.
   * "a redirect (>)"); absent for a plain command, which Shifter starts itself.
   */
  shell?: string;
  /** Where the workflow file writes the command (a JSON path), for findings about it. */
  at?: (string | number)[];
}

export interface CheckContext {
  uses?: ImageUse[];
  /** Check as for an MPI job even without a workflow (`images check --mpi`). */
  mpi?: boolean;
}

const SHELL_WORDS = new Set(['cd', 'echo', 'export', 'set', 'source', '.', 'if', 'for', 'while', 'case', 'true', 'false', 'test', '[', 'exit', 'printf', 'read', 'wait', 'ulimit', 'umask', 'eval', 'time', '{', '(', 'unset', 'shift', 'trap']);

/** The program a command starts: the first word of its first line after VAR=value assignments and `exec`/`env`; undefined when it is a shell builtin or computed ($VAR, `...`). */
export function commandProgram(command: string): string | undefined {
  const line = command.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#'));
  if (!line) return undefined;
  const words = line.split(/\s+/);
  let i = 0;
  while (i < words.length && (/^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]) || words[i] === 'exec' || words[i] === 'env')) i++;
  const word = words[i]?.replace(/^['"]|['";&|]+$/g, '');
  if (!word || SHELL_WORDS.has(word) || /[$`*?(){}<>]/.test(word)) return undefined;
  return word;
}
