// A Dockerfile as the rules read it: dockerfile-ast's parse, cut into build stages, with the shell
// commands of every RUN (shell form, exec form, here-documents, `sh -c STRING` inside either) and the
// sources and destination of every COPY/ADD, each with document offsets. Which stages reach the image
// that `docker build` produces (the last stage, the stages it is built FROM, and those it copies from)
// is decided here once.

import { DockerfileParser, type From, type Instruction, type JSONInstruction, type ModifiableInstruction } from 'dockerfile-ast';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Position, Range } from '../workflow/diagnostic';
import { approximately, joinContinuations, parseScript, type Command, type Mapped, type Script, type Word } from './shell-words';

export interface RunStep {
  kind: 'run';
  instruction: Instruction;
  form: 'shell' | 'exec' | 'heredoc';
  /** Every simple command, `sh -c` strings opened up, in order. */
  commands: Command[];
  /** The script the instruction's shell text parsed to (shell form only): where an `&& x` may be appended. */
  script?: Script;
}

export interface CopyStep {
  kind: 'copy';
  instruction: Instruction;
  keyword: 'COPY' | 'ADD';
  sources: Word[];
  destination?: Word;
  /** `--from=STAGE`; `--chmod=MODE` as a word. */
  from?: string;
  chmod?: Word;
}

export interface OtherStep {
  kind: 'other';
  instruction: Instruction;
}

export type Step = RunStep | CopyStep | OtherStep;

export interface Stage {
  index: number;
  name?: string;
  from: From;
  /** The stage this one is built FROM, when its base is an earlier stage. */
  parent?: Stage;
  steps: Step[];
}

export interface Model {
  text: string;
  doc: TextDocument;
  stages: Stage[];
  /** The last stage and the stages it is built FROM, base first: what the image contains. */
  finalChain: Stage[];
  /** Stages whose files may reach the image: the final chain and every stage copied from, transitively. */
  reachable: Set<Stage>;
  /** Default values of the ARGs before the first FROM. */
  initialArgs: Map<string, string>;
}

