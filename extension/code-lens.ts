// CodeLens above each job: "Run job" and "Preview sbatch"; above `jobs:`, "Run workflow".

import * as vscode from 'vscode';
import { toRange, type WorkflowDocuments } from './documents';
import { isWorkflowDocument } from './workflow-files';

export class WorkflowCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly documents: WorkflowDocuments) {
    documents.onDidUpdate(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] | undefined {
    if (!isWorkflowDocument(doc)) return undefined;
    const result = this.documents.get(doc);
    const jobs = (result.source.value as { jobs?: unknown } | undefined)?.jobs;
    if (!jobs || typeof jobs !== 'object' || Array.isArray(jobs)) return [];
    const lenses: vscode.CodeLens[] = [];
    const top = toRange(result.source.locate(['jobs'], 'key'));
    lenses.push(new vscode.CodeLens(top, { title: '$(play) Run workflow', command: 'shifterflow.runWorkflow', arguments: [doc.uri] }));
    for (const name of Object.keys(jobs)) {
      const r = toRange(result.source.jobOutline(name)?.key ?? result.source.locate(['jobs', name], 'key'));
      lenses.push(
        new vscode.CodeLens(r, { title: '$(play) Run job', command: 'shifterflow.runJob', arguments: [doc.uri, name] }),
        new vscode.CodeLens(r, { title: 'Preview sbatch', command: 'shifterflow.previewSbatch', arguments: [doc.uri, name] }),
      );
    }
    return lenses;
  }
}
