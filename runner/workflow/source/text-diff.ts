// What changed between two versions of a text, as one range: the longest common prefix and suffix.
// An editor sends one edit per keystroke, so this range is small, and finding it is the first step
// of re-validating only what an edit touched. Compared a block at a time: string equality is native
// code, a loop over characters in JavaScript would cost a millisecond on a 1 MB file. An editor that
// already knows the range (VS Code's change events) passes it instead, composed with composeChanges.

export interface TextChange {
  /** First offset that differs (the same in both texts). */
  start: number;
  /** End of the changed range in the old text and in the new one; what follows is the same. */
  oldEnd: number;
  newEnd: number;
}

const BLOCK = 4096;

/** The changed range, or undefined when the texts are equal. */
export function changedRange(before: string, after: string): TextChange | undefined {
  if (before === after) return undefined;
  const limit = Math.min(before.length, after.length);
  let start = 0;
  while (start + BLOCK <= limit && before.substring(start, start + BLOCK) === after.substring(start, start + BLOCK)) start += BLOCK;
  while (start < limit && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  // The suffix may not overlap the prefix: "aa" -> "aaa" is an insertion at the end, not a change of everything.
  const room = limit - start;
  let same = 0;
  const b = before.length;
  const a = after.length;
  while (same + BLOCK <= room && before.substring(b - same - BLOCK, b - same) === after.substring(a - same - BLOCK, a - same)) same += BLOCK;
  while (same < room && before.charCodeAt(b - 1 - same) === after.charCodeAt(a - 1 - same)) same++;
  return { start, oldEnd: b - same, newEnd: a - same };
}

/** One change for two edits in a row: `first` takes A to B, `second` takes B to C. */
export function composeChanges(first: TextChange, second: TextChange): TextChange {
  // In B, what neither edit touched starts at the later of the two ends.
  const sameFrom = Math.max(first.newEnd, second.oldEnd);
  return {
    start: Math.min(first.start, second.start),
    oldEnd: sameFrom - first.newEnd + first.oldEnd,
    newEnd: sameFrom - second.oldEnd + second.newEnd,
  };
}

/** Whether `change` can describe `before` -> `after` at all (the lengths add up, the range is inside both). */
export function fitsTexts(change: TextChange, before: string, after: string): boolean {
  const { start, oldEnd, newEnd } = change;
  return start >= 0 && oldEnd >= start && newEnd >= start && oldEnd <= before.length && newEnd <= after.length && after.length - newEnd === before.length - oldEnd;
}
