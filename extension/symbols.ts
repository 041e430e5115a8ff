// The outline: images, volumes, jobs and their steps.

import * as vscode from 'vscode';
import type { JsonPath } from '../runner/workflow/finding';
import { toRange, type WorkflowDocuments } from './documents';
import { isWorkflowDocument } from './workflow-files';

export class WorkflowSymbolProvider implements vscode.DocumentSymbolProvider {
  constructor(private readonly documents: WorkflowDocuments) {}

  provideDocumentSymbols(doc: vscode.TextDocument): vscode.DocumentSymbol[] | undefined {
    if (!isWorkflowDocument(doc)) return undefined;
    const { source } = this.documents.get(doc);
    const value = obj(source.value);
    if (!value) return [];
    const symbol = (name: string, detail: string, kind: vscode.SymbolKind, path: JsonPath): vscode.DocumentSymbol => {
      const range = toRange(source.locate(path, 'pair'));
      let selection = toRange(source.locate(path, 'key'));
      if (!range.contains(selection)) selection = new vscode.Range(range.start, range.start);
      return new vscode.DocumentSymbol(name, detail, kind, range, selection);
    };
    const out: vscode.DocumentSymbol[] = [];
    const images = obj(value.images);
    if (images) {
      const s = symbol('images', `${Object.keys(images).length}`, vscode.SymbolKind.Namespace, ['images']);
      for (const [alias, ref] of Object.entries(images)) s.children.push(symbol(alias, typeof ref === 'string' ? ref : String(obj(ref)?.ref ?? ''), vscode.SymbolKind.Package, ['images', alias]));
      out.push(s);
    }
    const volumes = obj(value.volumes);
    if (volumes) {
      const s = symbol('volumes', `${Object.keys(volumes).length}`, vscode.SymbolKind.Namespace, ['volumes']);
      for (const [name, v] of Object.entries(volumes)) s.children.push(symbol(name, `${String(obj(v)?.source ?? '')} -> ${String(obj(v)?.target ?? '')}`, vscode.SymbolKind.Struct, ['volumes', name]));
      out.push(s);
    }
    const jobs = obj(value.jobs);
    if (jobs) {
      const s = symbol('jobs', `${Object.keys(jobs).length}`, vscode.SymbolKind.Namespace, ['jobs']);
      for (const [name, j] of Object.entries(jobs)) {
        const job = obj(j);
        const detail = typeof job?.command === 'string' ? job.command : typeof job?.image === 'string' ? job.image : '';
        const steps = Array.isArray(job?.steps) ? job.steps.map(obj) : [];
        const stepName = (step: Record<string, unknown> | undefined, i: number) => (typeof step?.name === 'string' ? step.name : `step${i + 1}`);
        const stepDetail = (step: Record<string, unknown> | undefined) => (typeof step?.command === 'string' ? step.command : '');
        // The job's lines are read directly (fast); a `yaml` Document (symbol()) only for layouts that reading does not cover.
        const outline = source.jobOutline(name);
        let js: vscode.DocumentSymbol;
        if (outline) {
          js = new vscode.DocumentSymbol(name, detail, vscode.SymbolKind.Function, toRange(outline.pair), toRange(outline.key));
          steps.forEach((step, i) => {
            const range = toRange(outline.steps[i]);
            js.children.push(new vscode.DocumentSymbol(stepName(step, i), stepDetail(step), vscode.SymbolKind.Event, range, range));
          });
        } else {
          js = symbol(name, detail, vscode.SymbolKind.Function, ['jobs', name]);
          steps.forEach((step, i) => js.children.push(symbol(stepName(step, i), stepDetail(step), vscode.SymbolKind.Event, ['jobs', name, 'steps', i])));
        }
        s.children.push(js);
      }
      out.push(s);
    }
    return out;
  }
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
