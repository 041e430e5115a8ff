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

export interface JobChunk {
  /** Offset of the chunk's first character (the job key line) in the whole text. */
  start: number;
  /** Offset just past the chunk's last character. */
  end: number;
  /** 0-based line of the chunk's first line. */
  line: number;
  text: string;
}

export interface Split {
  /**
   * The text without the job chunks, their lines kept as empty lines so that header line numbers
   * stay those of the file. Header offsets at or past `removedAt` shift by `removedLength`.
   */
  header: string;
  /** Header offset where the job lines (kept as empty lines) begin. */
  keptFrom: number;
  removedAt: number;
  removedLength: number;
  chunks: JobChunk[];
}

export const noSplit = (text: string): Split => ({ header: text, keptFrom: text.length, removedAt: text.length, removedLength: 0, chunks: [] });

export function splitWorkflow(text: string): Split {
  let jobsLineEnd = -1; // offset just past the newline of the `jobs:` line
  let jobsBlockEnd = text.length;
  let lineNo = 0;
  const lineOffsets: number[] = [];
  let pos = 0;
  // Pass 1: find the top-level `jobs:` key and the end of its block (the next column-0 content line).
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl === -1 ? text.length : nl;
    const first = text.charCodeAt(pos);
    if (first !== 32 && first !== 10 && first !== 13 && first !== 35 /* # */) {
      if (jobsLineEnd !== -1 && pos >= jobsLineEnd) {
        if (text.startsWith('jobs:', pos)) return noSplit(text);
        if (jobsBlockEnd === text.length) jobsBlockEnd = pos;
        // keep scanning only to refuse a second jobs: or document markers
      }
      if (first === 37 /* % */ || (first === 45 && text.startsWith('---', pos) && lineNo > 0) || (first === 46 && text.startsWith('...', pos))) {
        return noSplit(text);
      }
      if (jobsLineEnd === -1 && text.startsWith('jobs:', pos)) {
        const rest = text.slice(pos + 5, lineEnd).trim();
        if (rest !== '' && !rest.startsWith('#')) return noSplit(text);
        jobsLineEnd = nl === -1 ? text.length : nl + 1;
      }
    }
    lineOffsets.push(pos);
    lineNo++;
    pos = nl === -1 ? text.length : nl + 1;
  }
  if (jobsLineEnd === -1 || jobsLineEnd >= text.length) return noSplit(text);

  // Pass 2: inside the jobs block, the first content line fixes the job indentation.
  let indent = -1;
  const starts: { offset: number; line: number }[] = [];
  let line = lineIndexOf(lineOffsets, jobsLineEnd);
  for (let p = jobsLineEnd; p < jobsBlockEnd; line++) {
    const nl = text.indexOf('\n', p);
    const next = nl === -1 || nl + 1 > jobsBlockEnd ? jobsBlockEnd : nl + 1;
    let i = p;
    while (i < next && text.charCodeAt(i) === 32) i++;
    const c = text.charCodeAt(i);
    const blank = i >= next || c === 10 || c === 13 || c === 35;
    if (!blank) {
      if (c === 9) return noSplit(text); // tab indentation: let the parser report it
      const col = i - p;
      if (indent === -1) {
        if (col === 0) return noSplit(text);
        indent = col;
      }
      if (col < indent) return noSplit(text);
      if (col === indent) starts.push({ offset: p, line });
    }
    p = next;
  }
  if (starts.length === 0) return noSplit(text);

  const chunks: JobChunk[] = starts.map((s, k) => {
    const end = k + 1 < starts.length ? starts[k + 1].offset : jobsBlockEnd;
    return { start: s.offset, end, line: s.line, text: text.slice(s.offset, end) };
  });
  const first = chunks[0].start;
  let lines = line - starts[0].line;
  if (text.charCodeAt(jobsBlockEnd - 1) !== 10) lines--; // the block runs to a last line without newline
  const kept = '\n'.repeat(lines);
  return {
    header: text.slice(0, first) + kept + text.slice(jobsBlockEnd),
    keptFrom: first,
    removedAt: first + kept.length,
    removedLength: jobsBlockEnd - first - kept.length,
    chunks,
  };
}

function lineIndexOf(lineOffsets: number[], offset: number): number {
  let lo = 0;
  let hi = lineOffsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineOffsets[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lineOffsets[lo] === offset ? lo : lo + 1;
}
