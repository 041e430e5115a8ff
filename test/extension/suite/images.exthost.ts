import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activate } from './helpers';

interface Outcome {
  ref?: string;
  status?: string;
  ok?: boolean;
  id?: string;
  message?: string;
  statuses: string[];
  error?: string;
}

describe('@exthost images (fake shifterimg first on PATH)', () => {
  before(activate);

  it('Pull Image drives the gateway to READY, reporting each status word', async () => {
    const r = await vscode.commands.executeCommand<Outcome>('shifterflow.pullImage', 'docker:ubuntu:22.04');
    assert.equal(r.status, 'READY', JSON.stringify(r));
    assert.equal(r.ok, true);
    assert.match(r.id ?? '', /^[0-9a-f]{64}$/);
    assert.deepEqual(r.statuses, ['PULLING', 'CONVERSION', 'READY']);
    const calls = readFileSync(join(process.env.FAKE_SHIFTERIMG_STATE!, 'calls.log'), 'utf8');
    assert.match(calls, /"pull","docker:ubuntu:22.04"/);
  });

  it('Pull Image reports FAILURE as a failure although shifterimg exits 0', async () => {
    const r = await vscode.commands.executeCommand<Outcome>('shifterflow.pullImage', 'docker:myorg/missing:1.0');
    assert.equal(r.status, 'FAILURE');
    assert.equal(r.ok, false);
    assert.match(r.message ?? '', /not found/);
  });

  it('List Images and Lookup Image read the gateway', async () => {
    const records = await vscode.commands.executeCommand<{ ref: string; status: string }[]>('shifterflow.listImages');
    assert.deepEqual(records.map((r) => `${r.ref} ${r.status}`).sort(), ['docker:myorg/missing:1.0 FAILURE', 'docker:ubuntu:22.04 READY']);
    const id = await vscode.commands.executeCommand<string>('shifterflow.lookupImage', 'ubuntu:22.04');
    assert.match(id, /^[0-9a-f]{64}$/);
  });
});
