// Where the cursor is in a workflow file, as a JSON path: the text is parsed once more with a
// placeholder written where the person is typing, and the placeholder is looked up in the tree. This
// copes with half-typed lines (`    ima`, `image: `, `needs: [prep, `) that a plain parse cannot place.

import type { Document, Node } from 'yaml';
import type { JsonPath } from '../runner/workflow/finding';
import { core } from './core';

export interface CursorContext {
  /** Path of the mapping whose key is typed (kind `key`) or of the value being typed (kind `value`). */
  path: JsonPath;
  kind: 'key' | 'value';
  /** Start and end offsets of the word being typed (the text completion replaces). */
  wordStart: number;
  wordEnd: number;
  /** Keys already present in the mapping (kind `key`). */
  siblings: string[];
}

const KEY = '__sf_cursor_key__';
const VALUE = '__sf_cursor_value__';
const WORD = /[A-Za-z0-9_.\-:/$]/;

export function cursorContext(text: string, offset: number): CursorContext | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd === -1) lineEnd = text.length;
  const before = text.slice(lineStart, offset);
  if (/(^|\s)#/.test(before.replace(/(["'])(?:(?!\1).)*\1/g, ''))) return undefined; // in a comment
  let wordStart = offset;
  while (wordStart > lineStart && WORD.test(text[wordStart - 1])) wordStart--;
  let wordEnd = offset;
  while (wordEnd < lineEnd && WORD.test(text[wordEnd])) wordEnd++;
  const head = text.slice(lineStart, wordStart);
  const inFlow = /[[{][^\]}]*$/.test(head);
  // No `key:` before the word on this line (outside a flow collection): a key is being typed.
  const typingKey = !inFlow && /^\s*(?:-\s+)*$/.test(head);
  const rest = text.slice(wordEnd, lineEnd);
  const candidates = typingKey ? [`${KEY}:${/^\s*:/.test(rest) ? '' : ' '}`, VALUE] : [VALUE];
  for (const placeholder of candidates) {
    const patched = text.slice(0, wordStart) + placeholder + (typingKey && placeholder !== VALUE ? rest.replace(/^\s*:/, '') : rest) + text.slice(lineEnd);
    const doc = core.yaml().parseDocument(patched, { strict: false, uniqueKeys: false, logLevel: 'silent' });
    const found = find(doc, doc.contents as Node | null, [], placeholder === VALUE ? VALUE : KEY);
    if (!found) continue;
    if (found.kind === 'key') return { path: found.path, kind: 'key', wordStart, wordEnd, siblings: found.siblings };
    return { path: found.path, kind: 'value', wordStart, wordEnd, siblings: [] };
  }
  return undefined;
}

interface Found {
  path: JsonPath;
  kind: 'key' | 'value';
  siblings: string[];
}

function find(doc: Document, node: Node | null, path: JsonPath, placeholder: string): Found | undefined {
  const y = core.yaml();
  if (!node) return undefined;
  if (y.isScalar(node)) return node.value === placeholder ? { path, kind: 'value', siblings: [] } : undefined;
  if (y.isMap(node)) {
    const keys = node.items.map((p) => (y.isScalar(p.key) ? String(p.key.value) : '')).filter(Boolean);
    for (const pair of node.items) {
      const key = y.isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === placeholder) return { path, kind: 'key', siblings: keys.filter((k) => k !== placeholder) };
      if (key === undefined) continue;
      const inner = find(doc, pair.value as Node | null, [...path, key], placeholder);
      if (inner) return inner;
    }
    return undefined;
  }
  if (y.isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const inner = find(doc, node.items[i] as Node | null, [...path, i], placeholder);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** The JSON path of the key or value under `offset` in a parsed document, and which of the two it is. */
export function nodeAt(text: string, offset: number): { path: JsonPath; on: 'key' | 'value'; value?: unknown; start?: number } | undefined {
  const y = core.yaml();
  const doc = y.parseDocument(text, { strict: false, uniqueKeys: false, logLevel: 'silent' });
  let best: { path: JsonPath; on: 'key' | 'value'; value?: unknown; start?: number } | undefined;
  const within = (n: Node | null | undefined) => !!n?.range && n.range[0] <= offset && offset <= n.range[1];
  const walk = (node: Node | null, path: JsonPath): void => {
    if (!node) return;
    if (y.isMap(node)) {
      for (const pair of node.items) {
        const k = pair.key as Node | null;
        if (!y.isScalar(k)) continue;
        const key = String(k.value);
        if (within(k)) {
          best = { path: [...path, key], on: 'key' };
          return;
        }
        const v = pair.value as Node | null;
        if (within(v)) {
          if (y.isScalar(v)) best = { path: [...path, key], on: 'value', value: v.value, start: v.range![0] };
          walk(v, [...path, key]);
          return;
        }
      }
    } else if (y.isSeq(node)) {
      node.items.forEach((item, i) => {
        const n = item as Node | null;
        if (within(n)) {
          if (y.isScalar(n)) best = { path: [...path, i], on: 'value', value: n.value, start: n.range![0] };
          walk(n, [...path, i]);
        }
      });
    }
  };
  walk(doc.contents as Node | null, []);
  return best;
}
