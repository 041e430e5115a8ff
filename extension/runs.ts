// Run Workflow / Run Job: the CLI (`shifterflow run FILE --json`) in a child process, its JSON event
// stream (runner/run/events.ts) read line by line into the Runs tree, a progress notification and the
// "Shifter" output channel; the logs of running jobs followed into the channel with chokidar. Cancel
// (from the tree or the notification) sends SIGTERM, which the CLI turns into a clean cancel.

import { existsSync, mkdtempSync, openSync, readSync, closeSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import * as vscode from 'vscode';
import type { RunEvent, RunStatus } from '../runner/run/events';
import { settings } from './config';
import { core } from './core';
import type { WorkflowDocuments } from './documents';
import { spawnProcess, trustedRunner } from './process';
import { workflowDocument } from './sbatch-preview';

export interface JobView {
  key: string;
  state: string;
  externalId?: string;
  attempt?: number;
  exitCode?: number;
  nodes?: string;
}

export interface RunView {
  /** Local id (the CLI's run id is known only after `run-started`). */
  id: number;
  file: string;
  job?: string;
  cwd: string;
  workflow: string;
  runId?: string;
  status: 'STARTING' | 'RUNNING' | RunStatus;
  jobs: Map<string, JobView>;
  images: Map<string, string>;
  exitCode?: number | null;
  started: Date;
  events: RunEvent[];
  stderr: string;
  /** The last lines the jobs wrote to their logs (also in the output channel). */
  logLines: string[];
  reportPath?: string;
  child?: ChildProcess;
}

export class RunManager implements vscode.Disposable {
  readonly runs: RunView[] = [];
  private readonly changed = new vscode.EventEmitter<RunView | undefined>();
  readonly onDidChange = this.changed.event;
  private nextId = 1;
  private jobFlag: Promise<boolean> | undefined;

  constructor(
    private readonly extensionPath: string,
    private readonly output: vscode.OutputChannel,
    private readonly documents: WorkflowDocuments,
  ) {}

  /** argv prefix of the CLI: the setting, or bin/shifterflow.js run by the extension host's Node. */
  cli(scope?: vscode.Uri): string[] {
    const configured = settings.cliPath(scope);
    if (configured) return [configured];
    return [process.execPath, join(this.extensionPath, 'bin', 'shifterflow.js')];
  }

  /** Runs the workflow (or one job and what it needs); resolves when the run has ended. */
  async run(target?: vscode.Uri, job?: string, askJob = false): Promise<RunView | undefined> {
    const doc = await workflowDocument(target);
    if (!doc) return undefined;
    if (doc.isDirty) await doc.save();
    const result = this.documents.get(doc);
    if (!result.workflow) {
      void vscode.window.showErrorMessage(`Shifter: ${basename(doc.uri.fsPath)} has errors; fix them before running (see Problems).`);
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      return undefined;
    }
    const jobs = Object.keys(result.workflow.jobs);
    if (job === '') job = undefined;
    if (job === undefined && askJob) {
      job = await vscode.window.showQuickPick(jobs, { placeHolder: 'Job to run (with the jobs it needs)' });
      if (!job) return undefined;
    }
    if (job !== undefined && !jobs.includes(job)) throw new Error(`no job "${job}" in ${basename(doc.uri.fsPath)}`);
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? dirname(doc.uri.fsPath);
    let file = doc.uri.fsPath;
    const args = ['run', file, '--json'];
    if (job !== undefined) {
      if (await this.cliHasJobFlag(doc.uri)) args.push('--job', job);
      else args[1] = file = this.workflowForJob(doc, result.workflow as unknown as Record<string, unknown>, job);
    }
    const profile = settings.profile(doc.uri);
    if (profile) args.push('--profile', profile);
    const poll = settings.pollInterval(doc.uri);
    if (poll > 0) args.push('--poll-ms', String(poll));
    const argv = [...this.cli(doc.uri), ...args];

    const run: RunView = { id: this.nextId++, file: doc.uri.fsPath, job, cwd: folder, workflow: result.workflow.name, status: 'STARTING', jobs: new Map(), images: new Map(), started: new Date(), events: [], stderr: '', logLines: [] };
    for (const k of jobs) if (job === undefined || this.needsClosure(result.workflow as unknown as Record<string, unknown>, job).includes(k)) run.jobs.set(k, { key: k, state: 'WAITING' });
    this.output.appendLine(`\n$ ${argv.map(shellWord).join(' ')}   (in ${folder})`);
    const child = spawnProcess('Running a workflow', argv, { cwd: folder, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    run.child = child;
    this.runs.unshift(run);
    this.changed.fire(undefined);

    const logs = new LogFollower(this.output, run.logLines);
    const done = new Promise<RunView>((resolve) => {
      let buffer = '';
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        buffer += chunk;
        let nl: number;
        while ((nl = buffer.indexOf('\n')) !== -1) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) this.onLine(run, line, logs);
        }
      });
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        run.stderr += chunk;
        this.output.append(chunk);
      });
      const finish = (code: number | null) => {
        if (buffer.trim()) this.onLine(run, buffer.trim(), logs);
        buffer = '';
        run.exitCode = code;
        run.child = undefined;
        if (run.status === 'STARTING' || run.status === 'RUNNING') run.status = code === 130 ? 'CANCELLED' : code === 0 ? 'COMPLETED' : 'FAILED';
        void logs.stop().then(() => {
          this.output.appendLine(`run ${run.runId ?? '(not started)'}: ${run.status}${code !== 0 ? ` (exit ${code})` : ''}`);
          this.changed.fire(run);
          resolve(run);
        });
      };
      child.on('error', (err) => {
        run.stderr += String(err);
        this.output.appendLine(`could not start the CLI: ${err.message}`);
        finish(null);
      });
      child.on('close', (code) => finish(code));
    });

    const title = `Shifter: ${job ? `job ${job} of ` : ''}${run.workflow}`;
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      token.onCancellationRequested(() => this.cancel(run));
      const sub = this.onDidChange((r) => {
        if (r && r !== run) return;
        progress.report({ message: summary(run) });
      });
      return done.finally(() => sub.dispose());
    });
    const ended = await done;
    if (ended.status === 'FAILED') {
      void vscode.window.showErrorMessage(`${title}: FAILED${ended.stderr ? `: ${ended.stderr.trim().split('\n').pop()}` : ''}`, 'Show Output').then((a) => a && this.output.show(true));
    } else if (ended.status === 'COMPLETED') void vscode.window.showInformationMessage(`${title}: COMPLETED`);
    return ended;
  }

  cancel(run: RunView | undefined): boolean {
    if (!run?.child) return false;
    this.output.appendLine(`cancelling run ${run.runId ?? ''}...`);
    run.child.kill('SIGTERM');
    return true;
  }

  private onLine(run: RunView, line: string, logs: LogFollower): void {
    let e: RunEvent;
    try {
      e = JSON.parse(line) as RunEvent;
    } catch {
      this.output.appendLine(line);
      return;
    }
    run.events.push(e);
    switch (e.type) {
      case 'run-started': {
        run.runId = e.runId;
        run.status = 'RUNNING';
        const dir = join(run.cwd, '.shifterflow', 'runs', e.runId);
        run.reportPath = join(dir, 'report.html');
        logs.follow(join(dir, 'logs'));
        this.output.appendLine(`run ${e.runId}: workflow ${e.workflow}, profile ${e.profile} (${e.executor}), ${e.jobs.length} job(s)`);
        break;
      }
      case 'image':
        run.images.set(e.ref, e.status);
        this.output.appendLine(`image ${e.ref}: ${e.status}${e.message ? ` (${e.message})` : ''}`);
        break;
      case 'job-submitted': {
        const j = run.jobs.get(e.job) ?? { key: e.job, state: 'SUBMITTED' };
        Object.assign(j, { state: 'SUBMITTED', externalId: e.externalId, attempt: e.attempt });
        run.jobs.set(e.job, j);
        this.output.appendLine(`job ${e.job}: submitted as ${e.externalId} (attempt ${e.attempt})`);
        break;
      }
      case 'job-state': {
        const j = run.jobs.get(e.job) ?? { key: e.job, state: e.state };
        Object.assign(j, { state: e.state, externalId: e.externalId, attempt: e.attempt, exitCode: e.exitCode, nodes: e.nodes });
        run.jobs.set(e.job, j);
        this.output.appendLine(`job ${e.job}${e.arrayIndex !== undefined ? `[${e.arrayIndex}]` : ''}: ${e.state}${e.exitCode !== undefined ? ` exit ${e.exitCode}` : ''}${e.reason ? ` (${e.reason})` : ''}`);
        break;
      }
      case 'message':
        this.output.appendLine(`${e.level}: ${e.text}`);
        break;
      case 'run-finished':
        run.status = e.status;
        break;
    }
    this.changed.fire(run);
  }

  /** Does this CLI take `run --job NAME`? (asked once; older builds do not, see workflowForJob). */
  private cliHasJobFlag(scope: vscode.Uri): Promise<boolean> {
    this.jobFlag ??= trustedRunner('Running a workflow')
      .run([...this.cli(scope), 'run', '--help'], { env: core.runner().mergeEnv({ ELECTRON_RUN_AS_NODE: '1' }), timeoutMs: 20_000 })
      .then((r) => /--job\b/.test(r.stdout + r.stderr))
      .catch(() => false);
    return this.jobFlag;
  }

  /** The jobs `job` needs, transitively, and itself. */
  needsClosure(wf: Record<string, unknown>, job: string): string[] {
    const jobs = wf.jobs as Record<string, { needs?: string[] }>;
    const out: string[] = [];
    const visit = (k: string) => {
      if (out.includes(k) || !jobs[k]) return;
      for (const n of jobs[k].needs ?? []) visit(n);
      out.push(k);
    };
    visit(job);
    return out;
  }

  /** For a CLI without --job: the workflow reduced to the job and what it needs, in a private temp file. */
  private workflowForJob(doc: vscode.TextDocument, wf: Record<string, unknown>, job: string): string {
    const keep = this.needsClosure(wf, job);
    const jobs = wf.jobs as Record<string, unknown>;
    const reduced = { ...wf, jobs: Object.fromEntries(keep.map((k) => [k, jobs[k]])) };
    const dir = mkdtempSync(join(tmpdir(), 'shifterflow-job-'));
    const file = join(dir, basename(doc.uri.fsPath));
    writeFileSync(file, `# ${basename(doc.uri.fsPath)} reduced to job ${job} and the jobs it needs (by the VS Code extension)\n${core.yaml().stringify(reduced)}`, { mode: 0o600 });
    return file;
  }

  dispose(): void {
    for (const r of this.runs) this.cancel(r);
    this.changed.dispose();
  }
}

