// ALL quoting of generated text lives here: bash words, and values on #SBATCH lines.
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
// The command is shell, written by the user; a placeholder in it is replaced TEXTUALLY by the value
// quoted for the quoting context the placeholder sits in, so that the command receives the value as
// written, never parsed as shell:
//   unquoted (also inside `$(...)`)   ->  the quoted word:            python run.py 'b c'
//   inside "..."                      ->  \ $ ` " escaped:            echo "out/b\$c.txt"
//   inside '...'                      ->  leave, quoted word, reopen: python -c 'print('"'"'x'"'"')'
// Where the context cannot be told for sure (inside backticks, ${...}, $'...', or after a heredoc
// `<<`), substitution is refused rather than guessed. The escaping used inside "..." is also safe when
// the context was misread (it never lets a value's `$(`, backtick or quote through).

export type ShellContext = 'unquoted' | 'double' | 'single' | 'comment' | 'unknown';

type Frame = 'top' | 'dq' | 'sq' | 'ansi' | 'subst' | 'paren' | 'backtick' | 'brace';

/**
 * The quoting context at each of `positions` (ascending offsets into `text`), read with a small bash
 * lexer. `skip` gives, for an offset where a placeholder starts, its length: placeholders are opaque.
 */
export function shellContexts(text: string, positions: readonly number[], skip: (at: number) => number): ShellContext[] {
  const out: ShellContext[] = [];
  const stack: Frame[] = ['top'];
  let next = 0;
  let unknownFrom = Infinity;
  let i = 0;
  const top = () => stack[stack.length - 1];
  while (next < positions.length) {
    if (i >= positions[next]) {
      const at = positions[next];
      out.push(at >= unknownFrom || stack.includes('backtick') ? 'unknown' : contextOf(top()));
      next++;
      i = at + Math.max(1, skip(at));
      continue;
    }
    if (i >= text.length) break;
    const c = text[i];
    const c2 = text.slice(i, i + 2);
    const f = top();
    if (f === 'sq') {
      if (c === "'") stack.pop();
      i++;
    } else if (f === 'ansi') {
      if (c === '\\') i += 2;
      else {
        if (c === "'") stack.pop();
        i++;
      }
    } else if (f === 'dq') {
      if (c === '\\') i += 2;
      else if (c === '"') { stack.pop(); i++; }
      else if (c2 === '$(') { stack.push('subst'); i += 2; }
      else if (c2 === '${') { stack.push('brace'); i += 2; }
      else if (c === '`') { stack.push('backtick'); i++; }
      else i++;
    } else if (f === 'brace') {
      if (c === '\\') i += 2;
      else if (c === '}') { stack.pop(); i++; }
      else {
        if (c === "'" || c === '"' || c === '`' || c2 === '$(' || c2 === '${') unknownFrom = Math.min(unknownFrom, i);
        i++;
      }
    } else if (f === 'backtick' && c === '`') {
      stack.pop();
      i++;
    } else {
      // unquoted-like: top level, $( ), ( ), and (contexts unknown inside) backticks
      if (c === '\\') i += 2;
      else if (c === "'") { stack.push('sq'); i++; }
      else if (c === '"') { stack.push('dq'); i++; }
      else if (c2 === "$'") { stack.push('ansi'); i += 2; }
      else if (c2 === '$(') { stack.push('subst'); i += 2; }
      else if (c2 === '${') { stack.push('brace'); i += 2; }
      else if (c === '`') { stack.push('backtick'); i++; }
      else if (c === '(') { stack.push('paren'); i++; }
      else if (c === ')') {
        if (f === 'subst' || f === 'paren') stack.pop();
        i++;
      } else if (c2 === '<<') { unknownFrom = Math.min(unknownFrom, i); i += 2; }
      else if (c === '#' && (i === 0 || /[\s;&|()]/.test(text[i - 1]))) {
        const nl = text.indexOf('\n', i);
        // A placeholder inside the comment is still substituted (harmlessly) as a quoted word.
        while (next < positions.length && positions[next] < (nl === -1 ? text.length : nl)) {
          if (positions[next] < i) break;
          out.push(positions[next] >= unknownFrom || stack.includes('backtick') ? 'unknown' : 'comment');
          next++;
        }
        i = nl === -1 ? text.length : nl;
      } else i++;
    }
  }
  while (out.length < positions.length) out.push('unknown');
  return out;
}

function contextOf(f: Frame): ShellContext {
  switch (f) {
    case 'top':
    case 'subst':
    case 'paren':
      return 'unquoted';
    case 'dq':
      return 'double';
    case 'sq':
      return 'single';
    default:
      return 'unknown';
  }
}

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
      case 'comment':
        text = words(value).map((v) => quote(v, what)).join(' ');
        break;
      case 'double':
        text = escapeInDoubleQuotes(words(value).join(' '), what);
        break;
      case 'single':
        text = `'${quote(words(value).join(' '), what)}'`;
        break;
      default:
        throw new SubstitutionError(`${m[0]} sits where shifterflow cannot tell how to quote it (inside backticks, \${...}, $'...' or after a heredoc); move it to a plain word or "..." of the command`);
    }
    out += command.slice(last, at) + text;
    last = at + m[0].length;
  });
  return out + command.slice(last);
}

/**
 * Whether a shell command is more than one simple command at its top level: a `;`, `&`, `|`, `#` or
 * line break outside quotes (`a; b`, `a && b`, `a | b`, a comment, several lines). Inside '...' or
 * "..." they are data. When the quoting cannot be told, the answer is yes (the safe one).
 */
export function isCompoundCommand(command: string): boolean {
  const at = [...command.matchAll(/[\n;&|#]/g)].map((m) => m.index as number);
  return shellContexts(command, at, () => 1).some((c) => c !== 'single' && c !== 'double');
}

/** A value of substituteInShell: one word, or several (a list of paths: one quoted word each, space-separated). */
function words(value: string | readonly string[]): readonly string[] {
  return typeof value === 'string' ? [value] : value;
}
