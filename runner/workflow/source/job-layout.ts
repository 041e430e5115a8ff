// Where a job's key, its lines and its steps are in the job's own text, read from the indentation
// alone. The outline and the code lenses need these for every job of the file after every edit;
// asking the `yaml` Document for them would build one Document per job (about 0.35 ms each: 700 ms
// for a 2,000-job file, all on the extension host's one thread) and keep them all alive.
//
// Only plain block layouts are read; anything else (a flow-style value, a complex key, steps that do
// not match the parsed value) gives undefined and the caller asks the Document (WorkflowSource.locate).
// Lines that look like comments are not content, so a block scalar whose last lines start with `#`
// ends a little early here: good enough for an outline, which is all this is for.

/** Offsets local to the job's text. */
export interface Span {
  start: number;
  end: number;
}

export interface JobLayout {
  key: Span;
  /** From the key to the start of the line after the job's last content line. */
  pair: Span;
  /** One per item of a block `steps:` sequence: from after its `- ` to the line after its last content line. */
  steps: Span[];
}

/**
 * `text` is one job chunk (see split.ts): it starts at the job's key line, indented by `indent`
 * spaces, and ends where the next job starts. `name` is the key js-yaml read from it, `stepCount`
 * the length of its parsed `steps` (undefined: no steps list).
 */
export function jobLayout(text: string, indent: number, name: string, stepCount: number | undefined): JobLayout | undefined {
  const lines = contentLines(text);
  if (lines.length === 0 || lines[0].indent !== indent || lines[0].start !== 0) return undefined;
  const key = keySpan(text, indent, name);
  if (!key) return undefined;
  const last = lines[lines.length - 1];
  const pair = { start: key.start, end: last.next };
  if (stepCount === undefined) return { key, pair, steps: [] };
  const steps = stepSpans(text, lines, stepCount);
  return steps ? { key, pair, steps } : undefined;
}

interface Line {
  /** Offset of the line's first character. */
  start: number;
  /** Spaces before its first character. */
  indent: number;
  /** Offset just past its last non-blank character. */
  end: number;
  /** Offset of the next line (as the `yaml` Document ends a block collection). */
  next: number;
}

/** The lines that hold something other than spaces or a comment. */
function contentLines(text: string): Line[] {
  const out: Line[] = [];
  for (let start = 0; start < text.length; ) {
    let nl = text.indexOf('\n', start);
    if (nl === -1) nl = text.length;
    let i = start;
    while (i < nl && text.charCodeAt(i) === 32) i++;
    const c = text.charCodeAt(i);
    if (i < nl && c !== 35 /* # */ && c !== 13 /* \r */) {
      let end = nl;
      while (end > i && isBlank(text.charCodeAt(end - 1))) end--;
      out.push({ start, indent: i - start, end, next: Math.min(nl + 1, text.length) });
    }
    start = nl + 1;
  }
  return out;
}

const isBlank = (c: number) => c === 32 || c === 9 || c === 13;

/** The key at `indent` on the first line, if it reads back as `name`. */
function keySpan(text: string, indent: number, name: string): Span | undefined {
  const q = text[indent];
  let end: number;
  if (q === '"' || q === "'") {
    // A quoted key: checked only for where it closes; js-yaml already read its value.
    end = indent + 1;
    for (;;) {
      end = text.indexOf(q, end);
      if (end === -1 || text.lastIndexOf('\n', end) !== -1) return undefined;
      if (q === '"' && backslashes(text, end) % 2 === 1) end++;
      else if (q === "'" && text[end + 1] === "'") end += 2;
      else break;
    }
    end++;
    let colon = end;
    while (text[colon] === ' ') colon++;
    if (text[colon] !== ':') return undefined;
  } else {
    // A plain key ends at the first ": " (or ":" at the end of the line).
    const m = /:(?=[ \t\r\n]|$)/m.exec(text.slice(indent, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n')));
    if (!m) return undefined;
    end = indent + m.index;
    while (end > indent && isBlank(text.charCodeAt(end - 1))) end--;
    if (text.slice(indent, end) !== name) return undefined;
  }
  return { start: indent, end };
}

function backslashes(text: string, at: number): number {
  let n = 0;
  while (text[at - 1 - n] === '\\') n++;
  return n;
}

/** The items of the job's block `steps:` list, or undefined when the layout is not that simple. */
function stepSpans(text: string, lines: Line[], stepCount: number): Span[] | undefined {
  if (lines.length < 2) return undefined;
  const bodyIndent = lines[1].indent;
  if (bodyIndent <= lines[0].indent) return undefined;
  const at = lines.findIndex((l, k) => k > 0 && l.indent === bodyIndent && /^steps[ \t]*:$/.test(text.slice(l.start + l.indent, l.end)));
  if (at === -1) return undefined;
  const first = lines[at + 1];
  if (!first || first.indent < bodyIndent || !isItem(text, first)) return undefined;
  const itemIndent = first.indent;
  const steps: Span[] = [];
  let k = at + 1;
  while (k < lines.length && lines[k].indent === itemIndent && isItem(text, lines[k])) {
    const start = lines[k].start + itemIndent + 1 + leadingSpaces(text, lines[k].start + itemIndent + 1);
    let endLine = k;
    k++;
    while (k < lines.length && lines[k].indent > itemIndent) endLine = k++;
    steps.push({ start: Math.min(start, lines[endLine].end), end: lines[endLine].next });
  }
  // What follows must leave the list (a sibling key of `steps`, or less indented).
  if (k < lines.length && lines[k].indent > bodyIndent) return undefined;
  return steps.length === stepCount ? steps : undefined;
}

function isItem(text: string, line: Line): boolean {
  const at = line.start + line.indent;
  return text[at] === '-' && (at + 1 >= line.end || text[at + 1] === ' ');
}

function leadingSpaces(text: string, at: number): number {
  let n = 0;
  while (text[at + n] === ' ') n++;
  return n;
}
