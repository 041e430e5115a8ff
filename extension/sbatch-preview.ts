// "Preview sbatch Script": a read-only virtual document beside the workflow, holding exactly what
// `renderJob` writes for the job, re-rendered while the person types.

import * as path from 'node:path';
import * as vscode from 'vscode';
import { core } from './core';
import type { WorkflowDocuments } from './documents';
import { WORKFLOW_FILE_GLOB, isWorkflowDocument } from './workflow-files';

export const SBATCH_SCHEME = 'shifterflow-sbatch';

export function previewUri(source: vscode.Uri, job: string): vscode.Uri {
  const base = source.path.split('/').pop() ?? 'workflow';
  return vscode.Uri.from({ scheme: SBATCH_SCHEME, path: `/${base}/${job}.sbatch`, query: source.toString() });
}

export class SbatchPreviewProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly documents: WorkflowDocuments) {
    documents.onDidUpdate((source) => {
      for (const d of vscode.workspace.textDocuments) if (d.uri.scheme === SBATCH_SCHEME && d.uri.query === source.toString()) this.changed.fire(d.uri);
    });
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const source = vscode.Uri.parse(uri.query);
    const job = decodeURIComponent(uri.path.split('/').pop()!.replace(/\.sbatch$/, ''));
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === source.toString()) ?? (await vscode.workspace.openTextDocument(source));
    return renderPreview(this.documents, doc, job);
  }
}

export function renderPreview(documents: WorkflowDocuments, doc: vscode.TextDocument, job: string): string {
  const result = documents.get(doc);
  if (!result.workflow) {
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    return [`# Cannot render job ${job}: the workflow has ${errors.length} error(s).`, ...errors.map((d) => `#   line ${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} ${d.message}`), ''].join('\n');
  }
  try {
    const plan = core.plan().planWorkflow(result.workflow, result.profile, doc.uri.scheme === 'file' ? { workflowDir: path.dirname(doc.uri.fsPath) } : {});
    const planned = plan.jobs.find((j) => j.key === job);
    if (!planned) return `# No job "${job}" in workflow ${plan.workflow}.\n`;
    return core.render().renderJob(planned, plan);
  } catch (err) {
    return `# Cannot render job ${job}: ${(err as Error).message}\n`;
  }
}

/** Opens (or reveals) the preview; asks for the job when the file has several. */
export async function previewSbatch(documents: WorkflowDocuments, target?: vscode.Uri, job?: string): Promise<vscode.Uri | undefined> {
  const doc = await workflowDocument(target);
  if (!doc) return undefined;
  if (!job) {
    const jobs = Object.keys(((documents.get(doc).source.value as { jobs?: object } | undefined)?.jobs ?? {}) as object);
    if (jobs.length === 0) {
      void vscode.window.showWarningMessage('Shifter: this workflow has no jobs to render.');
      return undefined;
    }
    job = jobs.length === 1 ? jobs[0] : await vscode.window.showQuickPick(jobs, { placeHolder: 'Job whose sbatch script to preview' });
    if (!job) return undefined;
  }
  const uri = previewUri(doc.uri, job);
  const preview = await vscode.workspace.openTextDocument(uri);
  if (preview.languageId !== 'shellscript') await vscode.languages.setTextDocumentLanguage(preview, 'shellscript');
  await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: true });
  return uri;
}

/** The workflow a command is about: its argument, else the active editor's, else one picked. */
export async function workflowDocument(target?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  if (target) return vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString()) ?? vscode.workspace.openTextDocument(target);
  const active = vscode.window.activeTextEditor?.document;
  if (active && isWorkflowDocument(active)) return active;
  const files = await vscode.workspace.findFiles(WORKFLOW_FILE_GLOB, '**/{node_modules,.shifterflow}/**', 50);
  if (files.length === 0) {
    void vscode.window.showWarningMessage('Shifter: open a workflow file (*.shifterflow.yaml, shifterflow.yaml, or YAML starting with "# shifterflow").');
    return undefined;
  }
  const pick = files.length === 1 ? files[0] : (await vscode.window.showQuickPick(files.map((f) => ({ label: vscode.workspace.asRelativePath(f), uri: f })), { placeHolder: 'Workflow file' }))?.uri;
  return pick ? vscode.workspace.openTextDocument(pick) : undefined;
}
