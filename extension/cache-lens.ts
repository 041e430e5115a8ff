// The cache lens: above each job, "cached (RUN)" or "runs: WHY", the answer of
// `shifterflow run FILE --dry-run --json` for the file as saved. The dry run digests inputs and may
// run `shifterimg lookup`, so it runs in a child process of the same CLI that Run Workflow starts (the
// extension host's thread stays free, a hang on a stuck file system or gateway is killed with its
// process, and the answer is the CLI's own), one per document at a time: a newer check kills the one
// still running. Checks are debounced per document and started by: the lens first shown, a save, a
// run from VS Code ending, a declared input or output or the cache changing on disk
// (declared-files-watch.ts), the profile setting, trust granted, or a click on the lens.
// Nothing is computed in Restricted Mode (spawnProcess refuses there anyway) or with
// `shifterflow.cacheLens.enabled` off; a document with unsaved changes or errors gets one lens saying
// so, never a per-job answer that belongs to another text.

import type { ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { failedCheckText, jobCacheTexts, parseDryRun, type CacheText } from './cache-lens-text';
import { settings } from './config';
import { core } from './core';
import { watchSetOf } from './declared-files-watch';
import type { WorkflowDocuments } from './documents';
import { PerDocumentDelay } from './per-document-delay';
import { spawnProcess } from './process';

/** Quiet time after a trigger before the dry run starts (file events come in bursts). */
const CHECK_DELAY_MS = 400;
/** A dry run longer than this is stopped (a `shifterimg lookup` or a file system that hangs). */
const CHECK_TIMEOUT_MS = 60_000;

type Answer = { kind: 'jobs'; jobs: Map<string, CacheText> } | { kind: 'failed'; text: CacheText };

interface DocState {
  uri: vscode.Uri;
  /** Raised by every check started: an older check's answer is dropped. */
  generation: number;
  checking: boolean;
  answer?: Answer;
  child?: ChildProcess;
  watchers: { close(): Promise<void> }[];
}

export class CacheLens implements vscode.Disposable {
  private readonly states = new Map<string, DocState>();
  private readonly pending = new PerDocumentDelay();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  /** For tests (`shifterflow._stats`): dry runs started, answered, killed as outdated or too long. */
  readonly counts = { started: 0, answered: 0, killed: 0, lastKilledPid: 0 };

  constructor(
    private readonly documents: WorkflowDocuments,
    private readonly cli: (scope: vscode.Uri) => string[],
  ) {
    this.disposables.push(
      this.changed,
      vscode.workspace.onDidSaveTextDocument((d) => this.states.has(d.uri.toString()) && this.recheck(d.uri)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d.uri)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.recheckAll()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('shifterflow.profile') || e.affectsConfiguration('shifterflow.cacheLens.enabled') || e.affectsConfiguration('shifterflow.cliPath')) this.recheckAll();
      }),
    );
  }

  /** The cache lenses of a workflow document: per job (at `jobRanges`), or one at `top`. */
  lenses(doc: vscode.TextDocument, top: vscode.Range, jobRanges: Map<string, vscode.Range>): vscode.CodeLens[] {
    if (!settings.cacheLensEnabled(doc.uri) || !vscode.workspace.isTrusted || doc.uri.scheme !== 'file') return [];
    const key = doc.uri.toString();
    let state = this.states.get(key);
    if (!state) {
      state = { uri: doc.uri, generation: 0, checking: false, watchers: [] };
      this.states.set(key, state);
    }
    const lens = (range: vscode.Range, text: CacheText) => new vscode.CodeLens(range, { title: text.title, tooltip: text.tooltip, command: 'shifterflow.checkCache', arguments: [doc.uri] });
    if (doc.isDirty) return [lens(top, { title: 'cache: save to check', tooltip: 'The cache lens answers for the file as saved (as a run would read it).' })];
    if (!this.documents.get(doc).workflow) return [lens(top, { title: '$(warning) cache: fix the errors first', tooltip: 'The workflow has errors (see Problems): no run, so no cache answer.' })];
    // Asked for lenses it cannot give yet (first shown, or shown again after a trigger while hidden).
    if (!state.answer && !state.checking) this.start(doc, state);
    if (state.checking || !state.answer) return [...jobRanges.values()].map((r) => lens(r, { title: '$(sync~spin) cache: checking', tooltip: 'shifterflow run --dry-run is deciding.' }));
    if (state.answer.kind === 'failed') return [lens(top, state.answer.text)];
    const out: vscode.CodeLens[] = [];
    for (const [job, range] of jobRanges) {
      const text = state.answer.jobs.get(job);
      if (text) out.push(lens(range, text));
    }
    return out;
  }

  /**
   * A trigger: checks again after a short quiet time (restarted by every trigger) when the document is
   * in view; a hidden one only forgets its answer and is checked when its lenses are asked for again.
   */
  recheck(uri: vscode.Uri): void {
    const key = uri.toString();
    const state = this.states.get(key);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    if (!state || !doc) return;
    if (vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === key)) {
      this.start(doc, state);
      return;
    }
    this.pending.cancel(uri);
    this.stop(state);
    state.generation++;
    state.checking = false;
    state.answer = undefined;
  }

  private start(doc: vscode.TextDocument, state: DocState): void {
    if (!state.checking) {
      state.checking = true;
      this.changed.fire();
    }
    this.pending.schedule(doc, CHECK_DELAY_MS, (d) => this.check(d, state));
  }

  /** A workflow file was run (from VS Code): its cache has new entries. */
  ran(file: string): void {
    this.recheck(vscode.Uri.file(file));
  }

  private recheckAll(): void {
    for (const s of this.states.values()) this.recheck(s.uri);
  }

  private check(doc: vscode.TextDocument, state: DocState): void {
    this.stop(state);
    const generation = ++state.generation;
    // Nothing to ask the CLI: the lens says why (unsaved text, errors) without a process.
    if (!settings.cacheLensEnabled(doc.uri) || !vscode.workspace.isTrusted || doc.isDirty || !this.documents.get(doc).workflow) {
      state.checking = false;
      this.changed.fire();
      return;
    }
    const folder = vscode.workspace.getWorkspaceFolder(doc.uri)?.uri.fsPath ?? dirname(doc.uri.fsPath);
    const args = ['run', doc.uri.fsPath, '--dry-run', '--json'];
    const profile = settings.profile(doc.uri);
    if (profile) args.push('--profile', profile);
    let child: ChildProcess;
    try {
      // A process group of its own: a check is killed with what it started (a shifterimg lookup, or
      // the CLI behind a cliPath wrapper script).
      child = spawnProcess('Checking the cache', [...this.cli(doc.uri), ...args], { cwd: folder, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (err) {
      state.checking = false;
      state.answer = { kind: 'failed', text: failedCheckText(null, String(err), false) };
      this.changed.fire();
      return;
    }
    this.counts.started++;
    state.child = child;
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.kill(child);
    }, CHECK_TIMEOUT_MS);
    const done = (code: number | null) => {
      clearTimeout(timer);
      if (state.generation !== generation || this.states.get(doc.uri.toString()) !== state) return;
      state.child = undefined;
      state.checking = false;
      const parsed = code === 0 ? parseDryRun(stdout) : undefined;
      state.answer = parsed ? { kind: 'jobs', jobs: jobCacheTexts(parsed) } : { kind: 'failed', text: failedCheckText(code, stderr || stdout, timedOut) };
      this.counts.answered++;
      void this.watch(doc, state, folder);
      this.changed.fire();
    };
    child.on('error', (err) => {
      stderr += String(err);
      done(null);
    });
    child.on('close', (code) => done(code));
  }

  /** Watches the directories of the plan's declared files and the cache (rebuilt after each check). */
  private async watch(doc: vscode.TextDocument, state: DocState, base: string): Promise<void> {
    await this.closeWatchers(state);
    const result = this.documents.get(doc);
    if (!result.workflow || !settings.watchFiles()) return;
    let set;
    try {
      const plan = core.plan().planWorkflow(result.workflow, result.profile, { workflowDir: dirname(doc.uri.fsPath) });
      set = watchSetOf(plan, base, doc.uri.fsPath, (p) => core.plan().isGlobPattern(p));
    } catch {
      return;
    }
    if (!set || this.states.get(doc.uri.toString()) !== state) return;
    const { watch } = await import('chokidar');
    const onEvent = (_: string, p: string) => set.concerns(p) && this.recheck(doc.uri);
    for (const [paths, depth] of [[set.dirs, 0], [set.trees, 3]] as const) {
      if (paths.length === 0) continue;
      const w = watch([...paths], { ignoreInitial: true, depth });
      w.on('all', onEvent);
      w.on('error', () => undefined);
      state.watchers.push(w);
    }
  }

  private async closeWatchers(state: DocState): Promise<void> {
    const ws = state.watchers.splice(0);
    await Promise.all(ws.map((w) => w.close()));
  }

  private stop(state: DocState): void {
    if (!state.child) return;
    this.kill(state.child);
    state.child = undefined;
  }

  private kill(child: ChildProcess): void {
    this.counts.killed++;
    if (child.pid !== undefined) this.counts.lastKilledPid = child.pid;
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }

  private forget(uri: vscode.Uri): void {
    const state = this.states.get(uri.toString());
    if (!state) return;
    this.pending.cancel(uri);
    this.stop(state);
    void this.closeWatchers(state);
    this.states.delete(uri.toString());
  }

  dispose(): void {
    for (const s of this.states.values()) this.forget(s.uri);
    this.pending.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
