// Dockerfile diagnostics and quick fixes: the core's Shifter rules (runner/dockerfile) over every open
// document of language `dockerfile` (VS Code's built-in Docker language: Dockerfile, Containerfile,
// *.dockerfile, Dockerfile.*), or named like one when another extension gave it a language. Read-only,
// in-process: allowed in Restricted Mode, no program is ever started. Debounced like workflow files.
// Dockerfiles of the workspace that nobody has open are read from disk (at most WORKSPACE_LIMIT, found
// after activation) and followed by a file watcher; an open document always counts with its live text.

import * as vscode from 'vscode';
import { PerDocumentDelay } from './per-document-delay';
import { isDockerfileName } from '../runner/dockerfile/file-names';
import type { Diagnostic as CoreDiagnostic } from '../runner/workflow/diagnostic';
import { settings } from './config';
import { core } from './core';
import { toRange, toVscodeDiagnostic } from './documents';

const rules = core.dockerfile;

export const DOCKERFILE_SELECTOR: vscode.DocumentSelector = [{ language: 'dockerfile' }, { pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,Dockerfile.*}' }];

export function isDockerfileDocument(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled' && doc.uri.scheme !== 'vscode-remote') return false;
  if (doc.languageId === 'dockerfile') return true;
  const base = doc.uri.path.slice(doc.uri.path.lastIndexOf('/') + 1);
  return isDockerfileName(base);
}

/** The Dockerfiles looked for on disk (the activation events' names). */
export const WORKSPACE_DOCKERFILES = '**/{Dockerfile,*.Dockerfile,Dockerfile.*}';
const WORKSPACE_EXCLUDE = '**/{node_modules,.git,.shifterflow}/**';
const WORKSPACE_LIMIT = 200;
/** Bigger files are no Dockerfile a person wrote: not read. */
const MAX_BYTES = 1024 * 1024;

export class DockerfileDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  readonly collection = vscode.languages.createDiagnosticCollection('shifterflow-dockerfile');
  private readonly results = new Map<string, { version: number; diagnostics: CoreDiagnostic[] }>();
  private readonly pending = new PerDocumentDelay();
  private readonly disposables: vscode.Disposable[] = [];
  /** Workspace Dockerfiles on disk (by URI string), shown from their saved text while not open. */
  private readonly onDisk = new Set<string>();

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.checkNow(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.pending.cancel(d.uri);
        this.results.delete(d.uri.toString());
        // A workspace Dockerfile keeps its problems (those of the file as saved); any other goes.
        if (this.onDisk.has(d.uri.toString())) void this.checkFile(d.uri);
        else this.collection.delete(d.uri);
      }),
    );
  }

  /** Finds the workspace's Dockerfiles, checks those not open and follows them; resolves with how many were found. */
  async watchWorkspace(): Promise<number> {
    const watcher = vscode.workspace.createFileSystemWatcher(WORKSPACE_DOCKERFILES);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => this.fileChanged(uri)),
      watcher.onDidChange((uri) => this.fileChanged(uri)),
      watcher.onDidDelete((uri) => {
        this.onDisk.delete(uri.toString());
        if (!this.openDocument(uri)) this.collection.delete(uri);
      }),
    );
    const files = await vscode.workspace.findFiles(WORKSPACE_DOCKERFILES, WORKSPACE_EXCLUDE, WORKSPACE_LIMIT);
    for (const uri of files) {
      this.onDisk.add(uri.toString());
      await this.checkFile(uri);
    }
    return files.length;
  }

  private fileChanged(uri: vscode.Uri): void {
    if (/\/(?:node_modules|\.git|\.shifterflow)\//.test(uri.path)) return;
    if (!this.onDisk.has(uri.toString()) && this.onDisk.size >= WORKSPACE_LIMIT) return;
    this.onDisk.add(uri.toString());
    void this.checkFile(uri);
  }

  private openDocument(uri: vscode.Uri): vscode.TextDocument | undefined {
    const key = uri.toString();
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
  }

  /** A Dockerfile not open in an editor, from its saved text (an open one is checked by its events). */
  private async checkFile(uri: vscode.Uri): Promise<void> {
    if (this.openDocument(uri)) return;
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type !== vscode.FileType.File || stat.size > MAX_BYTES) return;
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      // Opened (or deleted) while it was read: the document's events, or the watcher, decide.
      if (this.openDocument(uri) || !this.onDisk.has(uri.toString())) return;
      this.collection.set(uri, rules().checkDockerfile(text, vscode.workspace.asRelativePath(uri)).map(toVscodeDiagnostic));
    } catch {
      // Gone or unreadable: nothing to show.
      this.collection.delete(uri);
    }
  }

  checkOpen(): void {
    for (const d of vscode.workspace.textDocuments) this.checkNow(d);
  }

  /** Checks now and publishes; returns the core diagnostics (undefined: not a Dockerfile). */
  checkNow(doc: vscode.TextDocument): CoreDiagnostic[] | undefined {
    if (!isDockerfileDocument(doc)) return undefined;
    this.pending.cancel(doc.uri);
    const diagnostics = this.get(doc);
    this.collection.set(doc.uri, diagnostics.map(toVscodeDiagnostic));
    return diagnostics;
  }

  private get(doc: vscode.TextDocument): CoreDiagnostic[] {
    const key = doc.uri.toString();
    const known = this.results.get(key);
    if (known && known.version === doc.version) return known.diagnostics;
    const diagnostics = rules().checkDockerfile(doc.getText(), vscode.workspace.asRelativePath(doc.uri));
    this.results.set(key, { version: doc.version, diagnostics });
    return diagnostics;
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isDockerfileDocument(doc)) return;
    this.pending.schedule(doc, settings.validationDelay(), (d) => this.checkNow(d));
  }

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] | undefined {
    if (!isDockerfileDocument(doc)) return undefined;
    // Checked against the current text, so the edits' offsets match it.
    const actions: vscode.CodeAction[] = [];
    for (const d of this.get(doc)) {
      if (!d.fix) continue;
      const shown = context.diagnostics.filter((v) => v.source === 'shifterflow' && String(v.code) === d.code && v.range.start.line === d.range.start.line && v.range.start.character === d.range.start.character);
      if (shown.length === 0) continue;
      const action = new vscode.CodeAction(d.fix.title, vscode.CodeActionKind.QuickFix);
      const edit = new vscode.WorkspaceEdit();
      for (const e of d.fix.edits) edit.replace(doc.uri, toRange(e.range), e.newText);
      action.edit = edit;
      action.isPreferred = true;
      action.diagnostics = shown;
      actions.push(action);
    }
    return actions;
  }

  dispose(): void {
    this.pending.dispose();
    this.collection.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