export function buildModel(text: string): Model {
  const doc = TextDocument.create('file:///Dockerfile', 'dockerfile', 0, text);
  const df = DockerfileParser.parse(text);
  const escape = df.getEscapeCharacter();
  const initialArgs = new Map<string, string>();
  for (const a of df.getInitialARGs()) {
    const p = a.getProperty();
    const v = p?.getValue();
    if (p && v !== null && v !== undefined) initialArgs.set(p.getName(), v);
  }
  const stages: Stage[] = [];
  for (const ins of df.getInstructions()) {
    const keyword = ins.getKeyword();
    if (keyword === 'FROM') {
      const from = ins as From;
      const name = from.getBuildStage() ?? undefined;
      const base = from.getImage();
      const parent = base ? stages.find((s) => s.name !== undefined && s.name.toLowerCase() === base.toLowerCase()) : undefined;
      stages.push({ index: stages.length, name, from, parent, steps: [] });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (!stage) continue;
    stage.steps.push(step(ins, doc, escape));
  }
  const finalChain: Stage[] = [];
  for (let s: Stage | undefined = stages[stages.length - 1]; s && !finalChain.includes(s); s = s.parent) finalChain.unshift(s);
  const reachable = new Set<Stage>();
  const visit = (s: Stage) => {
    if (reachable.has(s)) return;
    reachable.add(s);
    if (s.parent) visit(s.parent);
    for (const st of s.steps) {
      if (st.kind !== 'copy' || st.from === undefined) continue;
      const ref = st.from;
      const target = /^[0-9]+$/.test(ref) ? stages[Number(ref)] : stages.find((x) => x.name?.toLowerCase() === ref.toLowerCase());
      if (target && target.index < s.index) visit(target);
    }
  };
  if (finalChain.length > 0) visit(finalChain[finalChain.length - 1]);
  return { text, doc, stages, finalChain, reachable, initialArgs };
}

function step(ins: Instruction, doc: TextDocument, escape: string): Step {
  const keyword = ins.getKeyword();
  if (keyword === 'RUN') return runStep(ins as JSONInstruction, doc, escape);
  if (keyword === 'COPY' || keyword === 'ADD') return copyStep(ins as JSONInstruction, keyword, doc);
  return { kind: 'other', instruction: ins };
}

function runStep(ins: JSONInstruction, doc: TextDocument, escape: string): RunStep {
  const json = ins.getJSONStrings();
  if (json.length > 0 && ins.getOpeningBracket() && ins.getClosingBracket()) {
    const argv = json.map((j) => jsonWord(j.getJSONValue(), j.getRange(), doc));
    return { kind: 'run', instruction: ins, form: 'exec', commands: openShells([{ assigns: [], argv, redirects: [], end: argv[argv.length - 1].end }]) };
  }
  const heredocs = (ins as unknown as { getHeredocs(): { getStartRange(): Range0; getContentRange(): Range0 | null; getDelimiterRange(): Range0 | null }[] }).getHeredocs();
  const args = ins.getArguments();
  if (args.length === 0) return { kind: 'run', instruction: ins, form: 'shell', commands: [] };
  const start = doc.offsetAt(args[0].getRange().start);
  const end = doc.offsetAt(ins.getRange().end);
  if (heredocs.length === 0) {
    const script = parseScript(joinContinuations(doc.getText().slice(start, end), start, escape));
    return { kind: 'run', instruction: ins, form: 'shell', commands: openShells(script.commands), script };
  }
  // RUN <<EOF (the content is a shell script), or RUN prog <<EOF (the content is prog's input: a
  // shell's only if prog is one).
  const firstLineEnd = doc.offsetAt({ line: heredocs[0].getStartRange().start.line + 1, character: 0 }) - 1;
  let head = doc.getText().slice(start, Math.max(start, firstLineEnd));
  for (const h of heredocs) {
    const s = doc.offsetAt(h.getStartRange().start) - start;
    const e = doc.offsetAt(h.getStartRange().end) - start;
    if (s >= 0 && e <= head.length) head = head.slice(0, s) + ' '.repeat(e - s) + head.slice(e);
  }
  const headScript = parseScript(joinContinuations(head, start, escape));
  const commands = openShells(headScript.commands);
  const runsShell = headScript.commands.length === 0 || SHELLS.has(basename(headScript.commands[headScript.commands.length - 1].argv[0]?.value ?? ''));
  if (runsShell) {
    for (const h of heredocs) {
      const r = h.getContentRange();
      if (!r) continue;
      const s = doc.offsetAt(r.start);
      const body = doc.getText().slice(s, doc.offsetAt(r.end));
      commands.push(...openShells(parseScript({ text: body, offsets: [...Array.from(body, (_, k) => s + k), s + body.length] }).commands));
    }
  }
  return { kind: 'run', instruction: ins, form: 'heredoc', commands };
}

type Range0 = { start: { line: number; character: number }; end: { line: number; character: number } };

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh']);

/** `sh -c 'a && b'`: the string's commands follow the shell's own. */
function openShells(commands: Command[]): Command[] {
  const out: Command[] = [];
  for (const c of commands) {
    out.push(c);
    const argv = c.argv;
    if (argv.length < 2 || !SHELLS.has(basename(argv[0].value))) continue;
    const dashC = argv.findIndex((w, k) => k > 0 && /^-[a-z]*c[a-z]*$/.test(w.value));
    const body = dashC > 0 ? argv[dashC + 1] : undefined;
    if (body) out.push(...openShells(parseScript({ text: body.value, offsets: body.offsets }).commands));
  }
  return out;
}

function copyStep(ins: JSONInstruction, keyword: 'COPY' | 'ADD', doc: TextDocument): CopyStep {
  const flags = (ins as unknown as ModifiableInstruction).getFlags();
  const flag = (name: string) => flags.find((f) => f.getName().toLowerCase() === name);
  const fromValue = flag('from')?.getValue() ?? undefined;
  const chmodFlag = flag('chmod');
  const chmodRange = chmodFlag?.getValueRange();
  const chmod = chmodFlag && chmodRange ? plainWord(chmodFlag.getValue() ?? '', chmodRange, doc) : undefined;
  const json = ins.getJSONStrings();
  let words: Word[];
  if (json.length > 0 && ins.getOpeningBracket() && ins.getClosingBracket()) words = json.map((j) => jsonWord(j.getJSONValue(), j.getRange(), doc));
  else {
    const heredocs = (ins as unknown as { getHeredocs(): { getStartRange(): Range0; getContentRange(): Range0 | null; getDelimiterRange(): Range0 | null }[] }).getHeredocs();
    const inHeredoc = (r: Range0) =>
      heredocs.some((h) => {
        const s = doc.offsetAt(h.getStartRange().start);
        const e = doc.offsetAt((h.getDelimiterRange() ?? h.getContentRange() ?? h.getStartRange()).end);
        const o = doc.offsetAt(r.start);
        return o >= s && o < e;
      });
    words = ins
      .getArguments()
      .filter((a) => !inHeredoc(a.getRange()))
      .map((a) => plainWord(unquote(a.getValue()), a.getRange(), doc));
  }
  return { kind: 'copy', instruction: ins, keyword, sources: words.slice(0, -1), destination: words[words.length - 1], from: fromValue, chmod };
}

function unquote(v: string): string {
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0] ? v.slice(1, -1) : v;
}

/** A JSON string's value; its characters map one to one when the string has no escapes. */
function jsonWord(parsed: string, range: Range0, doc: TextDocument): Word {
  const start = doc.offsetAt(range.start);
  const end = doc.offsetAt(range.end);
  const raw = doc.getText().slice(start, end);
  // getJSONValue drops the blanks inside the string ("yum install" -> "yuminstall"): read it as JSON.
  let value = parsed;
  try {
    const v: unknown = JSON.parse(raw);
    if (typeof v === 'string') value = v;
  } catch {
    /* the parser's reading */
  }
  const mapped: Mapped = raw === `"${value}"` ? { text: value, offsets: [...Array.from(value, (_, k) => start + 1 + k), start + 1 + value.length] } : approximately(value, start, end);
  return { value, offsets: mapped.offsets, start, end, expands: false };
}

function plainWord(value: string, range: Range0, doc: TextDocument): Word {
  const start = doc.offsetAt(range.start);
  const end = doc.offsetAt(range.end);
  const raw = doc.getText().slice(start, end);
  const lead = raw.indexOf(value);
  const offsets = lead >= 0 ? [...Array.from(value, (_, k) => start + lead + k), start + lead + value.length] : approximately(value, start, end).offsets;
  return { value, offsets, start, end, expands: value.includes('$') };
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function position(doc: TextDocument, offset: number): Position {
  const p = doc.positionAt(offset);
  return { line: p.line, character: p.character, offset: doc.offsetAt(p) };
}

export function range(doc: TextDocument, start: number, end: number): Range {
  return { start: position(doc, start), end: position(doc, end) };
}

export function instructionRange(doc: TextDocument, ins: Instruction): Range {
  const r = ins.getRange();
  return range(doc, doc.offsetAt(r.start), doc.offsetAt(r.end));
}
