// Hover: the schema's description of the key or value under the cursor, the image an alias stands for,
// and, over a diagnostic, the rule behind its code (runner/workflow/codes.ts).

import * as vscode from 'vscode';
import { core } from './core';
import type { WorkflowDocuments } from './documents';
import { describe } from './schema-nav';
import { nodeAt } from './yaml-path';
import { isWorkflowDocument } from './workflow-files';

export class WorkflowHoverProvider implements vscode.HoverProvider {
  constructor(private readonly documents: WorkflowDocuments) {}

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
