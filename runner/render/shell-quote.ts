// ALL quoting of generated text lives here: bash words (the batch script), POSIX sh words (values
// put into a command that the image's /bin/sh reads), and values on #SBATCH lines.
//
// Bash words: a word made only of characters no shell treats specially is written as is; any other
// word is put in single quotes, where bash expands nothing (a `'` inside becomes `'\''`). A word with a
// control character (newline, tab, escape...) is written as ANSI-C `$'...'` instead, so a generated
// script stays one command per line and no raw control byte reaches the file. NUL cannot be passed
// to a program at all, and a lone UTF-16 surrogate cannot be written as UTF-8: both are refused.
//
// #SBATCH values are not shell: sbatch reads them with its own small parser (quotes, `\`, `#` as a
// comment, no expansion of $VARIABLES ever). Values are therefore never escaped there, only checked
// against a character set that parser leaves alone, and refused otherwise.

import { shellContexts } from './shell-lexer';

export class QuoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuoteError';
  }
}

/** Characters that are literal in any position of an unquoted bash word. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function check(s: string, what: string): void {
  if (s.includes('\u0000')) throw new QuoteError(`${what} contains a NUL character, which no program can receive`);
  if (LONE_SURROGATE.test(s)) throw new QuoteError(`${what} is not valid Unicode (a lone surrogate)`);
}

/** One bash word that bash reads back as exactly `s`. */
export function quote(s: string, what = 'a value'): string {
  check(s, what);
  if (SAFE_WORD.test(s)) return s;
  if (!CONTROL.test(s)) return `'${s.replace(/'/g, `'\\''`)}'`;
  let out = "$'";
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + "'";
}

/**
 * One word that every POSIX shell (the image's /bin/sh: dash, busybox, bash...) reads back as exactly
 * `s`, for text that a shell inside the image reads: no `$'...'` (a bashism), so a control character
 * stays as it is inside '...' (the whole command is then quoted again, by `quote`, for the script),
 * and a `'` is written "'" (no backslash, so the word stays plain to command-form.ts).
 */
export function quoteSh(s: string, what = 'a value'): string {
  check(s, what);
  if (SAFE_WORD.test(s)) return s;
  return s
    .split("'")
    .map((part) => (part === '' ? '' : `'${part}'`))
    .join(`"'"`) || "''";
}

/** Several words, space separated. */
export function quoteArgv(argv: readonly string[]): string {
  return argv.map((a) => quote(a)).join(' ');
}

/**
 * An option and its value as one word, the option left bare when it can be: `--env=A='x y'` reads
 * better than `'--env=A=x y'` and is the same word.
 */
export function quoteOption(option: string, value: string, what?: string): string {
  check(option, 'an option');
  if (!SAFE_WORD.test(option)) return quote(option + value, what);
  const v = quote(value, what);
  return value === '' ? option : option + v;
}

/** What may appear in an #SBATCH value: sbatch takes it literally, Slurm and Shifter see it unchanged. */
const SBATCH_VALUE = /^[A-Za-z0-9_:.+\/=,;%@&|\[\]*-]+$/;

/**
 * `#SBATCH --NAME=VALUE` (or `#SBATCH --NAME` for a flag). `doubleQuote` writes the value in double
 * quotes, as NERSC writes volume maps (`--volume="a:/x;b:/y"`); sbatch removes them.
 */
export function sbatchLine(name: string, value?: string, options: { doubleQuote?: boolean } = {}): string {
  if (!/^[a-z][a-z-]*$/.test(name)) throw new QuoteError(`"${name}" is not an sbatch option name`);
  if (value === undefined) return `#SBATCH --${name}`;
  if (!SBATCH_VALUE.test(value)) {
    throw new QuoteError(`#SBATCH --${name} value ${JSON.stringify(value)} has a character sbatch or Shifter would not take literally (spaces, quotes, $, \\, # and control characters are refused)`);
  }
  return `#SBATCH --${name}=${options.doubleQuote ? `"${value}"` : value}`;
}

// ---------------------------------------------------------------------------------------------------
// Values substituted into a user's shell command (`${{ matrix.NAME }}`).
//
// The command is shell, written by the user and read by the image's /bin/sh (or, when it is a plain
// command, the batch script's bash); a placeholder in it is replaced TEXTUALLY by the value quoted
// for the quoting context the placeholder sits in, in POSIX sh quoting that both read alike, so that
// the command receives the value as written, never parsed as shell:
//   unquoted (also inside `$(...)`)   ->  the quoted word:            python run.py 'b c'
//   inside "..."                      ->  \ $ ` " escaped:            echo "out/b\$c.txt"
//   inside '...'                      ->  leave, quoted word, reopen: python -c 'print('"'"'x'"'"')'
//   in a comment                      ->  the bash word (one line):   # for $'a\nb'
// Where the context cannot be told for sure (inside backticks, ${...}, $'...', or after a heredoc
// `<<`), substitution is refused rather than guessed. The escaping used inside "..." is also safe when
// the context was misread (it never lets a value's `$(`, backtick or quote through).

/** `s` written inside "...": only \ $ ` " are special there. */
export function escapeInDoubleQuotes(s: string, what = 'a value'): string {
  check(s, what);
  return s.replace(/[\\$`"]/g, (ch) => `\\${ch}`);
}

export class SubstitutionError extends QuoteError {
  constructor(message: string) {
    super(message);
    this.name = 'SubstitutionError';
  }
}

/**
 * Replaces every match of `pattern` (a global RegExp) in the shell text `command` by the value
 * `valueFor(match)` returns, quoted for the context the match sits in (see above). Several values (the
 * paths of `${{ inputs.X }}`) are one quoted word each where the match is unquoted; inside "..." or
 * '...' they are joined by spaces into the text of the user's one word, as a single value would be.
 */
export function substituteInShell(command: string, pattern: RegExp, valueFor: (match: RegExpMatchArray) => string | readonly string[]): string {
  const matches = [...command.matchAll(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g'))];
  if (matches.length === 0) return command;
  const lengths = new Map(matches.map((m) => [m.index as number, m[0].length]));
  const contexts = shellContexts(command, matches.map((m) => m.index as number), (at) => lengths.get(at) ?? 1);
  let out = '';
  let last = 0;
  matches.forEach((m, k) => {
    const at = m.index as number;
    const value = valueFor(m);
    const what = `the value of ${m[0]}`;
    let text: string;
    switch (contexts[k]) {
      case 'unquoted':
        text = words(value).map((v) => quoteSh(v, what)).join(' ');
        break;
      case 'comment':
        // Never a raw line break: it would end the comment and run the rest of the value.
        text = words(value).map((v) => quote(v, what)).join(' ');
        break;
      case 'double':
        text = escapeInDoubleQuotes(words(value).join(' '), what);
        break;
      case 'single':
        text = `'${quoteSh(words(value).join(' '), what)}'`;
        break;
      default:
        throw new SubstitutionError(`${m[0]} sits where shifterflow cannot tell how to quote it (inside backticks, \${...}, $'...' or after a heredoc); move it to a plain word or "..." of the command`);
    }
    out += command.slice(last, at) + text;
    last = at + m[0].length;
  });
  return out + command.slice(last);
}

/** A value of substituteInShell: one word, or several (a list of paths: one quoted word each, space-separated). */
function words(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}
