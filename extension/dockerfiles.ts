// Dockerfile diagnostics and quick fixes: the core's Shifter rules (runner/dockerfile) over every open
// document of language `dockerfile` (VS Code's built-in Docker language: Dockerfile, Containerfile,
// *.dockerfile, Dockerfile.*), or named like one when another extension gave it a language. Read-only,
// in-process: allowed in Restricted Mode, no program is ever started. Debounced like workflow files.

import * as vscode from 'vscode';
import { PerDocumentDelay } from './per-document-delay';
import { isDockerfileName } from '../runner/dockerfile/file-names';
import type { Diagnostic as CoreDiagnostic } from '../runner/workflow/diagnostic';
import { settings } from './config';
import { toRange, toVscodeDiagnostic } from './documents';

type DockerfileMod = typeof import('../runner/dockerfile');
let mod: DockerfileMod | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rules = (): DockerfileMod => (mod ??= require('../runner/dockerfile') as DockerfileMod);

export const DOCKERFILE_SELECTOR: vscode.DocumentSelector = [{ language: 'dockerfile' }, { pattern: '**/{Dockerfile,Containerfile,*.Dockerfile,*.dockerfile,Dockerfile.*}' }];

export function isDockerfileDocument(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled' && doc.uri.scheme !== 'vscode-remote') return false;
  if (doc.languageId === 'dockerfile') return true;
  const base = doc.uri.path.slice(doc.uri.path.lastIndexOf('/') + 1);
  return isDockerfileName(base);
}

export class DockerfileDiagnostics implements vscode.Disposable, vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  readonly collection = vscode.languages.createDiagnosticCollection('shifterflow-dockerfile');
  private readonly results = new Map<string, { version: number; diagnostics: CoreDiagnostic[] }>();
  private readonly pending = new PerDocumentDelay();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.checkNow(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        this.pending.cancel(d.uri);
        this.collection.delete(d.uri);
        this.results.delete(d.uri.toString());
      }),
    );
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
