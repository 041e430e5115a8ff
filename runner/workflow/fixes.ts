// Turns a finding's path-based fix into text edits on the file.

import type { Fix, Range } from './diagnostic';
import type { Finding } from './finding';
import type { WorkflowSource } from './source/workflow-source';

export function buildFix(finding: Finding, source: WorkflowSource): Fix | undefined {
  const fix = finding.fix;
  if (!fix) return undefined;
  const path = fix.at ?? finding.path;
  switch (fix.kind) {
    case 'renameKey':
      return { title: fix.title, edits: [{ range: source.locate(path, 'key'), newText: fix.key }] };
    case 'replaceValue':
      return { title: fix.title, edits: [{ range: source.locate(path, 'value'), newText: fix.yaml }] };
    case 'addKey': {
      const at = source.insertionPoint(path);
      if (!at) return undefined;
      return { title: fix.title, edits: [{ range: { start: at.position, end: at.position }, newText: `${at.indent}${fix.key}: ${fix.yaml}\n` }] };
    }
    case 'remove': {
      const r = source.locate(path, 'pair');
      return { title: fix.title, edits: [{ range: wholeLines(r, source.text), newText: '' }] };
    }
  }
}

function wholeLines(r: Range, text: string): Range {
  const startOffset = r.start.offset - r.start.character;
  let endOffset = text.indexOf('\n', r.end.offset);
  endOffset = endOffset === -1 ? text.length : endOffset + 1;
  return {
    start: { line: r.start.line, character: 0, offset: startOffset },
    end: { line: r.end.line + 1, character: 0, offset: endOffset },
  };
}
