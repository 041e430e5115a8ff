// CodeLens above each job: "Run job" and "Preview sbatch", then the cache lens (cache-lens.ts: "cached
// (RUN)" or "runs: WHY"); above `jobs:`, "Run workflow".

import * as vscode from 'vscode';
import type { CacheLens } from './cache-lens';
import { toRange, type WorkflowDocuments } from './documents';
import { isWorkflowDocument } from './workflow-files';

export class WorkflowCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(
    private readonly documents: WorkflowDocuments,
    private readonly cache?: CacheLens,
  ) {
    documents.onDidUpdate(() => this.changed.fire());
    cache?.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] | undefined {
    if (!isWorkflowDocument(doc)) return undefined;
    const result = this.documents.get(doc);
    const jobs = (result.source.value as { jobs?: unknown } | undefined)?.jobs;
    if (!jobs || typeof jobs !== 'object' || Array.isArray(jobs)) return [];
    const lenses: vscode.CodeLens[] = [];
    const top = toRange(result.source.locate(['jobs'], 'key'));
    lenses.push(new vscode.CodeLens(top, { title: '$(play) Run workflow', command: 'shifterflow.runWorkflow', arguments: [doc.uri] }));
    const jobRanges = new Map<string, vscode.Range>();
    for (const name of Object.keys(jobs)) {
      const r = toRange(result.source.jobOutline(name)?.key ?? result.source.locate(['jobs', name], 'key'));
      jobRanges.set(name, r);
      lenses.push(
        new vscode.CodeLens(r, { title: '$(play) Run job', command: 'shifterflow.runJob', arguments: [doc.uri, name] }),
        new vscode.CodeLens(r, { title: 'Preview sbatch', command: 'shifterflow.previewSbatch', arguments: [doc.uri, name] }),
      );
    }
    if (this.cache) lenses.push(...this.cache.lenses(doc, top, jobRanges));
    return lenses;
  }
}
