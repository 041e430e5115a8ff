// How a step's command reaches the image. The batch script runs on the host, so anything in the
// command that a shell interprets (a redirect, a pipe, `$VAR`, `$(...)`, `&&`, a glob, `~`, several
// lines...) would be interpreted there, once, before Shifter starts: `shifter cat /etc/x > /out/y`
// writes /out/y on the host, and `$SLURM_PROCID` is the batch shell's, the same for every task.
//
// So a command is either
//   plain: a program and its words, nothing a shell expands (quotes around literal text are fine:
//          every POSIX shell reads them the same way) -> written as is, the guide's form:
//          `srun -n 4 shifter python myPythonScript.py args`;
//   shell: anything else -> `shifter /bin/sh -c '<the command>'`, so the image's /bin/sh reads the
//          whole of it, once per task, with the task's environment.
// The decision reads the command with the one shell lexer (shell-lexer.ts); when in doubt, shell.

import { shellContexts } from './shell-lexer';

export type CommandForm = { kind: 'plain' } | { kind: 'shell'; because: string };

/** Characters that mean themselves to every shell, wherever they stand (and any non-ASCII one). */
const LITERAL_ASCII = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@%+=:,./-') LITERAL_ASCII[c.charCodeAt(0)] = 1;
// A table, not a RegExp per character: commands that name hundreds of paths are read for every job
// and array task of a run (bench P7: 200 commands of 3,000 characters, a third of `run --dry-run`).
const isLiteral = (code: number): boolean => code >= 0x80 || LITERAL_ASCII[code] === 1;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What a shell does with a character outside quotes, in the words of the reason given. */
const MEANING: Record<string, string> = {
  '>': 'a redirect (>)',
  '<': 'a redirect (<)',
  '|': 'a pipe (|)',
  ';': 'a command separator (;)',
  '&': 'an operator (& or &&)',
  $: 'a variable or substitution ($)',
  '`': 'a command substitution (`...`)',
  '*': 'a glob (*)',
  '?': 'a glob (?)',
  '[': 'a glob ([...])',
  ']': 'a glob ([...])',
  '~': 'a tilde (~)',
  '#': 'a comment (#)',
  '\\': 'a backslash (\\)',
  '(': 'parentheses',
  ')': 'parentheses',
  '{': 'braces',
  '}': 'braces',
  '!': 'a negation (!)',
  '\n': 'several lines',
};

/** Reserved words, and builtins that exist only inside a shell (no program of that name to run). */
const SHELL_WORDS = new Set([
  'if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in', 'function', 'select', 'time', 'coproc',
  '.', ':', 'source', 'cd', 'export', 'unset', 'set', 'eval', 'exec', 'exit', 'return', 'shift', 'trap', 'ulimit', 'umask', 'alias', 'unalias',
  'readonly', 'local', 'declare', 'typeset', 'read', 'wait', 'break', 'continue', 'times', 'getopts', 'hash', 'jobs', 'fg', 'bg', 'command',
  'type', 'let', 'builtin', 'shopt', 'enable', 'disown', 'pushd', 'popd', 'dirs', 'mapfile', 'readarray',
]);

/** Whether `command` (its placeholders already replaced) needs a shell in the image, and why. */
export function commandForm(command: string): CommandForm {
  if (LONE_SURROGATE.test(command)) return { kind: 'shell', because: 'a character that is not valid Unicode' };
  const at: number[] = [];
  for (let i = 0; i < command.length; i++) if (!isLiteral(command.charCodeAt(i))) at.push(i);
  // Length 0: the lexer reads each of these characters itself (quotes open and close). The last
  // position, the end of the text, says whether every quote was closed.
  const contexts = shellContexts(command, [...at, command.length], () => 0);
  let firstWordEnd = command.length;
  const start = command.length - command.trimStart().length;
  for (let k = 0; k < at.length; k++) {
    const i = at[k];
    const c = command[i];
    const context = contexts[k];
    if (c === ' ' || c === '\t') {
      if (context === 'unquoted' && i > start && firstWordEnd === command.length) firstWordEnd = i;
      continue;
    }
    if (/[\u0000-\u001f\u007f]/.test(c)) return { kind: 'shell', because: MEANING[c] ?? 'a control character' };
    if (context === 'single') continue;
    if (context === 'double') {
      if (c === '$' || c === '`' || c === '\\') return { kind: 'shell', because: `${MEANING[c]} inside "..."` };
      continue;
    }
    if (context === 'unquoted' && (c === "'" || c === '"')) continue;
    if (context === 'comment') return { kind: 'shell', because: MEANING['#'] };
    if (context === 'unknown') return { kind: 'shell', because: 'quoting that cannot be told' };
    return { kind: 'shell', because: MEANING[c] ?? `the character ${JSON.stringify(c)}` };
  }
  if (contexts[at.length] !== 'unquoted') return { kind: 'shell', because: 'a quote that is not closed' };
  const first = command.slice(start, firstWordEnd);
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) return { kind: 'shell', because: `a variable assignment (${first})` };
  if (SHELL_WORDS.has(first)) return { kind: 'shell', because: `a shell builtin or keyword (${first})` };
  return { kind: 'plain' };
}
