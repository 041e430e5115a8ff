// The VS Code adapter over the shifterflow core. Thin: language features call the core in-process
// (runner/workflow, runner/plan, runner/render), runs spawn the CLI, images go through the core's gateway
// client. Activation registers providers and commands only; the core is loaded on first use
// (core.ts) and the first validation happens just after activation, so activation stays light.

import { LOADED_AT } from './load-clock';
import * as vscode from 'vscode';
import { CacheLens } from './cache-lens';
import { WorkflowCodeActionProvider } from './code-actions';
import { WorkflowCodeLensProvider } from './code-lens';
import { COMPLETION_TRIGGERS, WorkflowCompletionProvider } from './completion';
import { WorkflowDiagnostics } from './diagnostics';
import { DOCKERFILE_SELECTOR, DockerfileDiagnostics } from './dockerfiles';
import { WorkflowDocuments } from './documents';
import { WorkflowHoverProvider } from './hover';
import { ImageChecks } from './image-check';
import { Images } from './images';
import { processStats, reportError } from './process';
import { openRunReport } from './report';
import { RunManager, type RunView } from './runs';
import { RunsTreeProvider } from './runs-tree';
import { SBATCH_SCHEME, SbatchPreviewProvider, previewSbatch, workflowDocument } from './sbatch-preview';
import { openShell, shellSessions } from './shell';
import { WorkflowSymbolProvider } from './symbols';
import { WORKFLOW_FILE_GLOB, isWorkflowDocument } from './workflow-files';

const SELECTOR: vscode.DocumentSelector = [{ language: 'yaml' }, { pattern: WORKFLOW_FILE_GLOB }];

const timing = { loadedAt: LOADED_AT, activateStart: 0, activateEnd: 0 };

