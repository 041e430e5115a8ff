// A workflow file as parsed parts (see split.ts): its assembled value, its syntax problems, and the
// way back from a JSON path to a range of the text. Built from the previous version of the same file
// it re-parses only the parts whose text changed, which keeps re-validation after an edit cheap.

import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import type { Position, Range } from '../diagnostic';
import type { Anchor, JsonPath } from '../finding';
import { recordJobList } from '../job-list';
import { jobLayout, type JobLayout, type Span } from './job-layout';
import { parsePart, type Part } from './part';
import { noSplit, splitWorkflow, type Split } from './split';
import { splitEdited } from './split-edit';
import type { TextChange } from './text-diff';

/** The prefix of every job part; shared, as there is one part per job. */
const JOBS: JsonPath = ['jobs'];

interface Placed {
  part: Part;
  /** Offset and line of the part's text in the file. */
  offset: number;
  line: number;
  /** JSON path of the part's root in the workflow value. */
  prefix: JsonPath;
}

export interface PositionedProblem {
  code: 'SF001' | 'SF005';
  message: string;
  range: Range;
  path: JsonPath;
}

export class WorkflowSource {
  readonly value: unknown;
  readonly problems: PositionedProblem[];
  private readonly header: Placed;
  private readonly headerShift: { from: number; at: number; by: number };
  private fileLineStarts?: number[];
  private readonly jobs = new Map<string, Placed>();
  /** The parts of this version, header first: the next version reuses those whose text it still has. */
  readonly parts: Part[];
  /** How this version was split: the next version re-splits only the lines its edit touched. */
  private readonly split: Split;

  /**
   * `split: false` parses the text as one document: slower, and the reference the split must match.
   * `change`: what changed since `previous`, when the caller knows it (an editor does).
   */
  constructor(readonly text: string, previous?: WorkflowSource, options: { split?: boolean; change?: TextChange } = {}) {
    let split = options.split === false ? noSplit(text) : previous ? splitEdited(previous.text, previous.split, text, options.change) : splitWorkflow(text);
    const reuse = reuser(previous?.parts ?? [], 1);
    let parts = split.chunks.map((c) => reuse(c.text));
    // A chunk that is not one `name: ...` pair (a key line without its colon, `  name"`) is read by the
    // whole document as part of the block, where it is a syntax error: the whole text decides.
    if (parts.some((p) => p.foreignAlias || !isOneKeyMapping(p.value))) {
      split = noSplit(text);
      parts = [];
    }
    const headerPart = reuser(previous?.parts.slice(0, 1) ?? [], 0)(split.header);
    this.parts = [headerPart, ...parts];
    this.split = split;
    this.header = { part: headerPart, offset: 0, line: 0, prefix: [] };
    this.headerShift = { from: split.keptFrom, at: split.removedAt, by: split.removedLength };
    this.problems = headerPart.problems.map((p) => this.positionProblem(this.header, p));

    let value = headerPart.value;
    if (split.chunks.length > 0) {
      const jobs: Record<string, unknown> = {};
      const names: string[] = [];
      const values: unknown[] = [];
      let line = split.firstLine;
      split.chunks.forEach((chunk, k) => {
        const part = parts[k];
        const placed: Placed = { part, offset: chunk.start, line, prefix: JOBS };
        line += part.lineCount;
        for (const p of part.problems) this.problems.push(this.positionProblem(placed, p));
        const v = part.value;
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return;
        for (const name of Object.keys(v)) {
          if (this.jobs.has(name)) {
            this.problems.push({
              code: 'SF005',
              message: `Map keys must be unique; job "${name}" is defined twice.`,
              range: this.rangeIn(placed, [name], 'key') ?? this.pointRange(placed, 0),
              path: ['jobs', name],
            });
            continue;
          }
          const job = (v as Record<string, unknown>)[name];
          // `jobs.__proto__ = job` would set the prototype: a job of that name is an own key, as js-yaml makes it.
          if (name === '__proto__') Object.defineProperty(jobs, name, { value: job, enumerable: true, writable: true, configurable: true });
          else jobs[name] = job;
          names.push(name);
          values.push(job);
          this.jobs.set(name, placed);
        }
      });
      recordJobList(jobs, names, values);
      const header = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
      value = { ...header, jobs };
    }
    this.value = value;
  }

  /** The range of the node at `path`, or of its deepest existing ancestor. */
  locate(path: JsonPath, anchor: Anchor = 'value'): Range {
    const placed = this.placedFor(path);
    const local = path.slice(placed.prefix.length);
    return this.rangeIn(placed, local, anchor) ?? this.pointRange(placed, 0);
  }

  /**
   * The ranges of a job's key, of its lines and of its block `steps:` items, read from its text
   * without a `yaml` Document (job-layout.ts). Undefined when the layout is not plain block style:
   * then locate() has them.
   */
  jobOutline(name: string): { key: Range; pair: Range; steps: Range[] } | undefined {
    const placed = this.jobs.get(name);
    // A part with syntax errors already has its Document (built for the error ranges): use it.
    if (!placed || placed.part.problems.length > 0) return undefined;
    const layout = layoutOf(placed.part, this.split.indent, name);
    if (!layout) return undefined;
    const range = (s: Span): Range => ({ start: this.position(placed, s.start), end: this.position(placed, s.end) });
    return { key: range(layout.key), pair: range(layout.pair), steps: layout.steps.map(range) };
  }

