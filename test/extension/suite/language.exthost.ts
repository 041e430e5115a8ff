import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, open, shifterflowDiagnostics, until } from './helpers';

function labels(list: vscode.CompletionList): string[] {
  return list.items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
}

async function complete(doc: vscode.TextDocument, pos: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, pos);
  return labels(list);
}

function positionAfter(doc: vscode.TextDocument, needle: string, occurrence = 0): vscode.Position {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = doc.getText().indexOf(needle, at + 1);
  assert.ok(at >= 0, `no ${needle} in ${doc.uri.path}`);
  return doc.positionAt(at + needle.length);
}

describe('@exthost language features', () => {
  before(activate);

  it('completion offers the image aliases after image:', async () => {
    const { document: doc } = await open('complete.shifterflow.yaml');
    const got = await complete(doc, positionAfter(doc, 'image: ', 1));
    assert.ok(got.includes('workflow') && got.includes('manager'), `got ${got.join(', ')}`);
  });

  it('completion offers volume names in volumes: [...] and job names in needs:', async () => {
    const { document: doc } = await open('complete.shifterflow.yaml');
    const vols = await complete(doc, positionAfter(doc, 'volumes: ['));
    assert.ok(vols.includes('data') && vols.includes('scratch'), `got ${vols.join(', ')}`);
    const needs = await complete(doc, positionAfter(doc, 'needs: ['));
    assert.ok(needs.includes('prepare') && !needs.includes('simulate'), `got ${needs.join(', ')}`);
  });

  it('completion offers the schema keys of a job that are not there yet, and enum values', async () => {
    const editor = await open('complete.shifterflow.yaml');
    const doc = editor.document;
    const end = positionAfter(doc, 'command: ./simulate');
    await editor.edit((e) => e.insert(end, '\n    '));
    const keys = await complete(doc, new vscode.Position(end.line + 1, 4));
    for (const k of ['qos', 'nodes', 'retry', 'matrix', 'workdir']) assert.ok(keys.includes(k), `no ${k} in ${keys.join(', ')}`);
    assert.ok(!keys.includes('command') && !keys.includes('needs'), 'offers keys already present');
    await editor.edit((e) => e.insert(new vscode.Position(end.line + 1, 4), 'mpi: '));
    const values = await complete(doc, new vscode.Position(end.line + 1, 9));
    assert.ok(values.includes('pmi2') && values.includes('true'), `got ${values.join(', ')}`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('hover shows the schema description and the rule behind a diagnostic', async () => {
    const { document: doc } = await open('bad.shifterflow.yaml');
    await until('diagnostics', () => (shifterflowDiagnostics(doc.uri).length >= 2 ? true : undefined));
    const key = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionAfter(doc, '    ima'));
    const keyText = key.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(keyText, /READY before submission/);
    const diag = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, positionAfter(doc, 'target: /et'));
    const diagText = diag.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(diagText, /SF012/);
    assert.match(diagText, /Shifter reserves \/etc/);
    const { document: hello } = await open('hello.shifterflow.yaml');
    const command = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', hello.uri, positionAfter(hello, '    comm'));
    assert.match(command.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n'), /runs whole under the image's \/bin\/sh/);
  });

  it('a quick fix edits the document and the diagnostic goes away', async () => {
    const editor = await open('bad.shifterflow.yaml');
    const doc = editor.document;
    const sf002 = await until('SF002', () => shifterflowDiagnostics(doc.uri).find((d) => d.code === 'SF002'));
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, sf002.range, vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title === 'Rename to "command"');
    assert.ok(fix?.edit, `no rename fix among ${actions.map((a) => a.title).join(', ')}`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.match(doc.lineAt(11).text, /^ {4}command: python prep\.py$/);
    await until('SF002 gone', () => (shifterflowDiagnostics(doc.uri).some((d) => d.code === 'SF002') ? undefined : true));
    assert.ok(shifterflowDiagnostics(doc.uri).some((d) => d.code === 'SF012'), 'SF012 must stay');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('outline lists images, volumes, jobs and steps', async () => {
    const { document: doc } = await open('complete.shifterflow.yaml');
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', doc.uri);
    assert.deepEqual(symbols.map((s) => s.name), ['images', 'volumes', 'jobs']);
    assert.deepEqual(symbols[2].children.map((s) => s.name), ['prepare', 'simulate']);
    assert.deepEqual(symbols[0].children.map((s) => s.name), ['workflow', 'manager']);
  });

  it('CodeLens: Run job and Preview sbatch on every job', async () => {
    const { document: doc } = await open('complete.shifterflow.yaml');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 10);
    const titles = lenses.map((l) => `${l.command?.title} ${l.command?.arguments?.[1] ?? ''}`.trim());
    for (const t of ['$(play) Run job prepare', 'Preview sbatch prepare', '$(play) Run job simulate', 'Preview sbatch simulate', '$(play) Run workflow']) assert.ok(titles.includes(t), `${t} not in ${titles.join(' | ')}`);
  });

  it('recognises a YAML file by its first-line marker, and ignores other YAML', async () => {
    const { document: marked } = await open('marked.yaml');
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', marked.uri);
    assert.ok(symbols.some((s) => s.name === 'jobs'));
    const other = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'version: 1\njobs: {}\n' });
    await vscode.window.showTextDocument(other);
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual(shifterflowDiagnostics(other.uri), []);
  });
});
