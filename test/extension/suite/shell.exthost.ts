import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import * as vscode from 'vscode';
import { activate, stats, until } from './helpers';

// Fake salloc/srun/shifter/scancel first on PATH (this suite runs in the extension's own process).
const fakes = join(__dirname, '..', '..', '..', '..', 'test', 'extension', 'fixtures', 'slurm-bin');

describe('@exthost Open Shell in Image (node-pty, fake Slurm)', () => {
  let savedPath: string | undefined;
  const log = join(mkdtempSync(join(tmpdir(), 'sf-slurm-')), 'calls.log');
  before(async () => {
    await activate();
    savedPath = process.env.PATH;
    process.env.PATH = `${fakes}${delimiter}${process.env.PATH}`;
    process.env.FAKE_SLURM_LOG = log;
  });
  after(() => {
    process.env.PATH = savedPath;
  });

  it('runs salloc ... --image=REF srun --pty shifter /bin/bash, shows the job id, releases it on close', async () => {
    const session = await vscode.commands.executeCommand<{ terminal: vscode.Terminal }>('shifterflow.openShell', 'docker:ubuntu:22.04');
    assert.ok(session?.terminal, 'no terminal');
    const shell = async () => (await stats()).shells.at(-1)!;
    await until('the allocation', async () => ((await shell()).jobId === '4242' ? true : undefined));
    const s = await shell();
    assert.deepEqual(s.argv.slice(0, 3), ['salloc', '-N', '1']);
    assert.ok(s.argv.includes('--image=docker:ubuntu:22.04'), s.argv.join(' '));
    assert.deepEqual(s.argv.slice(s.argv.indexOf('srun')), ['srun', '--pty', 'shifter', '/bin/bash']);
    session.terminal.sendText('echo in-image-$((6*7)) $SHIFTER_RUNTIME');
    await until('the shell to answer', async () => ((await shell()).transcript.includes('in-image-42 1') ? true : undefined));
    assert.match(session.terminal.name, /4242/);
    session.terminal.dispose();
    await until('scancel 4242', () => (existsSync(log) && readFileSync(log, 'utf8').includes('scancel 4242') ? true : undefined));
    assert.equal((await shell()).released, true);
  });
});
