import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, open, shifterflowDiagnostics, stats, until } from './helpers';

describe('@exthost Dockerfile rules', () => {
  before(activate);

  it('shows the SD codes of the fixture Dockerfile at their lines, and a quick fix removes its finding', async () => {
    const before = (await stats()).processes.started;
    const editor = await open('Dockerfile');
    const doc = editor.document;
    assert.equal(doc.languageId, 'dockerfile', 'VS Code gives a file named Dockerfile the language dockerfile');
    const got = await until('Dockerfile diagnostics', () => {
      const d = shifterflowDiagnostics(doc.uri);
      return d.length >= 11 ? d : undefined;
    });
    assert.deepEqual(
      got.map((d) => `${String(d.code)} ${d.range.start.line + 1}:${d.range.start.character + 1} ${doc.getText(d.range)}`),
      ['SD003 3:16 cmake', 'SD007 5:6 centos:6', 'SD001 6:20 mpich-devel', 'SD009 8:23 https://example.org/app-1.0.tar.gz', 'SD002 9:81 make install', 'SD004 10:15 /etc/app/app.conf', 'SD002 11:30 /usr/local', 'SD004 12:19 /var/lib/app/state', 'SD005 13:18 --prefix=/root/tools', 'SD006 13:48 700', 'SD003 14:6 "cmake"'],
    );
    try {
      const chmod = got.find((d) => d.code === 'SD006')!;
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, chmod.range, vscode.CodeActionKind.QuickFix.value);
      const fix = actions.find((a) => a.title === 'Use 755');
      assert.ok(fix?.edit, `quick fix "Use 755" among ${actions.map((a) => a.title).join(', ')}`);
      assert.ok(await vscode.workspace.applyEdit(fix.edit));
      assert.match(doc.lineAt(12).text, /chmod 755 \/opt\/tools$/);
      await until('SD006 gone after the fix', () => (shifterflowDiagnostics(doc.uri).some((d) => d.code === 'SD006') ? undefined : true));
      assert.equal(shifterflowDiagnostics(doc.uri).length, 10);
      // Read-only analysis: no program was started for it.
      assert.equal((await stats()).processes.started, before);
    } finally {
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });
});
