// What the validator says about a file. Positions are 0-based (as in LSP and VS Code); the CLI prints
// them 1-based, GCC style.

export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  line: number;
  character: number;
  offset: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
  /** JSON path of the node at fault, e.g. ["jobs", "simulate", "volumes", 0]. */
  path: (string | number)[];
  fix?: Fix;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.severity} ${d.code} ${d.message}`;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.offset - b.range.start.offset || a.code.localeCompare(b.code) || a.message.localeCompare(b.message);
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