export function activate(context: vscode.ExtensionContext) {
  timing.activateStart = performance.now();
  const documents = new WorkflowDocuments();
  const diagnostics = new WorkflowDiagnostics(documents, { deferInitial: true });
  const dockerfiles = new DockerfileDiagnostics();
  const output = vscode.window.createOutputChannel('Shifter');
  const runs = new RunManager(context.extensionPath, output, documents);
  // The cache lens: a dry run of the CLI per document, checked again when a run from VS Code ends.
  const cacheLens = new CacheLens(documents, (scope) => runs.cli(scope));
  runs.onDidChange((r) => r?.exitCode !== undefined && cacheLens.ran(r.file));
  const images = new Images(documents);
  const imageChecks = new ImageChecks(documents, (scope) => runs.cli(scope), context.globalState, output);
  const preview = new SbatchPreviewProvider(documents);
  const sub = context.subscriptions;
  const command = (id: string, fn: (...args: never[]) => unknown) =>
    sub.push(
      vscode.commands.registerCommand(id, async (...args: never[]) => {
        try {
          return await fn(...args);
        } catch (err) {
          reportError(err);
          return undefined;
        }
      }),
    );

  sub.push(
    documents,
    diagnostics,
    dockerfiles,
    vscode.languages.registerCodeActionsProvider(DOCKERFILE_SELECTOR, dockerfiles, { providedCodeActionKinds: DockerfileDiagnostics.kinds }),
    output,
    runs,
    cacheLens,
    vscode.languages.registerCompletionItemProvider(SELECTOR, new WorkflowCompletionProvider(documents), ...COMPLETION_TRIGGERS),
    imageChecks,
    vscode.languages.registerHoverProvider(SELECTOR, new WorkflowHoverProvider(documents, (doc, position, result) => imageChecks.hover(doc, position, result))),
    vscode.languages.registerCodeActionsProvider(SELECTOR, new WorkflowCodeActionProvider(documents), { providedCodeActionKinds: WorkflowCodeActionProvider.kinds }),
    vscode.languages.registerCodeLensProvider(SELECTOR, new WorkflowCodeLensProvider(documents, cacheLens)),
    vscode.languages.registerDocumentSymbolProvider(SELECTOR, new WorkflowSymbolProvider(documents), { label: 'Shifter workflow' }),
    vscode.workspace.registerTextDocumentContentProvider(SBATCH_SCHEME, preview),
    vscode.window.registerTreeDataProvider('shifterflow.runs', new RunsTreeProvider(runs)),
    vscode.window.registerTreeDataProvider('shifterflow.images', images),
  );

  command('shifterflow.validateWorkflow', async (target?: vscode.Uri) => validateCommand(diagnostics, target));
  command('shifterflow.previewSbatch', (target?: vscode.Uri, job?: string) => previewSbatch(documents, target, job));
  command('shifterflow.runWorkflow', (target?: vscode.Uri) => runs.run(target));
  command('shifterflow.checkCache', (target?: vscode.Uri) => target && cacheLens.recheck(target));
  command('shifterflow.runJob', (target?: vscode.Uri, job?: string) => runs.run(target, job, true));
  command('shifterflow.cancelRun', (node?: { run?: RunView }) => runs.cancel(node?.run ?? runs.runs.find((r) => r.child)));
  command('shifterflow.openRunReport', (node?: { run?: RunView } | string) => openRunReport(typeof node === 'string' ? node : node?.run));
  command('shifterflow.pullImage', (ref?: string | { ref?: string }) => images.pull(typeof ref === 'string' ? ref : ref?.ref));
  command('shifterflow.listImages', () => images.list());
  command('shifterflow.refreshImages', () => images.refresh().catch((err: unknown) => reportError(err)));
  command('shifterflow.lookupImage', (ref?: string | { ref?: string }) => images.lookup(typeof ref === 'string' ? ref : ref?.ref));
  command('shifterflow.checkImage', (target?: vscode.Uri | string | { ref?: string }, ref?: string) => imageChecks.check(typeof target === 'object' && !(target instanceof vscode.Uri) ? target.ref : target, ref));
  command('shifterflow.openShell', (ref?: string | { ref?: string }) => openShell(ref, () => images.askRef('Image to open a shell in (salloc + shifter)')));
  // For tests and diagnosis: activation timing, process counters, shell sessions, validation paths.
  command('shifterflow._stats', () => ({
    activation: { loadToActivatedMs: timing.activateEnd - timing.loadedAt, activateMs: timing.activateEnd - timing.activateStart },
    processes: { ...processStats, argv: processStats.argv.map((a) => [...a]) },
    shells: shellSessions.map((s) => ({ ref: s.ref, argv: s.argv, jobId: s.jobId, transcript: s.transcript, exited: s.exited, released: s.released })),
    runs: runs.runs.map((r) => ({ runId: r.runId, status: r.status, job: r.job, jobs: [...r.jobs.values()] })),
    isTrusted: vscode.workspace.isTrusted,
    validations: { ...documents.counts },
    cacheLens: { ...cacheLens.counts },
  }));

  // The first validation and the file watcher start once activation has returned.
  setTimeout(() => {
    diagnostics.validateOpen();
    dockerfiles.checkOpen();
    void dockerfiles.watchWorkspace().catch((err: unknown) => output.appendLine(`Dockerfiles: ${String(err)}`));
    void diagnostics.watch((vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath)).catch((err: unknown) => output.appendLine(`file watcher: ${String(err)}`));
  }, 0);
  timing.activateEnd = performance.now();
  return { documents, diagnostics, dockerfiles, runs, images, imageChecks };
}

async function validateCommand(diagnostics: WorkflowDiagnostics, target?: vscode.Uri): Promise<{ file: string; diagnostics: number }[]> {
  const docs: vscode.TextDocument[] = [];
  const active = vscode.window.activeTextEditor?.document;
  if (target) docs.push(await vscode.workspace.openTextDocument(target));
  else if (active && isWorkflowDocument(active)) docs.push(active);
  else {
    const files = await vscode.workspace.findFiles(WORKFLOW_FILE_GLOB, '**/{node_modules,.shifterflow}/**', 200);
    for (const f of files) docs.push(await vscode.workspace.openTextDocument(f));
    if (docs.length === 0) {
      const doc = await workflowDocument();
      if (doc) docs.push(doc);
    }
  }
  const out = docs.map((d) => ({ file: vscode.workspace.asRelativePath(d.uri), diagnostics: diagnostics.validateNow(d) ?? 0 }));
  const total = out.reduce((n, f) => n + f.diagnostics, 0);
  await vscode.commands.executeCommand('workbench.actions.view.problems');
  void vscode.window.setStatusBarMessage(`Shifter: ${out.length} workflow file(s), ${total} problem(s)`, 5000);
  return out;
}

export function deactivate(): void {
  /* everything is in context.subscriptions */
}