  /** Where to insert a new `key: value` line into the mapping at `path`, with its indentation. */
  insertionPoint(path: JsonPath): { position: Position; indent: string } | undefined {
    const placed = this.placedFor(path);
    const found = walk(placed.part.document(), path.slice(placed.prefix.length));
    if (!found || found.missing > 0 || !isMap(found.node) || found.node.items.length === 0) return undefined;
    const firstKey = (found.node.items[0] as Pair<Node>).key;
    if (!firstKey?.range || found.node.flow) return undefined;
    const keyPos = placed.part.position(firstKey.range[0]);
    return { position: this.position(placed, firstKey.range[0] - keyPos.character), indent: ' '.repeat(keyPos.character) };
  }

  private placedFor(path: JsonPath): Placed {
    if (path[0] === 'jobs' && path.length >= 2) return this.jobs.get(String(path[1])) ?? this.header;
    return this.header;
  }

  private rangeIn(placed: Placed, local: JsonPath, anchor: Anchor): Range | undefined {
    const found = walk(placed.part.document(), local);
    if (!found) return undefined;
    const { node, pair } = found;
    const keyNode = pair && (pair.key as Node | null);
    let span: [number, number] | undefined;
    if (found.missing > 0) {
      // The path ends below an existing node (a missing key): point at that node's key, or itself.
      span = keyNode?.range ? [keyNode.range[0], keyNode.range[1]] : node?.range ? [node.range[0], node.range[0]] : undefined;
    } else if (anchor === 'key' && keyNode?.range) {
      span = [keyNode.range[0], keyNode.range[1]];
    } else if (anchor === 'pair' && keyNode?.range) {
      span = [keyNode.range[0], node?.range ? node.range[1] : keyNode.range[1]];
    } else if (node?.range) {
      span = [node.range[0], node.range[1]];
    } else if (keyNode?.range) {
      span = [keyNode.range[0], keyNode.range[1]];
    }
    if (!span) return undefined;
    return { start: this.position(placed, span[0]), end: this.position(placed, span[1]) };
  }

  private positionProblem(placed: Placed, p: { code: 'SF001' | 'SF005'; message: string; start: number; end: number }): PositionedProblem {
    const clampedEnd = Math.min(p.end, placed.part.text.length);
    const start = this.position(placed, Math.min(p.start, placed.part.text.length));
    const end = this.position(placed, Math.max(clampedEnd, Math.min(p.start, placed.part.text.length)));
    return { code: p.code, message: p.message, range: { start, end }, path: [...placed.prefix] };
  }

  private pointRange(placed: Placed, local: number): Range {
    const p = this.position(placed, local);
    return { start: p, end: p };
  }

  private position(placed: Placed, local: number): Position {
    const { line, character } = placed.part.position(local);
    if (placed === this.header && local >= this.headerShift.from && this.headerShift.by > 0) {
      // At or past the jobs block the header's text no longer matches the file's: read the file's.
      this.fileLineStarts ??= lineStarts(this.text);
      if (local < this.headerShift.at) return { line, character: 0, offset: this.fileLineStarts[line] ?? this.text.length };
      const offset = Math.min(local + this.headerShift.by, this.text.length);
      const l = lineIndex(this.fileLineStarts, offset);
      return { line: l, character: offset - this.fileLineStarts[l], offset };
    }
    return { line: placed.line + line, character, offset: placed.offset + local };
  }
}

interface Found {
  node: Node | null | undefined;
  pair?: Pair;
  /** How many path segments below `node` did not exist. */
  missing: number;
}

function walk(doc: Document.Parsed, path: JsonPath): Found | undefined {
  let node = doc.contents as Node | null;
  let pair: Pair | undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const target = isAlias(node) ? (node.resolve(doc) as Node | undefined) : node;
    let next: Node | null | undefined;
    let nextPair: Pair | undefined;
    if (isMap(target)) {
      nextPair = target.items.find((it) => isPair(it) && keyText(it.key) === String(seg)) as Pair | undefined;
      next = nextPair ? (nextPair.value as Node | null) : undefined;
      if (!nextPair) return { node, pair, missing: path.length - i };
    } else if (isSeq(target) && typeof seg === 'number' && seg < target.items.length) {
      next = target.items[seg] as Node;
      nextPair = undefined;
    } else {
      return { node, pair, missing: path.length - i };
    }
    node = next ?? null;
    pair = nextPair;
    if (next === null && nextPair && i < path.length - 1) return { node: null, pair, missing: path.length - i - 1 };
  }
  return { node, pair, missing: 0 };
}

/** Parts are shared between versions of a file, and so are their layouts. */
const layouts = new WeakMap<Part, { indent: number; name: string; layout: JobLayout | undefined }>();

function layoutOf(part: Part, indent: number, name: string): JobLayout | undefined {
  const known = layouts.get(part);
  if (known && known.indent === indent && known.name === name) return known.layout;
  const job = (part.value as Record<string, unknown> | null)?.[name] as { steps?: unknown } | null | undefined;
  const steps = job !== null && typeof job === 'object' && Array.isArray(job.steps) ? job.steps.length : undefined;
  const layout = jobLayout(part.text, indent, name, steps);
  layouts.set(part, { indent, name, layout });
  return layout;
}

/**
 * Finds the part already parsed for a text. Parts mostly keep their order between two versions of a
 * file, so the previous part at the same place is compared first (no hashing of the whole file);
 * a map of the rest is built only when that fails (a job added or removed).
 */
function reuser(previous: Part[], from: number): (text: string) => Part {
  let next = from;
  let byText: Map<string, Part> | undefined;
  return (text) => {
    // Two tries without allocating: this runs once per job of the file on every keystroke.
    for (let k = next; k <= next + 1 && k < previous.length; k++) {
      if (previous[k].text === text) {
        next = k + 1;
        return previous[k];
      }
    }
    byText ??= new Map(previous.map((p) => [p.text, p]));
    return byText.get(text) ?? parsePart(text);
  };
}

function lineIndex(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function isOneKeyMapping(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1;
}
