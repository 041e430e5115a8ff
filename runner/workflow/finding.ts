// A finding is what a check reports before positions are known: a path into the workflow value and
// which part of that node is at fault. The locator turns findings into positioned diagnostics, so
// checks stay pure functions of the parsed value and never deal with text.

import type { Severity } from './diagnostic';

export type JsonPath = (string | number)[];

/** `key`: the mapping key of the node; `value`: the node itself; `pair`: key and value together. */
export type Anchor = 'key' | 'value' | 'pair';

export type FindingFix = (
  /** Replace the node's scalar value by this YAML text. */
  | { title: string; kind: 'replaceValue'; yaml: string }
  /** Rename the node's key. */
  | { title: string; kind: 'renameKey'; key: string }
  /** Add `key: yaml` to the mapping at the finding's path. */
  | { title: string; kind: 'addKey'; key: string; yaml: string }
) & {
  /** The node the fix edits, when not the one at fault (a path that needs a volume: the job's `volumes:`). */
  at?: JsonPath;
};

export interface Finding {
  code: string;
  message: string;
  path: JsonPath;
  anchor?: Anchor;
  /**
   * The part of the value at fault (a `${{ ... }}` inside a command), and which of its equal
   * occurrences: the diagnostic points at it where the file spells it the same way (not through
   * escapes), at the whole value otherwise.
   */
  quote?: { text: string; occurrence: number };
  severity?: Severity;
  fix?: FindingFix;
}
