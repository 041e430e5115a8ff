import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { planWorkflow } from '../../../runner/plan';
import { renderJob } from '../../../runner/render';
import { validateText } from '../../../runner/workflow/validate';
import { activate, open, until } from './helpers';

function expected(text: string, job: string): string {
  const r = validateText(text, 'x.shifterflow.yaml');
  assert.ok(r.workflow, 'the example must be valid');
  const plan = planWorkflow(r.workflow, r.profile);
  return renderJob(plan.jobs.find((j) => j.key === job)!, plan);
}

describe('@exthost Preview sbatch Script', () => {
  before(activate);

  it('shows exactly what renderJob writes, read-only beside the spec, and follows edits', async () => {
    const editor = await open('hello.shifterflow.yaml');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('shifterflow.previewSbatch', editor.document.uri, 'hello');
    assert.ok(uri, 'no preview uri');
    const preview = await until('preview document', () => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()));
    assert.equal(preview.getText(), expected(editor.document.getText(), 'hello'));
    assert.match(preview.getText(), /^#!\/bin\/bash\n#SBATCH --job-name=hello\.hello/);
    assert.match(preview.getText(), /^srun -N 1 -n 1 shifter \/bin\/sh -c 'echo hello from \$\(hostname\)'$/m, 'the command runs under the image\'s /bin/sh');
    assert.equal(preview.languageId, 'shellscript');
    assert.ok(vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === uri.toString() && e.viewColumn !== editor.viewColumn), 'the preview is not beside the spec');

    const line = editor.document.getText().split('\n').findIndex((l) => l.trimStart().startsWith('command:'));
    await editor.edit((e) => e.replace(editor.document.lineAt(line).range, '    command: echo changed-while-typing'));
    await until('the preview to follow the edit', () => (preview.getText().includes('echo changed-while-typing') ? true : undefined));
    assert.equal(preview.getText(), expected(editor.document.getText(), 'hello'));
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
