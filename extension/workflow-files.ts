// Which documents are shifterflow workflows: by name (`*.shifterflow.yaml`, `shifterflow.yaml`, and the
// `.yml` spellings) or, for any other YAML file, by the marker `# shifterflow` on the first line. The
// files stay in the `yaml` language, so YAML colouring, Red Hat's YAML extension and formatters keep
// working on them; every provider asks isWorkflowDocument first.

import type * as vscode from 'vscode';

export const WORKFLOW_FILE_GLOBS = ['**/*.shifterflow.yaml', '**/*.shifterflow.yml', '**/shifterflow.yaml', '**/shifterflow.yml'];
export const WORKFLOW_FILE_GLOB = '**/{*.shifterflow.yaml,*.shifterflow.yml,shifterflow.yaml,shifterflow.yml}';

/** `# shifterflow` (any case, any text after a blank) alone at the start of the first line. */
export const FIRST_LINE_MARKER = /^#\s*shifterflow(?:\s|$)/i;

export function isWorkflowFileName(path: string): boolean {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  return /\.shifterflow\.ya?ml$/i.test(base) || /^shifterflow\.ya?ml$/i.test(base);
}

export function hasMarker(text: string): boolean {
  const end = text.indexOf('\n');
  return FIRST_LINE_MARKER.test(end === -1 ? text : text.slice(0, end));
}

export function isWorkflowDocument(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled' && doc.uri.scheme !== 'vscode-remote') return false;
  if (isWorkflowFileName(doc.uri.path)) return true;
  return doc.languageId === 'yaml' && doc.lineCount > 0 && FIRST_LINE_MARKER.test(doc.lineAt(0).text);
}
