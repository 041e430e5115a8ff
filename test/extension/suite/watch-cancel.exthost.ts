import * as assert from 'node:assert/strict';
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activate, open, shifterflowDiagnostics, stats, until, workspaceDir } from './helpers';

describe('@exthost files on disk (chokidar) and cancelling a run', () => {
  before(activate);

  it('re-validates a workflow file written on disk, without opening it', async () => {
    const path = join(workspaceDir(), 'ondisk.shifterflow.yaml');
    const uri = vscode.Uri.file(path);
    writeFileSync(path, 'version: 1\nname: disk\njobs:\n  a:\n    image: docker:ubuntu:22.04\n    command: ls\n    volumes: [nope]\n');
    const d = await until('SF031 from the watcher', () => shifterflowDiagnostics(uri).find((x) => x.code === 'SF031'));
    assert.equal(d.range.start.line, 6);
    writeFileSync(path, 'version: 1\nname: disk\njobs:\n  a:\n    image: docker:ubuntu:22.04\n    command: ls\n');
    await until('the fixed file to be clean', () => (shifterflowDiagnostics(uri).length === 0 ? true : undefined));
    unlinkSync(path);
  });

  it('Cancel Run stops a running workflow (the CLI ends it as CANCELLED)', async () => {
    const { document } = await open('slow.shifterflow.yaml');
    const running = vscode.commands.executeCommand<{ status: string }>('shifterflow.runWorkflow', document.uri);
    await until('the job to run', async () => ((await stats()).runs[0]?.status === 'RUNNING' && (await stats()).runs[0].runId ? true : undefined), 30_000);
    await until('the job state RUNNING', async () => {
      const r = (await stats()).runs[0] as unknown as { jobs: { state: string }[] };
      return r.jobs.some((j) => j.state === 'RUNNING') ? true : undefined;
    }, 30_000);
    assert.equal(await vscode.commands.executeCommand('shifterflow.cancelRun'), true);
    const run = await running;
    assert.equal(run.status, 'CANCELLED');
  });
});
