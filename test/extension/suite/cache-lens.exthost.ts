import * as assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, activate, open, stats, until, workspaceDir } from './helpers';

// The cache lens in the real host: `shifterflow run --dry-run --json` of the bundled CLI, in a child
// process, for cache.shifterflow.yaml (local profile, engine none: no image needed). Its answers
// change with a real run of the workflow and with its input edited on disk.

/** The fixture CLI that sleeps before it runs the real one. */
function slowCli(): string {
  const file = join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'test', 'extension', 'fixtures', 'bin', 'shifterflow-slow');
  assert.ok(existsSync(file), `${file} is missing`);
  return file;
}

interface Run {
  runId?: string;
  status: string;
}

/** The cache lens titles of the document: per job (by the job's key line), and the one at `jobs:`. */
async function cacheLenses(doc: vscode.TextDocument): Promise<Map<string, string>> {
  const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
  const out = new Map<string, string>();
  for (const l of lenses) {
    if (l.command?.command !== 'shifterflow.checkCache') continue;
    const key = /^\s*([A-Za-z0-9_-]+):/.exec(doc.lineAt(l.range.start.line).text)?.[1] ?? '?';
    out.set(key, l.command.title);
  }
  return out;
}

async function lensesUntil(doc: vscode.TextDocument, what: string, ok: (m: Map<string, string>) => boolean, timeoutMs = 40_000): Promise<Map<string, string>> {
  let last = new Map<string, string>();
  try {
    return await until(what, async () => {
      last = await cacheLenses(doc);
      return ok(last) ? last : undefined;
    }, timeoutMs);
  } catch (err) {
    throw new Error(`${(err as Error).message}; the cache lenses say ${JSON.stringify([...last])}`);
  }
}

describe('@exthost cache lens (run --dry-run in a child process)', () => {
  before(activate);
  after(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('says why each job runs before any run, "cached (RUN)" after one, and "runs: input data changed" after the input is edited on disk', async () => {
    const { document: doc } = await open('cache.shifterflow.yaml');
    const first = await lensesUntil(doc, 'the first answer', (m) => m.get('copy') === 'runs: no earlier run');
    assert.equal(first.get('count'), 'runs: needed job runs (copy)');
    const s = await stats();
    const dry = s.processes.argv.find((a) => a.includes('--dry-run'));
    assert.ok(dry, `no dry run among ${JSON.stringify(s.processes.argv)}`);
    assert.deepEqual(dry.slice(-4), ['run', doc.uri.fsPath, '--dry-run', '--json']);
    assert.match(dry[1] ?? '', /bin[\\/]shifterflow\.js$/, 'the CLI shipped in the extension');

    const run = await vscode.commands.executeCommand<Run>('shifterflow.runWorkflow', doc.uri);
    assert.equal(run.status, 'COMPLETED');
    const cached = await lensesUntil(doc, 'cached after the run', (m) => m.get('copy') === `$(check) cached (${run.runId})`);
    assert.equal(cached.get('count'), `$(check) cached (${run.runId})`);

    // A new content of the input, written outside VS Code: the watcher of its directory triggers a check.
    writeFileSync(join(workspaceDir(), 'cache-data', 'in.txt'), 'one\ntwo\nthree\n');
    const changed = await lensesUntil(doc, 'input data changed', (m) => m.get('copy') === 'runs: input data changed');
    assert.equal(changed.get('count'), 'runs: needed job runs (copy)');
    const counts = (await stats()).cacheLens;
    assert.ok(counts.answered >= 3, `answered ${JSON.stringify(counts)}`);
  });

  it('says "save to check" for unsaved changes and answers again on save; errors get one lens, no answer per job', async () => {
    const editor = await open('cache.shifterflow.yaml');
    const doc = editor.document;
    try {
      await lensesUntil(doc, 'an answer', (m) => m.has('copy') && !m.get('copy')!.includes('checking'));
      const line = doc.lineAt(doc.getText().split('\n').findIndex((l) => l.includes('cp "$1" "$2"')));
      await editor.edit((e) => e.insert(line.range.end, ' && true'));
      const dirty = await lensesUntil(doc, 'save to check', (m) => m.get('jobs') === 'cache: save to check');
      assert.equal(dirty.size, 1, `one lens while dirty: ${JSON.stringify([...dirty])}`);
      await doc.save();
      const saved = await lensesUntil(doc, 'script changed after save', (m) => m.get('copy') === 'runs: script changed');
      assert.equal(saved.get('count'), 'runs: needed job runs (copy)');
      await editor.edit((e) => e.insert(line.range.end, '\n    cpusPerTask: 0'));
      await doc.save();
      const broken = await lensesUntil(doc, 'fix the errors first', (m) => m.get('jobs') === '$(warning) cache: fix the errors first');
      assert.equal(broken.size, 1, JSON.stringify([...broken]));
    } finally {
      // Back to the fixture as it was (the next suites read it too).
      const text = doc.getText().replace(' && true', '').replace('\n    cpusPerTask: 0', '');
      await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text));
      await doc.save();
    }
  });

  it('kills a check still running when a newer one starts (its whole process group); only the newer answers', async () => {
    const config = vscode.workspace.getConfiguration('shifterflow');
    const { document: doc } = await open('cache.shifterflow.yaml');
    await lensesUntil(doc, 'an answer', (m) => m.has('copy') && !m.get('copy')!.includes('checking'));
    const before = (await stats()).cacheLens;
    // A CLI 3 s late (a shell that sleeps, then the real one): the setting itself triggers a check.
    await config.update('cliPath', slowCli(), vscode.ConfigurationTarget.Workspace);
    try {
      await until('the slow check started', async () => ((await stats()).cacheLens.started > before.started ? true : undefined));
      await vscode.commands.executeCommand('shifterflow.checkCache', doc.uri);
      const killed = await until('the outdated check killed', async () => {
        const c = (await stats()).cacheLens;
        return c.killed > before.killed ? c : undefined;
      });
      // Its process group (the shell and its sleep) is gone once reaped.
      await until('the killed check gone', () => {
        try {
          process.kill(-killed.lastKilledPid, 0);
          return undefined;
        } catch (e) {
          return (e as NodeJS.ErrnoException).code === 'ESRCH' ? true : undefined;
        }
      }, 5000);
      const answer = await lensesUntil(doc, 'the newer answer', (m) => m.has('copy') && !m.get('copy')!.includes('checking'), 30_000);
      assert.match(answer.get('copy')!, /^runs: |^\$\(check\) cached/);
      const after = (await stats()).cacheLens;
      assert.equal(after.started, before.started + 2);
      assert.equal(after.answered, before.answered + 1, 'the killed check answered nothing');
    } finally {
      await config.update('cliPath', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('shows no cache lens and runs no dry run with shifterflow.cacheLens.enabled off', async () => {
    const config = vscode.workspace.getConfiguration('shifterflow');
    await config.update('cacheLens.enabled', false, vscode.ConfigurationTarget.Workspace);
    try {
      const { document: doc } = await open('cache.shifterflow.yaml');
      const before = (await stats()).cacheLens.started;
      await vscode.commands.executeCommand('shifterflow.checkCache', doc.uri);
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual([...(await cacheLenses(doc))], []);
      const all = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri);
      assert.ok(all.some((l) => l.command?.title === '$(play) Run job'), 'the other lenses stay');
      assert.equal((await stats()).cacheLens.started, before);
    } finally {
      await config.update('cacheLens.enabled', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