/** Appends what jobs write to their log files (logs/<job>.<attempt>.out|err) to the output channel. */
class LogFollower {
  private watcher: { close(): Promise<void> } | undefined;
  private readonly offsets = new Map<string, number>();
  private dir: string | undefined;

  constructor(
    private readonly output: vscode.OutputChannel,
    private readonly lines: string[],
  ) {}

  follow(dir: string): void {
    this.dir = dir;
    void import('chokidar').then(({ watch }) => {
      if (!this.dir) return;
      const w = watch(dir, { ignoreInitial: false, depth: 0 });
      w.on('add', (p: string) => this.read(p));
      w.on('change', (p: string) => this.read(p));
      this.watcher = w;
    });
  }

  private read(path: string): void {
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return;
    }
    const from = this.offsets.get(path) ?? 0;
    if (size <= from) return;
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(size - from);
      readSync(fd, buf, 0, buf.length, from);
      this.offsets.set(path, size);
      const name = basename(path);
      for (const line of buf.toString('utf8').split('\n')) {
        if (!line) continue;
        this.output.appendLine(`[${name}] ${line}`);
        this.lines.push(`[${name}] ${line}`);
        if (this.lines.length > 500) this.lines.shift();
      }
    } finally {
      closeSync(fd);
    }
  }

  async stop(): Promise<void> {
    // The last lines: a job that ended may have written after the watcher's last event.
    if (this.dir && existsSync(this.dir)) {
      const { readdirSync } = await import('node:fs');
      for (const f of readdirSync(this.dir).sort()) this.read(join(this.dir, f));
    }
    this.dir = undefined;
    await this.watcher?.close();
  }
}

function summary(run: RunView): string {
  const states = [...run.jobs.values()];
  const done = states.filter((j) => ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY'].includes(j.state)).length;
  const active = states.filter((j) => j.state === 'RUNNING' || j.state === 'PENDING' || j.state === 'SUBMITTED').map((j) => `${j.key} ${j.state}`);
  const pulling = [...run.images.entries()].filter(([, s]) => !['READY', 'SKIPPED'].includes(s)).map(([r, s]) => `${r} ${s}`);
  return [...pulling, ...active, `${done}/${states.length} done`].join(', ');
}

function shellWord(w: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}
