import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activate, open, stats, workspaceDir } from './helpers';

interface Run {
  runId?: string;
  status: string;
  jobs: Map<string, { state: string; exitCode?: number }>;
  reportPath?: string;
  logLines: string[];
  events: { type: string }[];
}

describe('@exthost Run Workflow / Run Job (the CLI, local profile)', () => {
  before(activate);

  it('Run Workflow completes a small workflow and fills the Runs view from the events', async () => {
    const { document } = await open('hello.shifterflow.yaml');
    const run = await vscode.commands.executeCommand<Run>('shifterflow.runWorkflow', document.uri);
    assert.equal(run.status, 'COMPLETED', JSON.stringify({ ...run, jobs: [...run.jobs.values()] }));
    assert.equal(run.jobs.get('hello')?.state, 'COMPLETED');
    assert.equal(run.jobs.get('hello')?.exitCode, 0);
    const types = run.events.map((e) => e.type);
    assert.equal(types[0], 'run-started');
    assert.equal(types[types.length - 1], 'run-finished');
    for (const t of ['image', 'job-submitted', 'job-state']) assert.ok(types.includes(t), `no ${t} event in ${types.join(', ')}`);
    assert.ok(run.runId && existsSync(join(workspaceDir(), '.shifterflow', 'runs', run.runId, 'journal.jsonl')));
    assert.ok(run.logLines.some((l) => /^\[hello\.1\.out\] hello from /.test(l)), `job log not followed: ${JSON.stringify(run.logLines)}`);
    const s = await stats();
    assert.equal(s.runs[0].status, 'COMPLETED');
    assert.ok(s.processes.argv.some((a) => a.includes('run') && a.includes('--json')), JSON.stringify(s.processes.argv));

    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('shifterflow.openRunReport', run.reportPath);
    assert.ok(panel, 'no report panel');
    assert.match(panel.webview.html, /hello/);
    panel.dispose();
  });

  it('Run Job runs one job (with what it needs)', async () => {
    const { document } = await open('hello.shifterflow.yaml');
    const run = await vscode.commands.executeCommand<Run>('shifterflow.runJob', document.uri, 'hello');
    assert.equal(run.status, 'COMPLETED');
    assert.deepEqual([...run.jobs.keys()], ['hello']);
  });
});
