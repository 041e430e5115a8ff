// The shell text of a RUN instruction, split into simple commands of words, each word with its
// unquoted value and, for every character of that value, its offset in the Dockerfile: the rules
// read values (`apt-get`, `-DCMAKE_SKIP_RPATH=ON`) and report exact ranges. Not a full shell: enough
// of POSIX sh for build scripts (quotes, escapes, $(...) and backticks kept whole, operators,
// redirections, comments), never an evaluation of anything.

/** A piece of text and the document offset of each of its characters (plus one past the end). */
export interface Mapped {
  text: string;
  offsets: number[];
}

export interface Word {
  value: string;
  /** Document offset of each character of value, plus the end (offsets.length === value.length + 1). */
  offsets: number[];
  start: number;
  end: number;
  /** An unquoted or double-quoted `$`: the value is not what the shell will see. */
  expands: boolean;
}

export interface Redirect {
  op: string;
  target?: Word;
}

export interface Command {
  /** Leading NAME=value words. */
  assigns: Word[];
  argv: Word[];
  redirects: Redirect[];
  /** Document offset just past the command's last token. */
  end: number;
}

export interface Script {
  commands: Command[];
  /** The last operator token, if the script ends with one (`;`, `&`, a dangling `&&`). */
  trailingOperator?: string;
  /** Document offset just past the last token that is not a comment (where an ` && x` may go). */
  end: number;
}

const OPERATORS = ['&&', '||', ';;', ';', '|', '&', '(', ')'];
const REDIRECT = /^[0-9]*(?:>>|>\||>&|<&|&>>|&>|<>|<<<|<<-|<<|>|<)/;

/**
 * Joins the Dockerfile's line continuations: the escape character before a line end goes, and so do
 * the empty and comment-only lines inside a continued instruction (Docker drops them before the
 * shell sees the text).
 */
export function joinContinuations(text: string, startOffset: number, escape: string): Mapped {
  let out = '';
  const offsets: number[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === escape) {
      let j = i + 1;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
      if (text[j] === '\r' && text[j + 1] === '\n') j++;
      if (text[j] === '\n' || text[j] === '\r') {
        i = skipBlankAndCommentLines(text, j + 1);
        continue;
      }
      if (j >= text.length) break;
    }
    out += c;
    offsets.push(startOffset + i);
    i++;
  }
  offsets.push(startOffset + i);
  return { text: out, offsets };
}

function skipBlankAndCommentLines(text: string, from: number): number {
  let i = from;
  for (;;) {
    let j = i;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
    if (j < text.length && (text[j] === '\n' || text[j] === '\r' || text[j] === '#')) {
      const nl = text.indexOf('\n', j);
      if (nl === -1) return text.length;
      i = nl + 1;
      continue;
    }
    return i;
  }
}

/** A plain string whose characters all map to one document range (an escaped JSON string). */
export function approximately(text: string, start: number, end: number): Mapped {
  return { text, offsets: [...Array.from(text, () => start), end] };
}

export function parseScript(input: Mapped): Script {
  const tokens = tokenize(input);
  const commands: Command[] = [];
  let current: Command | undefined;
  let end = input.offsets[0] ?? 0;
  let trailingOperator: string | undefined;
  const finish = () => {
    if (current && (current.argv.length > 0 || current.assigns.length > 0 || current.redirects.length > 0)) commands.push(current);
    current = undefined;
  };
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    end = t.end;
    if (t.kind === 'op') {
      finish();
      trailingOperator = t.text;
      continue;
    }
    trailingOperator = undefined;
    current ??= { assigns: [], argv: [], redirects: [], end: t.end };
    current.end = t.end;
    if (t.kind === 'redirect') {
      const next = tokens[k + 1];
      // `2>&1` carries its target inside the operator; `<<EOF` names a here-document, not a file.
      const target = next?.kind === 'word' && !t.text.endsWith('&') && !t.text.includes('<<') ? next.word : undefined;
      if (next?.kind === 'word' && !t.text.endsWith('&')) {
        k++;
        end = next.end;
        current.end = next.end;
      }
      current.redirects.push({ op: t.text.replace(/^[0-9]+/, ''), target });
      continue;
    }
    const w = t.word!;
    if (current.argv.length === 0 && /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(w.value)) current.assigns.push(w);
    else current.argv.push(w);
  }
  finish();
  return { commands, end, trailingOperator };
}

interface Token {
  kind: 'word' | 'op' | 'redirect';
  text: string;
  end: number;
  word?: Word;
}

function tokenize({ text, offsets }: Mapped): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '\n') {
      tokens.push({ kind: 'op', text: ';', end: offsets[i + 1] });
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    const redirect = REDIRECT.exec(text.slice(i, i + 6));
    if (redirect) {
      tokens.push({ kind: 'redirect', text: redirect[0], end: offsets[i + redirect[0].length] });
      i += redirect[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, end: offsets[i + op.length] });
      i += op.length;
      continue;
    }
    const { word, next } = readWord(text, offsets, i);
    tokens.push({ kind: 'word', text: word.value, end: word.end, word });
    i = next;
  }
  return tokens;
}

function readWord(text: string, offsets: number[], from: number): { word: Word; next: number } {
  let value = '';
  const map: number[] = [];
  let expands = false;
  let i = from;
  const n = text.length;
  const take = (k: number) => {
    value += text[k];
    map.push(offsets[k]);
  };
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') break;
    if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')' || c === '<' || c === '>') break;
    if (c === '\\') {
      if (i + 1 < n) take(i + 1);
      i += 2;
      continue;
    }
    if (c === "'") {
      i++;
      while (i < n && text[i] !== "'") take(i++);
      i++;
      continue;
    }
    if (c === '"') {
      i++;
      while (i < n && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < n && '$`"\\\n'.includes(text[i + 1])) i++;
        else if (text[i] === '$' || text[i] === '`') expands = true;
        if (text[i] === '$' && text[i + 1] === '(') {
          i = takeBalanced(text, i, take);
          continue;
        }
        take(i++);
      }
      i++;
      continue;
    }
    if (c === '$' || c === '`') {
      expands = true;
      if (c === '`' || text[i + 1] === '(' || text[i + 1] === '{') {
        i = takeBalanced(text, i, take);
        continue;
      }
    }
    take(i++);
  }
  const start = offsets[from];
  const end = i > from ? offsets[i - 1] + 1 : offsets[from];
  map.push(end);
  return { word: { value, offsets: map, start, end, expands }, next: Math.max(i, from + 1) };
}

/** `$(...)`, `${...}` or a backtick substitution, kept whole (nesting and quotes inside respected). */
function takeBalanced(text: string, from: number, take: (k: number) => void): number {
  const n = text.length;
  if (text[from] === '`') {
    let i = from;
    take(i++);
    while (i < n && text[i] !== '`') {
      if (text[i] === '\\' && i + 1 < n) take(i++);
      take(i++);
    }
    if (i < n) take(i++);
    return i;
  }
  const open = text[from + 1];
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  let i = from;
  take(i++);
  while (i < n) {
    const c = text[i];
    if (c === "'" && open === '(') {
      take(i++);
      while (i < n && text[i] !== "'") take(i++);
      if (i < n) take(i++);
      continue;
    }
    if (c === '\\' && i + 1 < n) {
      take(i++);
      take(i++);
      continue;
    }
    if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) {
        take(i++);
        return i;
      }
    }
    take(i++);
  }
  return i;
}
