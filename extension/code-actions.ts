// A quick fix for every diagnostic whose core finding carries a fix (text edits computed by the core).

import * as vscode from 'vscode';
import { coreDiagnosticsFor, toRange, type WorkflowDocuments } from './documents';
import { isWorkflowDocument } from './workflow-files';

export class WorkflowCodeActionProvider implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly documents: WorkflowDocuments) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] | undefined {
    if (!isWorkflowDocument(doc)) return undefined;
    // Validated against the current text, so the edits' offsets match it.
    const result = this.documents.get(doc);
    const actions: vscode.CodeAction[] = [];
    for (const d of coreDiagnosticsFor(result, context.diagnostics)) {
      if (!d.fix) continue;
      const action = new vscode.CodeAction(d.fix.title, vscode.CodeActionKind.QuickFix);
      const edit = new vscode.WorkspaceEdit();
      for (const e of d.fix.edits) edit.replace(doc.uri, toRange(e.range), e.newText);
      action.edit = edit;
      action.isPreferred = true;
      action.diagnostics = context.diagnostics.filter((v) => String(v.code) === d.code && v.range.start.line === d.range.start.line && v.range.start.character === d.range.start.character);
      actions.push(action);
    }
    return actions;
  }
}
