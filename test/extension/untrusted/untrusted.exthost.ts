import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, open, shifterflowDiagnostics, stats, until } from '../suite/helpers';

describe('@exthost untrusted workspace', () => {
  before(activate);

  it('is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still shows diagnostics', async () => {
    const editor = await open('bad.shifterflow.yaml');
    await until('diagnostics', () => (shifterflowDiagnostics(editor.document.uri).length >= 2 ? true : undefined));
  });

  it('spawns no process', async () => {
    const s = await stats();
    assert.equal(s.processes.started, 0);
  });
});
