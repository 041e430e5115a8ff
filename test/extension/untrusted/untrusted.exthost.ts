import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, activate, open, shifterflowDiagnostics, stats, until, workspaceDir } from '../suite/helpers';

describe('@exthost untrusted workspace (Restricted Mode)', () => {
  before(activate);

  it('is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('still shows diagnostics, completion and the sbatch preview', async () => {
    const editor = await open('bad.shifterflow.yaml');
    await until('diagnostics', () => (shifterflowDiagnostics(editor.document.uri).length >= 2 ? true : undefined));
    const hello = await open('hello.shifterflow.yaml');
    const uri = await vscode.commands.executeCommand<vscode.Uri>('shifterflow.previewSbatch', hello.document.uri, 'hello');
    const preview = await vscode.workspace.openTextDocument(uri);
    assert.match(preview.getText(), /^#!\/bin\/bash/);
  });

  it('shows the Dockerfile rules too (read-only, in-process)', async () => {
    const editor = await open('Dockerfile');
    await until('Dockerfile diagnostics', () => (shifterflowDiagnostics(editor.document.uri).some((d) => d.code === 'SD001') ? true : undefined));
    assert.equal((await stats()).processes.started, 0);
  });

  it('computes no cache lens (no dry run): the other lenses stay', async () => {
    const { document } = await open('cache.shifterflow.yaml');
    const lenses = () => vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    await until('the job lenses', async () => ((await lenses()).some((l) => l.command?.title === '$(play) Run job') ? true : undefined));
    await vscode.commands.executeCommand('shifterflow.checkCache', document.uri);
    await new Promise((r) => setTimeout(r, 1500));
    const titles = (await lenses()).map((l) => l.command?.title ?? '');
    assert.deepEqual(titles.filter((t) => /cache/.test(t)), [], `lenses: ${titles.join(', ')}`);
    const s = await stats();
    assert.equal(s.cacheLens.started, 0);
    assert.equal(s.processes.started, 0, JSON.stringify(s.processes.argv));
  });

  it('runs, pulls, lists, looks up and opens shells without spawning any process', async () => {
    const { document } = await open('hello.shifterflow.yaml');
    await vscode.commands.executeCommand('shifterflow.runWorkflow', document.uri);
    await vscode.commands.executeCommand('shifterflow.runJob', document.uri, 'hello');
    await vscode.commands.executeCommand('shifterflow.pullImage', 'docker:ubuntu:22.04');
    await vscode.commands.executeCommand('shifterflow.listImages');
    await vscode.commands.executeCommand('shifterflow.lookupImage', 'docker:ubuntu:22.04');
    await vscode.commands.executeCommand('shifterflow.openShell', 'docker:ubuntu:22.04');
    await new Promise((r) => setTimeout(r, 1000));
    const s = await stats();
    assert.equal(s.processes.started, 0, JSON.stringify(s.processes.argv));
    assert.ok(s.processes.refused >= 5, `only ${s.processes.refused} refusals`);
    assert.ok(!existsSync(join(process.env.FAKE_SHIFTERIMG_STATE!, 'calls.log')), 'shifterimg was called');
    assert.ok(!existsSync(join(workspaceDir(), '.shifterflow')), 'a run directory was created');
  });

  it('neither offers nor runs Check Image for Shifter (it reads registries through a process)', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const palette = (ext.packageJSON as { contributes: { menus: { commandPalette: { command: string; when: string }[] } } }).contributes.menus.commandPalette;
    assert.equal(palette.find((m) => m.command === 'shifterflow.checkImage')?.when, 'isWorkspaceTrusted');
    const { document } = await open('hello.shifterflow.yaml');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(6, 12));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /not checked yet: trust the workspace to run Check Image for Shifter/);
    assert.doesNotMatch(text, /command:shifterflow\.checkImage/);
    const refused = (await stats()).processes.refused;
    const outcome = await vscode.commands.executeCommand('shifterflow.checkImage', document.uri, 'docker:busybox:1.36');
    assert.equal(outcome, undefined);
    const s = await stats();
    assert.equal(s.processes.started, 0, JSON.stringify(s.processes.argv));
    assert.equal(s.processes.refused, refused + 1);
  });

  it('shows the problems of a Dockerfile nobody opened (the workspace scan runs nothing)', async () => {
    const uri = vscode.Uri.file(join(workspaceDir(), 'images', 'mpi.Dockerfile'));
    await until('diagnostics of the unopened Dockerfile', () => (shifterflowDiagnostics(uri).some((d) => d.code === 'SD001') ? true : undefined));
    assert.equal((await stats()).processes.started, 0);
  });
});
