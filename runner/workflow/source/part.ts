// One independently parsed piece of a workflow file: the header, one job, or the whole text. The
// value comes from js-yaml (fast, no positions); a `yaml` Document with source ranges is built only
// when a position is asked for, or when js-yaml finds the text broken and good error ranges matter.

import * as jsYaml from 'js-yaml';
import { parseDocument, type Document } from 'yaml';

export interface SyntaxProblem {
  code: 'SF001' | 'SF005';
  message: string;
  /** Offsets local to the part's text. */
  start: number;
  end: number;
}

export interface Part {
  readonly text: string;
  /** How many line breaks the text holds: the next part starts that many lines further down. */
  readonly lineCount: number;
  readonly value: unknown;
  readonly problems: readonly SyntaxProblem[];
  /** True when js-yaml met an alias whose anchor lies outside this part: the split cannot be used. */
  readonly foreignAlias: boolean;
  document(): Document.Parsed;
  /** 0-based line and character of a local offset. */
  position(offset: number): { line: number; character: number };
}

const YAML_OPTIONS = { strict: true, uniqueKeys: true, prettyErrors: false, logLevel: 'error' } as const;

export function parsePart(text: string): Part {
  let doc: Document.Parsed | undefined;
  let lineStarts: number[] | undefined;
  const document = () => (doc ??= parseDocument(text, YAML_OPTIONS));
  let value: unknown;
  let problems: SyntaxProblem[] = [];
  let foreignAlias = false;
  try {
    value = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA });
  } catch (err) {
    const e = err as jsYaml.YAMLException;
    foreignAlias = /unidentified alias/.test(e.reason ?? '');
    const d = document();
    value = safeToJS(d);
    problems = d.errors.map((ye) => {
      const start = ye.code === 'MISSING_CHAR' && /closing .?quote/i.test(ye.message) ? openingQuote(text, ye.pos[0]) : ye.pos[0];
      return {
        code: ye.code === 'DUPLICATE_KEY' ? 'SF005' : 'SF001',
        message: firstLine(ye.message),
        start,
        end: Math.max(ye.pos[1], start),
      };
    });
    if (problems.length === 0) {
      // The two parsers disagree: trust the stricter one and place its error where it points.
      const at = e.mark ? e.mark.position : 0;
      problems = [{ code: 'SF001', message: e.reason ?? 'invalid YAML', start: at, end: at }];
    }
  }
  return {
    text,
    lineCount: countLines(text),
    value,
    problems,
    foreignAlias,
    document,
    position(offset: number) {
      lineStarts ??= computeLineStarts(text);
      let lo = 0;
      let hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lineStarts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo, character: offset - lineStarts[lo] };
    },
  };
}

/** yaml reports an unterminated string where the text ends; the person needs where it starts. */
function openingQuote(text: string, reportedAt: number): number {
  const opening = /(?:^|[:\-[{,])[ \t]*(["'])/gm;
  let last = reportedAt;
  for (let m = opening.exec(text); m && m.index < reportedAt; m = opening.exec(text)) last = m.index + m[0].length - 1;
  return last;
}

function safeToJS(d: Document.Parsed): unknown {
  try {
    return d.toJS({ maxAliasCount: 1000 });
  } catch {
    return undefined;
  }
}

function firstLine(message: string): string {
  const line = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').trim();
  return line.endsWith('.') ? line : `${line}.`;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}
