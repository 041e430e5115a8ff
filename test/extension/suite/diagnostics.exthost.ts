import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { validateText } from '../../../runner/workflow/validate';
import { activate, open, shifterflowDiagnostics, stats, until } from './helpers';

describe('@exthost diagnostics', () => {
  before(activate);

  it('shows the same codes at the same ranges as the CLI for a bad file', async () => {
    const editor = await open('bad.shifterflow.yaml');
    const uri = editor.document.uri;
    const got = await until('diagnostics', () => {
      const d = shifterflowDiagnostics(uri);
      return d.length >= 2 ? d : undefined;
    });
    const expected = validateText(editor.document.getText(), 'bad.shifterflow.yaml').diagnostics;
    assert.deepEqual(
      got.map((d) => [String(d.code), d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message]),
      expected.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.message]),
    );
    const sf012 = got.find((d) => d.code === 'SF012')!;
    assert.equal(sf012.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(editor.document.getText(sf012.range), '/etc/app');
  });
});

describe('@exthost diagnostics while typing', () => {
  before(activate);

  const asTuples = (ds: readonly { code?: unknown; range: { start: { line: number; character: number }; end: { line: number; character: number } }; message: string }[]) =>
    ds.map((d) => `${String(typeof d.code === 'object' && d.code ? (d.code as { value: unknown }).value : d.code)} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`);

  it('follows edits made between two validations, several ranges in one edit included, as the CLI reads the final text', async () => {
    const editor = await open('bad.shifterflow.yaml');
    const doc = editor.document;
    await until('first diagnostics', () => (shifterflowDiagnostics(doc.uri).length >= 2 ? true : undefined));
    const before = (await stats()).validations;
    const expectNow = () => asTuples(validateText(doc.getText(), 'bad.shifterflow.yaml').diagnostics);
    const settled = () => until('diagnostics of the text as it is now', () => {
      const got = asTuples(shifterflowDiagnostics(doc.uri));
      return JSON.stringify(got) === JSON.stringify(expectNow()) ? got : undefined;
    });
    try {
      // Several change events inside the validation delay: the extension composes their ranges.
      const last = doc.lineAt(doc.lineCount - 1).range.end;
      await editor.edit((e) => e.insert(last, '\n  typed:\n    image: wf\n'));
      await editor.edit((e) => e.insert(doc.lineAt(doc.lineCount - 1).range.end, '    command: echo hi\n    cpusPerTask: 0'));
      // Two ranges in one edit (as with several cursors): one event, two content changes.
      const first = doc.lineAt(1).range.end;
      await editor.edit((e) => {
        e.insert(first, ' ');
        e.insert(doc.lineAt(doc.lineCount - 1).range.end, '\n');
      });
      const afterTyping = await settled();
      assert.ok(afterTyping.some((d) => d.startsWith('SF003')), `SF003 for cpusPerTask: 0 expected in ${afterTyping.join(' | ')}`);
      // A deletion that spans lines, then an undo.
      const start = doc.positionAt(doc.getText().indexOf('  typed:'));
      await editor.edit((e) => e.delete(new vscode.Range(start, doc.lineAt(doc.lineCount - 1).range.end)));
      const afterDelete = await settled();
      assert.ok(!afterDelete.some((d) => d.startsWith('SF003')), 'the deleted job left its SF003 behind');
      await vscode.commands.executeCommand('undo');
      await settled();
      // Every one of those validations used the reported edits, none read the whole text again.
      const after = (await stats()).validations;
      assert.ok(after.fromReportedEdits - before.fromReportedEdits >= 3, `validations from reported edits: ${JSON.stringify({ before, after })}`);
      assert.equal(after.fromWholeText, before.fromWholeText, `validations from the whole text: ${JSON.stringify({ before, after })}`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
