// A finding's range narrowed from a whole value to the part at fault (`${{ inputs.typo }}` in a
// long command), found in the file's own text so no YAML escape rule has to be undone here.

import type { Position, Range } from './diagnostic';
import type { Finding } from './finding';

export function narrowTo(text: string, range: Range, quote: Finding['quote']): Range {
  if (!quote || quote.text === '') return range;
  const within = text.slice(range.start.offset, range.end.offset);
  let at = -1;
  for (let i = 0; i <= quote.occurrence; i++) {
    at = within.indexOf(quote.text, at + 1);
    if (at === -1) return range;
  }
  const start = advance(range.start, within, at);
  return { start, end: advance(start, quote.text, quote.text.length) };
}

/** The position `count` characters of `text` after `from`, where `text` starts at `from`. */
function advance(from: Position, text: string, count: number): Position {
  let { line, character } = from;
  for (let i = 0; i < count; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      character = 0;
    } else character++;
  }
  return { line, character, offset: from.offset + count };
}
