// Turns a finding's path-based fix into text edits on the file.

import type { Fix } from './diagnostic';
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
  }
}
