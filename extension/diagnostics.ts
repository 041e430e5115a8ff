// Diagnostics while typing: the same codes, messages and ranges as `shifterflow validate`, computed
// in-process, debounced, and incremental (each validation reuses the previous result of the document).
// Workflow files changed on disk (and not open in an editor) are re-validated through chokidar.

import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { PerDocumentDelay } from './per-document-delay';
import { settings } from './config';
import type { ValidationResult } from '../runner/workflow/validate';
import { WorkflowDocuments, toVscodeDiagnostic } from './documents';
import { isWorkflowDocument, isWorkflowFileName } from './workflow-files';

export class WorkflowDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('shifterflow');
  private readonly pending = new PerDocumentDelay();
  private readonly disposables: vscode.Disposable[] = [];
  private watcher: { close(): Promise<void> } | undefined;

  constructor(
    private readonly documents: WorkflowDocuments,
    options: { deferInitial?: boolean } = {},
  ) {
    this.disposables.push(
      documents.onDidValidate(({ uri, result }) => this.publish(uri, result)),
      vscode.workspace.onDidOpenTextDocument((d) => this.validateNow(d)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (!isWorkflowDocument(e.document)) return;
        this.documents.noteChange(e);
        this.schedule(e.document);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.closed(d)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('shifterflow.profile')) for (const d of vscode.workspace.textDocuments) this.validateNow(d);
      }),
    );
    if (!options.deferInitial) this.validateOpen();
  }

  validateOpen(): void {
    for (const d of vscode.workspace.textDocuments) this.validateNow(d);
  }

  /** Validates now and publishes; returns the number of diagnostics (undefined: not a workflow). */
  validateNow(doc: vscode.TextDocument): number | undefined {
    if (!isWorkflowDocument(doc)) return undefined;
    this.pending.cancel(doc.uri);
    const known = this.documents.peek(doc.uri);
    const result = this.documents.get(doc);
    // A new validation has published itself (onDidValidate); a result already known is shown again.
    if (result === known) this.publish(doc.uri, result);
    return result.diagnostics.length;
  }

  private publish(uri: vscode.Uri, result: ValidationResult): void {
    this.pending.cancel(uri);
    this.collection.set(uri, result.diagnostics.map(toVscodeDiagnostic));
    this.documents.fireUpdated(uri);
  }

  /** For a workflow document that changed (the change listener checked). */
  private schedule(doc: vscode.TextDocument): void {
    this.pending.schedule(doc, settings.validationDelay(), (d) => this.validateNow(d));
  }

  private closed(doc: vscode.TextDocument): void {
    this.pending.cancel(doc.uri);
    // A file on disk keeps its diagnostics (the watcher owns it from now on); anything else loses them.
    if (doc.uri.scheme !== 'file' || !isWorkflowFileName(doc.uri.path)) {
      this.collection.delete(doc.uri);
      this.documents.forget(doc.uri);
    }
  }

  /** A workflow file on disk was added or changed: validate it unless an editor has it open. */
  async validateFile(path: string): Promise<void> {
    const uri = vscode.Uri.file(path);
    if (vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) return;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      this.collection.delete(uri);
      return;
    }
    const known = this.documents.peek(uri);
    const result = this.documents.getText(uri, text);
    if (result === known) this.publish(uri, result);
  }

  /** chokidar over the workspace folders: workflow files added, changed or removed on disk. */
  async watch(folders: readonly string[]): Promise<void> {
    if (!settings.watchFiles() || folders.length === 0) return;
    const { watch } = await import('chokidar');
    const skip = /(^|[\\/])(node_modules|\.git|\.shifterflow|out|dist)([\\/]|$)/;
    const w = watch([...folders], {
      ignoreInitial: false,
      depth: 6,
      ignored: (p: string, stats?: { isFile(): boolean }) => skip.test(p) || (stats?.isFile() === true && !isWorkflowFileName(p)),
      awaitWriteFinish: { stabilityThreshold: 100, pollInterval: 50 },
    });
    w.on('add', (p: string) => void this.validateFile(p));
    w.on('change', (p: string) => void this.validateFile(p));
    w.on('unlink', (p: string) => {
      const uri = vscode.Uri.file(p);
      if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) {
        this.collection.delete(uri);
        this.documents.forget(uri);
      }
    });
    this.watcher = w;
  }

  dispose(): void {
    this.pending.dispose();
    void this.watcher?.close();
    this.collection.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
