// Hover: the schema's description of the key or value under the cursor, the image an alias stands for,
// the last Shifter check of the image on the line (image-check.ts), and, over a diagnostic, the rule
// behind its code (runner/workflow/codes.ts).

import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { ValidationResult } from '../runner/workflow/validate';
import { core } from './core';
import type { WorkflowDocuments } from './documents';
import { describe } from './schema-nav';
import { nodeAt } from './yaml-path';
import { isWorkflowDocument } from './workflow-files';

export class WorkflowHoverProvider implements vscode.HoverProvider {
  constructor(
    private readonly documents: WorkflowDocuments,
    private readonly imageCheck?: (doc: vscode.TextDocument, position: vscode.Position, result: ValidationResult) => string | undefined,
  ) {}

  provideHover(doc: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!isWorkflowDocument(doc)) return undefined;
    const md = new vscode.MarkdownString();
    const result = this.documents.get(doc);
    const offset = doc.offsetAt(position);
    const at = nodeAt(doc.getText(), offset);
    if (at) {
      const schemaPath = at.path.map((s) => s);
      const text = describe(schemaPath);
      const named = at.path.filter((s) => typeof s === 'string').pop();
      if (text) md.appendMarkdown(`**${String(named ?? '')}**: ${text}\n\n`);
      const last = at.path[at.path.length - 1];
      if (at.on === 'value' && last === 'image' && typeof at.value === 'string') {
        const images = (result.source.value as { images?: Record<string, unknown> } | undefined)?.images;
        const ref = images?.[at.value];
        const refText = typeof ref === 'string' ? ref : (ref as { ref?: string } | undefined)?.ref;
        if (refText) md.appendMarkdown(`Image alias \`${at.value}\` = \`${refText}\`\n\n`);
      }
      fileHover(md, result, doc, at.path, at.on, at.value, offset - (at.start ?? offset));
    }
    const check = this.imageCheck?.(doc, position, result);
    if (check) {
      md.appendMarkdown(check);
      md.isTrusted = { enabledCommands: ['shifterflow.checkImage'] };
    }
    const codes = core.codes();
    for (const d of result.diagnostics) {
      const r = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
      if (!r.contains(position)) continue;
      const info = codes.codeInfo(d.code);
      if (info) md.appendMarkdown(`---\n\n**${d.code}** ${info.title} (${info.severity}): ${info.rule}\n\n`);
    }
    return md.value ? new vscode.Hover(md) : undefined;
  }
}

/** A placeholder of a declared file: its paths as the job sees them; an input's path: the job that writes it. */
function fileHover(md: vscode.MarkdownString, result: ValidationResult, doc: vscode.TextDocument, path: (string | number)[], on: string, text: unknown, inText: number): void {
  if (on !== 'value' || typeof text !== 'string' || path[0] !== 'jobs' || typeof path[1] !== 'string') return;
  const hints = core.fileHints();
  const value = result.source.value;
  const job = (value as { jobs?: Record<string, Record<string, unknown>> } | undefined)?.jobs?.[path[1]];
  const ref = hints.fileRefAt(text, inText);
  if (ref) {
    const seen = seenText(result, doc, path[1], ref.kind, ref.name);
    const declared = hints.declaredNames(job, ref.kind).find((h) => h.name === ref.name);
    if (seen) md.appendMarkdown(seen);
    else if (declared) md.appendMarkdown(`\`\${{ ${ref.kind}.${ref.name} }}\` names ${declared.paths.map((p) => `\`${p}\``).join(' ')} (as written; how the job sees it is shown once the workflow has no errors)\n\n`);
  }
  if (path[2] === 'inputs' && doc.uri.scheme === 'file') {
    const producers = hints.producersOf(value, dirname(doc.uri.fsPath), path[1], text);
    if (producers.length > 0) md.appendMarkdown(`Written by ${producers.map((p) => `job \`${p.job}\` (output \`${p.output}\`)`).join(', ')}: this job waits for it.\n\n`);
    else md.appendMarkdown('No job of this workflow writes it: it must exist when the run starts.\n\n');
  }
}

/** `${{ KIND.NAME }}` = the paths the command is given, from the plan (the renderer's own view of them). */
function seenText(result: ValidationResult, doc: vscode.TextDocument, job: string, kind: 'inputs' | 'outputs', name: string): string | undefined {
  if (!result.workflow) return undefined;
  let paths: { host: string; seen: string }[] | undefined;
  try {
    const plan = core.plan().planWorkflow(result.workflow, result.profile, doc.uri.scheme === 'file' ? { workflowDir: dirname(doc.uri.fsPath) } : {});
    paths = core.fileHints().seenPaths(plan, job, kind, name, false);
  } catch {
    return undefined;
  }
  if (!paths) return undefined;
  const code = (p: string) => `\`${p}\``;
  const shown = paths.slice(0, 8).map((p) => (p.seen === p.host ? code(p.seen) : `${code(p.seen)} (host ${code(p.host)})`));
  if (paths.length > 8) shown.push(`and ${paths.length - 8} more`);
  let text = `\`\${{ ${kind}.${name} }}\` = ${shown.join(', ')}: as the job sees ${paths.length === 1 ? 'it' : 'them'} in its image, one quoted word each\n\n`;
  if (result.profile.executor === 'local' && paths.some((p) => p.seen !== p.host)) text += 'With the local engine none (commands on this machine, no volumes) the command is given the host path.\n\n';
  return text;
}
