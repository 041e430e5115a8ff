// Splits a workflow's text into a header and one chunk per job, so that a large file is parsed a job
// at a time and an edit re-parses only the job it touched. Only plain block-style layouts are split:
//
//   name: x          <- header (everything outside the jobs block)
//   jobs:
//     a:             <- chunk "a": from its key line to the next job key
//       command: ...
//
// Anything else (a flow-style `jobs: {...}`, several documents, directives, a second `jobs:`) gives
// no chunks and the caller parses the whole text as one document. The split is sound for valid YAML:
// in a block mapping every line indented exactly at the job level, outside comments, starts a new key.
// It runs on every keystroke over the whole file, so it scans with regular expressions (native code)
// and leaves line numbers to the caller, which knows each chunk's line count from its parse.

export interface JobChunk {
  /** Offset of the chunk's first character (the job key line) in the whole text. */
  start: number;
  /** Offset just past the chunk's last character. */
  end: number;
  text: string;
}

export interface Split {
  /**
   * The text without the job chunks. When something follows the jobs block, the chunks' lines are
   * kept as empty lines so header line numbers stay those of the file. Header offsets at or past
   * `removedAt` shift by `removedLength`; offsets in [keptFrom, removedAt) are those kept lines.
   */
  header: string;
  keptFrom: number;
  removedAt: number;
  removedLength: number;
  /** 0-based line of the first chunk. */
  firstLine: number;
  chunks: JobChunk[];
  /** Where the jobs block ends (the text's length when nothing follows it) and the jobs' indentation: what re-splitting after an edit needs (split-edit.ts). */
  blockEnd: number;
  indent: number;
}

export const noSplit = (text: string): Split => ({ header: text, keptFrom: text.length, removedAt: text.length, removedLength: 0, firstLine: 0, chunks: [], blockEnd: text.length, indent: 0 });

/** A line that starts with content at column 0 (not blank, not a comment). */
const COLUMN_ZERO = /^[^ \r\n#]/gm;
/** The first content line of the jobs block, with its indentation. */
const FIRST_CONTENT = /^( *)([^ \r\n#])/gm;

export function splitWorkflow(text: string): Split {
  let jobsLineEnd = -1; // offset just past the newline of the `jobs:` line
  let jobsBlockEnd = text.length;
  COLUMN_ZERO.lastIndex = 0;
  for (let m = COLUMN_ZERO.exec(text); m; m = COLUMN_ZERO.exec(text)) {
    const pos = m.index;
    if (!atLineStart(text, pos)) continue;
    const c = text.charCodeAt(pos);
    if (c === 37 /* % */ || (c === 45 && pos > 0 && text.startsWith('---', pos)) || (c === 46 && text.startsWith('...', pos))) return noSplit(text);
    if (jobsLineEnd === -1) {
      if (!text.startsWith('jobs:', pos)) continue;
      const nl = text.indexOf('\n', pos);
      const rest = text.slice(pos + 5, nl === -1 ? text.length : nl).trim();
      if (rest !== '' && !rest.startsWith('#')) return noSplit(text);
      jobsLineEnd = nl === -1 ? text.length : nl + 1;
      continue;
    }
    if (text.startsWith('jobs:', pos)) return noSplit(text);
    if (jobsBlockEnd === text.length) jobsBlockEnd = pos; // keep scanning: a second jobs: or a marker refuses
  }
  if (jobsLineEnd === -1 || jobsLineEnd >= jobsBlockEnd) return noSplit(text);

  // The first content line of the block fixes the job indentation.
  FIRST_CONTENT.lastIndex = jobsLineEnd;
  let first = FIRST_CONTENT.exec(text);
  while (first && !atLineStart(text, first.index)) first = FIRST_CONTENT.exec(text);
  if (!first || first.index >= jobsBlockEnd) return noSplit(text);
  const indent = first[1].length;
  if (indent === 0 || first[2] === '\t') return noSplit(text);

  // Lines indented at most `indent` and starting with content: job keys (exactly `indent`), or a
  // layout the split cannot trust (less, or a tab after the spaces).
  const keyLine = new RegExp(`^ {0,${indent}}(?=[^ \\r\\n#])`, 'gm');
  keyLine.lastIndex = first.index;
  const starts: number[] = [];
  for (let m = keyLine.exec(text); m && m.index < jobsBlockEnd; m = keyLine.exec(text)) {
    if (!atLineStart(text, m.index)) continue;
    if (m[0].length !== indent || text.charCodeAt(m.index + indent) === 9) return noSplit(text);
    starts.push(m.index);
  }
  if (starts.length === 0) return noSplit(text);

  const chunks: JobChunk[] = starts.map((start, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] : jobsBlockEnd;
    return { start, end, text: text.slice(start, end) };
  });
  const firstStart = starts[0];
  const firstLine = countNewlines(text, 0, firstStart);
  if (jobsBlockEnd === text.length) {
    // Nothing after the jobs: the header is what comes before them.
    return { header: text.slice(0, firstStart), keptFrom: firstStart, removedAt: firstStart, removedLength: text.length - firstStart, firstLine, chunks, blockEnd: jobsBlockEnd, indent };
  }
  return { ...headerAround(text, firstStart, jobsBlockEnd, countNewlines(text, firstStart, jobsBlockEnd)), firstLine, chunks, blockEnd: jobsBlockEnd, indent };
}

/** The header of a file where something follows the jobs block: the block's lines are kept empty. */
export function headerAround(text: string, firstStart: number, blockEnd: number, blockLines: number): Pick<Split, 'header' | 'keptFrom' | 'removedAt' | 'removedLength'> {
  const kept = '\n'.repeat(blockLines);
  return {
    header: text.slice(0, firstStart) + kept + text.slice(blockEnd),
    keptFrom: firstStart,
    removedAt: firstStart + kept.length,
    removedLength: blockEnd - firstStart - kept.length,
  };
}

/** JavaScript's multiline `^` also matches after \r, U+2028 and U+2029; YAML lines start after \n. */
function atLineStart(text: string, at: number): boolean {
  return at === 0 || text.charCodeAt(at - 1) === 10;
}

export function countNewlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
