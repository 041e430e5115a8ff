// Completion at the cursor's JSON path: the schema's keys (minus those present) and its enum values
// and examples, image aliases for `image:`, volume names in a job's or a step's `volumes:`, job names
// in `needs:`.

import * as vscode from 'vscode';
import type { JsonPath } from '../runner/workflow/finding';
import { core } from './core';
import { toRange, type WorkflowDocuments } from './documents';
import { describe, isArraySchema, isObjectSchema, keysAt, schemasAt, valuesAt, type SchemaNode } from './schema-nav';
import { cursorContext } from './yaml-path';
import { isWorkflowDocument } from './workflow-files';

export const COMPLETION_TRIGGERS = [' ', '[', ',', '.'];

export class WorkflowCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly documents: WorkflowDocuments) {}

  provideCompletionItems(doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] | undefined {
    if (!isWorkflowDocument(doc)) return undefined;
    const files = fileRefItems(this.documents, doc, position);
    if (files) return files;
    const text = doc.getText();
    const ctx = cursorContext(text, doc.offsetAt(position));
    if (!ctx) return undefined;
    const range = new vscode.Range(doc.positionAt(ctx.wordStart), doc.positionAt(ctx.wordEnd));
    const value = record(this.documents.get(doc).source.value);
    if (ctx.kind === 'key') {
      const keys = keysAt(ctx.path);
      if (keys.size > 0 || isObjectSchema(schemasAt(ctx.path)[0])) return keyItems(keys, ctx.siblings, range);
      // `- word` in a list of strings: a value, not a key.
    }
    return valueItems(ctx.path, value, range);
  }
}

/** After `${{ inputs.` or `${{ outputs.` in a job: the names it declares, with their paths. */
function fileRefItems(documents: WorkflowDocuments, doc: vscode.TextDocument, position: vscode.Position): vscode.CompletionItem[] | undefined {
  const hints = core.fileHints();
  const typing = hints.fileRefBeingTyped(doc.lineAt(position.line).text.slice(0, position.character));
  if (!typing) return undefined;
  // The job whose text holds the cursor: the placeholder is inside a longer value (a command), which
  // cursorContext cannot place.
  const result = documents.get(doc);
  const jobs = record(record(result.source.value)?.jobs);
  const jobName = Object.keys(jobs ?? {}).find((name) => {
    const pair = result.source.jobOutline(name)?.pair;
    return pair !== undefined && toRange(pair).contains(position);
  });
  if (jobName === undefined || !jobs) return undefined;
  const start = position.translate(0, -typing.typed.length);
  return hints.declaredNames(record(jobs[jobName]), typing.kind).map((h, i) => {
    const item = new vscode.CompletionItem(h.name, vscode.CompletionItemKind.File);
    item.range = new vscode.Range(start, position);
    item.detail = h.paths.join(' ');
    item.sortText = String(i).padStart(3, '0');
    item.documentation = new vscode.MarkdownString(`\`\${{ ${h.kind}.${h.name} }}\`: ${h.paths.length === 1 ? 'this path' : 'these paths'} (as written) as the job sees ${h.paths.length === 1 ? 'it' : 'them'} in its image (through its volumes), one quoted word each; hover the placeholder for the path inside.`);
    return item;
  });
}

function keyItems(keys: Map<string, SchemaNode>, present: string[], range: vscode.Range): vscode.CompletionItem[] {
  const items: vscode.CompletionItem[] = [];
  let order = 0;
  for (const [key, schema] of keys) {
    if (present.includes(key)) continue;
    const item = new vscode.CompletionItem(key, vscode.CompletionItemKind.Property);
    item.range = range;
    item.sortText = String(order++).padStart(3, '0');
    if (schema.description) item.documentation = new vscode.MarkdownString(schema.description);
    if (isObjectSchema(schema) && !schema.anyOf && !schema.oneOf) item.insertText = new vscode.SnippetString(`${key}:\n\t$0`);
    else if (isArraySchema(schema)) item.insertText = new vscode.SnippetString(isObjectSchema(schema.items) ? `${key}:\n\t- $0` : `${key}: [$0]`);
    else {
      item.insertText = new vscode.SnippetString(`${key}: $0`);
      item.command = { title: 'suggest', command: 'editor.action.triggerSuggest' };
    }
    items.push(item);
  }
  return items;
}

function valueItems(path: JsonPath, wf: Record<string, unknown> | undefined, range: vscode.Range): vscode.CompletionItem[] {
  const items: vscode.CompletionItem[] = [];
  const add = (label: string, kind: vscode.CompletionItemKind, detail: string, sort: string, doc?: string) => {
    const item = new vscode.CompletionItem(label, kind);
    item.range = range;
    item.detail = detail;
    item.sortText = `${sort}${label}`;
    if (doc) item.documentation = new vscode.MarkdownString(doc);
    items.push(item);
  };
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  const jobs = record(wf?.jobs);
  if (last === 'image' && (path[0] === 'jobs' || path[0] === 'defaults')) {
    for (const [alias, ref] of Object.entries(record(wf?.images) ?? {})) add(alias, vscode.CompletionItemKind.Reference, `image ${refText(ref)}`, '0', `Image alias from \`images:\` -> \`${refText(ref)}\``);
  }
  // A job's volumes (jobs.J.volumes[n]) or a step's own (jobs.J.steps[i].volumes[n]).
  const stepList = path.length === 6 && path[2] === 'steps' && typeof path[3] === 'number';
  if (path[0] === 'jobs' && typeof last === 'number' && parent === 'volumes' && (path.length === 4 || stepList)) {
    const job = record(jobs?.[String(path[1])]);
    const listed = asArray(stepList ? record(asArray(job?.steps)[path[3] as number])?.volumes : job?.volumes);
    for (const [name, v] of Object.entries(record(wf?.volumes) ?? {})) {
      if (listed.includes(name) && listed.indexOf(name) !== last) continue;
      const vol = record(v);
      add(name, vscode.CompletionItemKind.Folder, `volume ${String(vol?.source ?? '?')} -> ${String(vol?.target ?? '?')}`, '0');
    }
  }
  if (path[0] === 'jobs' && typeof last === 'number' && parent === 'needs' && path.length === 4) {
    const self = String(path[1]);
    const listed = asArray(record(jobs?.[self])?.needs);
    for (const name of Object.keys(jobs ?? {})) {
      if (name === self || (listed.includes(name) && listed.indexOf(name) !== last)) continue;
      add(name, vscode.CompletionItemKind.Function, 'job', '0', describeJob(record(jobs?.[name])));
    }
  }
  for (const v of valuesAt(path)) add(v.value, v.kind === 'enum' ? vscode.CompletionItemKind.EnumMember : vscode.CompletionItemKind.Value, v.kind === 'enum' ? 'allowed value' : 'example', v.kind === 'enum' ? '1' : '2', describe(path));
  return items;
}

function describeJob(job: Record<string, unknown> | undefined): string | undefined {
  if (!job) return undefined;
  if (typeof job.command === 'string') return `\`${job.command}\``;
  if (Array.isArray(job.steps)) return `${job.steps.length} step(s)`;
  return undefined;
}

function refText(ref: unknown): string {
  if (typeof ref === 'string') return ref;
  const r = record(ref);
  return typeof r?.ref === 'string' ? r.ref : '?';
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
