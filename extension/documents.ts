// Validation results per workflow document, kept so that the next validation of the same document is
// incremental (validateText's `previous`) and so that every provider reads one result per version.

import * as vscode from 'vscode';
import type { Diagnostic as CoreDiagnostic, Range as CoreRange } from '../runner/spec/diagnostic';
import type { ValidationResult } from '../runner/spec/validate';
import { settings } from './config';
import { core } from './core';

interface Entry {
  version: number;
  text?: string;
  profile: string | undefined;
  result: ValidationResult;
}

export class WorkflowDocuments implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly updated = new vscode.EventEmitter<vscode.Uri>();
  /** Fired after a document's diagnostics were published (debounced while typing). */
  readonly onDidUpdate = this.updated.event;

  /** The result for the document's current text (validated now if it changed since). */
  get(doc: vscode.TextDocument): ValidationResult {
    const key = doc.uri.toString();
    const profile = settings.profile(doc.uri);
    const old = this.entries.get(key);
    if (old && old.version === doc.version && old.text === undefined && old.profile === profile) return old.result;
    return this.validate(key, doc.getText(), doc.version, profile, old);
  }

  /** For a file that is not open in an editor (read from disk). */
  getText(uri: vscode.Uri, text: string): ValidationResult {
    const key = uri.toString();
    const profile = settings.profile(uri);
    const old = this.entries.get(key);
    if (old && old.text === text && old.profile === profile) return old.result;
    const r = this.validate(key, text, -1, profile, old);
    this.entries.get(key)!.text = text;
    return r;
  }

  peek(uri: vscode.Uri): ValidationResult | undefined {
    return this.entries.get(uri.toString())?.result;
  }

  forget(uri: vscode.Uri): void {
    this.entries.delete(uri.toString());
  }

  fireUpdated(uri: vscode.Uri): void {
    this.updated.fire(uri);
  }

  private validate(key: string, text: string, version: number, profile: string | undefined, old: Entry | undefined): ValidationResult {
    const result = core.spec().validateText(text, key, { previous: old?.result, profile: profile as never });
    this.entries.set(key, { version, profile, result });
    return result;
  }

  dispose(): void {
    this.entries.clear();
    this.updated.dispose();
  }
}

export function toRange(r: CoreRange): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function toVscodeDiagnostic(d: CoreDiagnostic): vscode.Diagnostic {
  const severity = d.severity === 'error' ? vscode.DiagnosticSeverity.Error : d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const out = new vscode.Diagnostic(toRange(d.range), d.message, severity);
  out.source = 'shifterflow';
  out.code = d.code;
  return out;
}

/** The core diagnostics behind VS Code ones (same code and start), for quick fixes and hover. */
export function coreDiagnosticsFor(result: ValidationResult, wanted: readonly vscode.Diagnostic[]): CoreDiagnostic[] {
  return result.diagnostics.filter((d) =>
    wanted.some((w) => w.source === 'shifterflow' && String(typeof w.code === 'object' ? w.code.value : w.code) === d.code && w.range.start.line === d.range.start.line && w.range.start.character === d.range.start.character),
  );
}
