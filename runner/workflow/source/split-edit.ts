// Splitting a workflow again after an edit (see split.ts) without scanning the whole file: only the
// lines the edit touched are read. Chunks before them keep their offsets, chunks after them move by
// the edit's length and keep their text (the very same string, so the parts parsed from it are found
// again by identity). The result is always the one splitWorkflow would give: whenever the edit could
// change more than the job lines around it (it is in the header or on the first job's key line, it
// reaches the line that ends the jobs block, or it writes a line the job level cannot hold), the
// whole text is split again.

import { countNewlines, headerAround, splitWorkflow, type JobChunk, type Split } from './split';
import { changedRange, fitsTexts, type TextChange } from './text-diff';

/**
 * The split of `text`, given the split of the previous version `before` of the same file, and what
 * changed between them if the caller knows it (else the texts are compared).
 */
export function splitEdited(before: string, previous: Split, text: string, known?: TextChange): Split {
  if (previous.chunks.length === 0) return splitWorkflow(text);
  const change = known && fitsTexts(known, before, text) ? known : changedRange(before, text);
  if (!change) return previous;
  const firstStart = previous.chunks[0].start;
  // Whole lines, since a line's role depends on how it starts: [from, oldTo) in the old text is
  // [from, newTo) in the new one, and everything outside is the same in both.
  const from = change.start === 0 ? 0 : text.lastIndexOf('\n', change.start - 1) + 1;
  const nl = before.indexOf('\n', change.oldEnd);
  const oldTo = nl === -1 ? before.length : nl + 1;
  const delta = text.length - before.length;
  const newTo = oldTo + delta;
  // The first key line fixes the indentation, and the block's end line may be a marker or a key.
  if (from <= firstStart || oldTo > previous.blockEnd) return splitWorkflow(text);
  const added = keyLines(text, from, newTo, previous.indent);
  if (!added) return splitWorkflow(text);

  const old = previous.chunks;
  // old[i - 1] is the chunk the edit starts in (or that ends where it starts): i >= 1 as the edit is
  // past the first key line. old[i..j) started on the edited lines; old[j..] come after them.
  const i = firstAtOrAfter(old, from);
  const j = firstAtOrAfter(old, oldTo);
  const toEnd = previous.blockEnd === before.length;
  const blockEnd = toEnd ? text.length : previous.blockEnd + delta;
  const chunks: JobChunk[] = old.slice(0, i - 1);
  const starts = [old[i - 1].start, ...added];
  starts.forEach((start, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] : j < old.length ? old[j].start + delta : blockEnd;
    const kept = k === 0 && end === old[i - 1].end && end <= from;
    chunks.push(kept ? old[i - 1] : { start, end, text: text.slice(start, end) });
  });
  for (let k = j; k < old.length; k++) {
    const c = old[k];
    chunks.push(delta === 0 ? c : { start: c.start + delta, end: c.end + delta, text: c.text });
  }

  const rest = { firstLine: previous.firstLine, chunks, blockEnd, indent: previous.indent };
  if (toEnd) return { header: previous.header, keptFrom: firstStart, removedAt: firstStart, removedLength: text.length - firstStart, ...rest };
  // Something follows the jobs: the header keeps the block's lines as empty ones, as many as there are now.
  const oldLines = previous.removedAt - previous.keptFrom;
  const blockLines = oldLines + countNewlines(text, from, newTo) - countNewlines(before, from, oldTo);
  if (blockLines !== oldLines) return { ...headerAround(text, firstStart, blockEnd, blockLines), ...rest };
  return { header: previous.header, keptFrom: firstStart, removedAt: previous.removedAt, removedLength: previous.removedLength + delta, ...rest };
}

/**
 * The job key lines among the lines of [from, to), or undefined when one of them is a line the
 * jobs block cannot hold as it was split (less indented than the jobs, or a tab at the job level):
 * the same tests as splitWorkflow's, line by line.
 */
function keyLines(text: string, from: number, to: number, indent: number): number[] | undefined {
  const starts: number[] = [];
  for (let at = from; at < to; ) {
    let s = at;
    while (text.charCodeAt(s) === 32) s++;
    const c = text.charCodeAt(s);
    const content = s < text.length && c !== 10 && c !== 13 && c !== 35; /* \n \r # */
    if (content && s - at <= indent) {
      if (s - at < indent || c === 9) return undefined;
      starts.push(at);
    }
    const nl = text.indexOf('\n', s);
    at = nl === -1 ? text.length : nl + 1;
  }
  return starts;
}

/** Index of the first chunk starting at or after `offset` (chunks are in text order). */
function firstAtOrAfter(chunks: readonly JobChunk[], offset: number): number {
  let lo = 0;
  let hi = chunks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (chunks[mid].start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
