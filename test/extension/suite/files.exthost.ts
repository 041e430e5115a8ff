import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, open, shifterflowDiagnostics, until } from './helpers';

// Declared inputs and outputs in the real host: completion of the names, hover on a placeholder (the
// path as the job sees it, through its volume) and on an input (the job that writes it), and the rules
// live while typing (SF055). The fixture is files.shifterflow.yaml (profile nersc, two volumes).

function positionAfter(doc: vscode.TextDocument, needle: string, occurrence = 0): vscode.Position {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = doc.getText().indexOf(needle, at + 1);
  assert.ok(at >= 0, `no ${needle} in ${doc.uri.path}`);
  return doc.positionAt(at + needle.length);
}

async function hoverText(doc: vscode.TextDocument, pos: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, pos);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

describe('@exthost declared files (inputs/outputs)', () => {
  before(activate);

  it('completes ${{ inputs. with the names the job declares, and ${{ outputs. with its outputs', async () => {
    const editor = await open('files.shifterflow.yaml');
    const doc = editor.document;
    try {
      const end = doc.lineAt(positionAfter(doc, 'uniq -c > ${{ outputs.counts }}').line).range.end;
      await editor.edit((e) => e.insert(end, ' ${{ inputs.'));
      const at = doc.lineAt(end.line).range.end;
      const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, at, '.');
      const items = list.items.filter((i) => i.kind === vscode.CompletionItemKind.File);
      assert.deepEqual(items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label)), ['words', 'stop'], 'the inputs of job count, in their order');
      assert.equal(items[1].detail, '/global/cfs/cdirs/m1234/work/stop-words.txt');
      await editor.edit((e) => e.replace(new vscode.Range(end, at), ' ${{ outputs.'));
      const outs = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, doc.lineAt(end.line).range.end, '.');
      assert.deepEqual(outs.items.filter((i) => i.kind === vscode.CompletionItemKind.File).map((i) => (typeof i.label === 'string' ? i.label : i.label.label)), ['counts']);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('hover on ${{ outputs.X }} and ${{ inputs.X }} shows the path as the job sees it (through its volume)', async () => {
    const { document: doc } = await open('files.shifterflow.yaml');
    const out = await hoverText(doc, positionAfter(doc, '> ${{ outp'));
    assert.match(out, /`\$\{\{ outputs\.words \}\}` = `\/work\/words\.txt` \(host `\/global\/cfs\/cdirs\/m1234\/work\/words\.txt`\): as the job sees it in its image/);
    const input = await hoverText(doc, positionAfter(doc, '< ${{ inp'));
    assert.match(input, /`\$\{\{ inputs\.text \}\}` = `\/data\/in\/words\.txt` \(host /);
    // On a site file system (no volume): the same path inside.
    const site = await hoverText(doc, positionAfter(doc, 'uniq -c > ${{ outp'));
    assert.match(site, /`\$\{\{ outputs\.counts \}\}` = `\/pscratch\/sd\/a\/alice\/counts\.txt`: as the job sees it/);
  });

  it('hover on an input names the job that writes it, or says that none does', async () => {
    const { document: doc } = await open('files.shifterflow.yaml');
    const written = await hoverText(doc, positionAfter(doc, 'words: /global/cfs/cdirs/m1234/wo', 1));
    assert.match(written, /Written by job `split` \(output `words`\): this job waits for it/);
    const none = await hoverText(doc, positionAfter(doc, '      stop: /global/cfs/cd'));
    assert.match(none, /No job of this workflow writes it: it must exist when the run starts/);
  });

  it('SF055 appears while typing a reference to an undeclared name, on its command, and goes with it', async () => {
    const editor = await open('files.shifterflow.yaml');
    const doc = editor.document;
    try {
      assert.deepEqual(shifterflowDiagnostics(doc.uri), [], 'the fixture is clean');
      const end = doc.lineAt(positionAfter(doc, 'uniq -c > ${{ outputs.counts }}').line).range.end;
      await editor.edit((e) => e.insert(end, ' ${{ inputs.missing }}'));
      const sf055 = await until('SF055', () => shifterflowDiagnostics(doc.uri).find((d) => d.code === 'SF055'));
      assert.equal(sf055.severity, vscode.DiagnosticSeverity.Error);
      // At the command that holds the reference (the core positions SF055 at its whole text).
      assert.ok(sf055.range.contains(positionAfter(doc, '${{ inputs.mis')), `SF055 at ${JSON.stringify(sf055.range)}`);
      // At the reference itself, not the whole command (Finding.quote).
      assert.equal(doc.getText(sf055.range), "${{ inputs.missing }}");
      assert.match(sf055.message, /inputs\.missing \}\} names no entry of job "count"'s inputs: \(words, stop\)/);
      await editor.edit((e) => e.delete(new vscode.Range(end, doc.lineAt(end.line).range.end)));
      await until('SF055 gone', () => (shifterflowDiagnostics(doc.uri).length === 0 ? true : undefined));
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
