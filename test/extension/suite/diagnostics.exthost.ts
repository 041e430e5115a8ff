import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { validateText } from '../../../runner/spec/validate';
import { activate, open, shifterflowDiagnostics, until } from './helpers';

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
