import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID } from './helpers';

// Correctness only: how long activation takes is bench P4 (bench/p4-activation.mjs), measured against
// a do-nothing extension in fresh hosts, not asserted here on a machine the suite shares.
describe('@exthost activation', () => {
  it('activates and registers every command of its manifest', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    const api = (await ext.activate()) as Record<string, unknown> | undefined;
    assert.equal(ext.isActive, true);
    for (const key of ['documents', 'diagnostics', 'runs', 'images']) assert.ok(api?.[key], `activate() returned no ${key}`);
    const declared = (ext.packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map((c) => c.command);
    assert.ok(declared.length >= 10, `the manifest declares ${declared.length} commands`);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `declared in package.json but not registered: ${missing.join(', ')}`);
    assert.ok(registered.has('shifterflow._stats'), 'the tests\' stats command is not registered');
  });
});
