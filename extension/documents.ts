// Validation results per workflow document, kept so that the next validation of the same document is
// incremental (validateText's `previous`) and so that every provider reads one result per version.

import * as vscode from 'vscode';
import type { Diagnostic as CoreDiagnostic, Range as CoreRange } from '../runner/workflow/diagnostic';
import type { TextChange } from '../runner/workflow/source/text-diff';
import type { ValidationResult } from '../runner/workflow/validate';
import { settings } from './config';
import { core } from './core';

interface Entry {
  version: number;
  text?: string;
  profile: string | undefined;
  result: ValidationResult;
}

/** The edits made to a document since its last validation, as VS Code reported them. */
interface Edits {
  /** The document's version now; the chain starts at the entry's version. */
  version: number;
  /** The entry's text with the edits applied (as VS Code applies them to its own copy). */
  text: string;
  change: TextChange;
}

export class WorkflowDocuments implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  private readonly edits = new Map<string, Edits>();
  /** How open documents were re-validated: from the edits VS Code reported, or from their whole text; how long the last validation took (for tests and benchmarks). */
  readonly counts = { fromReportedEdits: 0, fromWholeText: 0, lastMs: 0 };
  private readonly updated = new vscode.EventEmitter<vscode.Uri>();
  /** Fired after a document's diagnostics were published (debounced while typing). */
  readonly onDidUpdate = this.updated.event;
  private readonly validated = new vscode.EventEmitter<{ uri: vscode.Uri; result: ValidationResult }>();
  /**
   * Fired by every validation of a new version, whoever asked for it: VS Code often asks for the
   * outline or the code lenses of an edited document before the debounce ends, and the diagnostics
   * computed for them can be shown at once.
   */
  readonly onDidValidate = this.validated.event;

  /** The result for the document's current text (validated now if it changed since). */
  get(doc: vscode.TextDocument): ValidationResult {
    const key = doc.uri.toString();
    const profile = settings.profile(doc.uri);
    const old = this.entries.get(key);
    if (old && old.version === doc.version && old.text === undefined && old.profile === profile) return old.result;
    const edits = this.edits.get(key);
    this.edits.delete(key);
    // Known edits spare reading the whole text (getText joins every line: ms on a large file) and
    // comparing it with the last one; their text must still add up to the document's length.
    if (old && old.text === undefined && edits?.version === doc.version && edits.text.length === documentLength(doc)) {
      this.counts.fromReportedEdits++;
      return this.validate(doc.uri, edits.text, doc.version, profile, old, edits.change);
    }
    this.counts.fromWholeText++;
    return this.validate(doc.uri, doc.getText(), doc.version, profile, old);
  }

  /** Follows a change event of a validated document, so that the next validation knows what changed. */
  noteChange(e: vscode.TextDocumentChangeEvent): void {
    // Events without content changes (the dirty state flipped) leave the text as it is.
    if (e.contentChanges.length === 0) return;
    const key = e.document.uri.toString();
    const entry = this.entries.get(key);
    const known = this.edits.get(key);
    // Each event raises the version by one; a gap means an event was not seen: read the text then.
    const base = known ? { version: known.version, text: known.text, change: known.change as TextChange | undefined } : entry && entry.text === undefined ? { version: entry.version, text: entry.result.source.text, change: undefined } : undefined;
    if (!base || base.version !== e.document.version - 1) {
      this.edits.delete(key);
      return;
    }
    let { text, change } = base;
    // In order, each against the text the previous one left (how VS Code applies them to its copy).
    for (const c of e.contentChanges) {
      const step = { start: c.rangeOffset, oldEnd: c.rangeOffset + c.rangeLength, newEnd: c.rangeOffset + c.text.length };
      text = text.slice(0, step.start) + c.text + text.slice(step.oldEnd);
      change = change ? core.spec().composeChanges(change, step) : step;
    }
    this.edits.set(key, { version: e.document.version, text, change: change! });
  }

  /** For a file that is not open in an editor (read from disk). */
  getText(uri: vscode.Uri, text: string): ValidationResult {
    const key = uri.toString();
    const profile = settings.profile(uri);
    const old = this.entries.get(key);
    if (old && old.text === text && old.profile === profile) return old.result;
    const r = this.validate(uri, text, -1, profile, old);
    this.entries.get(key)!.text = text;
    return r;
  }

  peek(uri: vscode.Uri): ValidationResult | undefined {
    return this.entries.get(uri.toString())?.result;
  }

  forget(uri: vscode.Uri): void {
    this.entries.delete(uri.toString());
    this.edits.delete(uri.toString());
  }

  fireUpdated(uri: vscode.Uri): void {
    this.updated.fire(uri);
  }

  private validate(uri: vscode.Uri, text: string, version: number, profile: string | undefined, old: Entry | undefined, change?: TextChange): ValidationResult {
    const key = uri.toString();
    const started = performance.now();
    const result = core.spec().validateText(text, key, { previous: old?.result, profile: profile as never, change });
    this.counts.lastMs = performance.now() - started;
    this.entries.set(key, { version, profile, result });
    this.validated.fire({ uri, result });
    return result;
  }

  dispose(): void {
    this.entries.clear();
    this.edits.clear();
    this.updated.dispose();
    this.validated.dispose();
  }
}

/** The document's length without building its text (its line index is kept by VS Code). */
function documentLength(doc: vscode.TextDocument): number {
  return doc.offsetAt(doc.lineAt(doc.lineCount - 1).range.end);
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
