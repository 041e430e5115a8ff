// "Check Image for Shifter": the CLI's `images check REF --json` in a child process (the network and
// the layer scan stay off the extension host), with a cancellable progress notification; its findings,
// recomputed from the facts cache for how the workflow's jobs use the image (runner/imagecheck/
// last-check.ts), become diagnostics at the line naming the image. Each check is remembered per
// registry reference (globalState); the hover on an image line shows the newer of that and the last
// check the cache records (one from the CLI counts too). A finding about a job's command (SI019) sits
// at the command, as `validate --images` puts it. Runs a process:
// refused in Restricted Mode (process.ts).

import { dirname } from 'node:path';
import * as vscode from 'vscode';
import type { CheckContext, ImageUse } from '../runner/imagecheck/check-context';
import type { ImageFinding } from '../runner/imagecheck/finding';
import type { PlannedImage } from '../runner/plan/types';
import type { ValidationResult } from '../runner/workflow/validate';
import { core } from './core';
import { toRange, type WorkflowDocuments } from './documents';
import { spawnProcess } from './process';
import { nodeAt } from './yaml-path';
import { isWorkflowDocument } from './workflow-files';

const last = core.lastCheck;
const sites = core.imageSites;
const uses = core.imageUses;

const STATE_KEY = 'shifterflow.imageChecks';
const REMEMBERED = 100;

/** One check as remembered: what the CLI answered (findings without a workflow's uses) and when. */
export interface CheckRecord {
  reference: string;
  digest?: string;
  checkedAt: number;
  findings: ImageFinding[];
}

export interface CheckOutcome {
  ref: string;
  reference?: string;
  digest?: string;
  /** The findings shown: for the workflow's use of the image when it has one. */
  findings?: ImageFinding[];
  /** Diagnostics published in the workflow file. */
  diagnostics?: number;
  file?: string;
  error?: string;
  cancelled?: boolean;
}

/** An image of a workflow: as written, the normalized ref, and (valid file) its plan entry, uses and line. */
interface WorkflowImage {
  ref: string;
  alias?: string;
  reference?: string;
  context: CheckContext;
  range?: vscode.Range;
}

export class ImageChecks implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('shifterflow-images');
  /** Per workflow file, the references whose findings are shown in it. */
  private readonly shown = new Map<string, Set<string>>();
  private readonly memo = new Map<string, ImageFinding[] | undefined>();
  /** Cancels each check under way (what the notification's Cancel does). */
  private readonly cancels = new Set<() => void>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly documents: WorkflowDocuments,
    private readonly cli: (scope?: vscode.Uri) => string[],
    private readonly state: vscode.Memento,
    private readonly output: vscode.OutputChannel,
  ) {
    // Edits move the image's line: show the findings at its new place (only files that have some).
    this.disposables.push(documents.onDidUpdate((uri) => this.shown.has(uri.toString()) && this.republish(uri)));
  }

  /** The command: the image under the cursor, the one given, or one picked from the workflow's images. */
  async check(target?: vscode.Uri | string, given?: string): Promise<CheckOutcome | undefined> {
    if (typeof target === 'string') [target, given] = [undefined, target];
    const doc = await this.workflowDoc(target);
    const result = doc ? this.documents.get(doc) : undefined;
    const images = doc && result ? workflowImages(doc.uri, result) : [];
    let ref = given?.trim();
    if (!ref && doc && result && vscode.window.activeTextEditor?.document === doc) ref = imageAt(doc, result, vscode.window.activeTextEditor.selection.active)?.ref;
    ref ||= await pickImage(images);
    if (!ref) return undefined;
    const reference = last().imageReference(ref);
    const image = images.find((i) => i.ref === ref || (reference !== undefined && i.reference === reference)) ?? { ref, reference, context: {} };
    const outcome = await this.run(ref, image.context, doc?.uri);
    if (outcome.error !== undefined || outcome.cancelled) {
      if (outcome.cancelled) void vscode.window.showWarningMessage(`Shifter: check of ${ref} cancelled.`);
      else void vscode.window.showErrorMessage(`Shifter: check of ${ref} failed: ${outcome.error}`);
      return outcome;
    }
    if (doc) {
      outcome.file = vscode.workspace.asRelativePath(doc.uri);
      outcome.diagnostics = this.republish(doc.uri, outcome.reference);
      await vscode.commands.executeCommand('workbench.actions.view.problems');
    }
    const summary = last().checkSummary(outcome.findings ?? []);
    void vscode.window.setStatusBarMessage(`Shifter: ${ref}: ${summary}`, 8000);
    return outcome;
  }

  /** Cancels the checks under way; returns how many. */
  cancelAll(): number {
    const n = this.cancels.size;
    for (const c of [...this.cancels]) c();
    return n;
  }

  /** Markdown for the hover on an image line; undefined when the cursor is on none. */
  hover(doc: vscode.TextDocument, position: vscode.Position, result: ValidationResult): string | undefined {
    const at = imageAt(doc, result, position);
    if (!at) return undefined;
    const image = workflowImages(doc.uri, result).find((i) => i.reference === at.reference) ?? at;
    const record = at.reference ? this.lastRecord(at.reference) : undefined;
    if (!record) {
      const how = vscode.workspace.isTrusted ? `run [Check Image for Shifter](command:shifterflow.checkImage?${encodeURIComponent(JSON.stringify([at.ref]))})` : 'trust the workspace to run Check Image for Shifter';
      return `**Shifter check**: \`${at.ref}\` not checked yet: ${how}.\n\n`;
    }
    const findings = this.findingsFor(record, image.context);
    const digest = record.digest ? `, \`${record.digest.slice(0, 19)}…\`` : '';
    const lines = findings.map((f) => `- ${f.severity} **${f.code}** ${escapeMd(f.message)}${f.count > 0 ? ` (${f.paths.map((p) => `\`${p}\``).join(', ')}${f.count > f.paths.length ? ` and ${f.count - f.paths.length} more` : ''})` : ''}: ${escapeMd(f.fix)}`);
    return `**Shifter check** (${ago(record.checkedAt)}${digest}): ${last().checkSummary(findings)}\n\n${lines.join('\n')}${lines.length ? '\n\n' : ''}`;
  }

  /** `images check REF --json` as a child process; the findings for `context` from the cache it filled. */
  private async run(ref: string, context: CheckContext, scope?: vscode.Uri): Promise<CheckOutcome> {
    const argv = [...this.cli(scope), 'images', 'check', ref, '--json', ...(context.uses?.some((u) => u.mpi) ? ['--mpi'] : [])];
    const folder = scope ? (vscode.workspace.getWorkspaceFolder(scope)?.uri.fsPath ?? (scope.scheme === 'file' ? dirname(scope.fsPath) : undefined)) : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    this.output.appendLine(`\n$ ${argv.join(' ')}`);
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Shifter: checking ${ref}`, cancellable: true }, (progress, token) =>
      new Promise<CheckOutcome>((resolve, reject) => {
        // SHIFTERFLOW_PROGRESS: the CLI's per-layer lines without a terminal, read here as progress.
        const child = spawnProcess('Checking an image', argv, { cwd: folder, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', SHIFTERFLOW_PROGRESS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        let cancelled = false;
        const cancel = () => {
          cancelled = true;
          child.kill('SIGTERM');
        };
        this.cancels.add(cancel);
        token.onCancellationRequested(cancel);
        progress.report({ message: 'reading the manifest' });
        child.stdout!.setEncoding('utf8').on('data', (c: string) => (stdout += c));
        child.stderr!.setEncoding('utf8').on('data', (c: string) => {
          stderr += c;
          this.output.append(c);
          const layer = [...c.matchAll(/: layer (\d+\/\d+ \([^)]*\))$/gm)].pop();
          if (layer) progress.report({ message: `layer ${layer[1]}` });
        });
        child.on('error', (err) => {
          this.cancels.delete(cancel);
          reject(err);
        });
        child.on('close', (code) => {
          this.cancels.delete(cancel);
          if (cancelled) return resolve({ ref, cancelled: true });
          let parsed: { reference: string; digest?: string; findings: ImageFinding[] }[] | undefined;
          try {
            parsed = JSON.parse(stdout) as typeof parsed;
          } catch {
            parsed = undefined;
          }
          const r = parsed?.[0];
          if (!r || (code !== 0 && code !== 1)) {
            const said = [...stderr.matchAll(/^shifterflow: (.*)$/gm)].pop()?.[1];
            return resolve({ ref, error: said ?? (stderr.trim().split('\n').pop() || `the CLI exited with ${code}`) });
          }
          this.output.appendLine(`${r.reference}: ${last().checkSummary(r.findings)}${r.digest ? ` (${r.digest})` : ''}`);
          const record: CheckRecord = { reference: r.reference, digest: r.digest, checkedAt: Date.now(), findings: r.findings };
          void this.remember(record);
          resolve({ ref, reference: r.reference, digest: r.digest, findings: this.findingsFor(record, context) });
        });
      }),
    );
  }

  /** The findings for this use: from the cached facts (the workflow's jobs, volumes, MPI) or as the CLI gave them. */
  private findingsFor(record: CheckRecord, context: CheckContext): ImageFinding[] {
    if (!record.digest || !context.uses) return record.findings;
    const key = `${record.digest} ${JSON.stringify(context)}`;
    if (!this.memo.has(key)) {
      if (this.memo.size > 200) this.memo.clear();
      this.memo.set(key, last().cachedFindings(record.digest, context));
    }
    return this.memo.get(key) ?? record.findings;
  }

  /** Publishes, at each image's line, the findings of the images checked in this file; returns how many diagnostics the reference got. */
  private republish(uri: vscode.Uri, added?: string): number {
    const key = uri.toString();
    const refs = this.shown.get(key) ?? new Set<string>();
    if (added) refs.add(added);
    this.shown.set(key, refs);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    const result = doc ? this.documents.get(doc) : this.documents.peek(uri);
    if (!result) return 0;
    const images = workflowImages(uri, result);
    const out: vscode.Diagnostic[] = [];
    let count = 0;
    for (const reference of refs) {
      const record = this.lastRecord(reference);
      const image = images.find((i) => i.reference === reference);
      if (!record || !image?.range) continue;
      for (const f of this.findingsFor(record, image.context)) {
        const paths = f.count > 0 ? ` (${f.paths.join(', ')}${f.count > f.paths.length ? ` and ${f.count - f.paths.length} more` : ''})` : '';
        const severity = f.severity === 'error' ? vscode.DiagnosticSeverity.Error : f.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
        // A finding about a job's use (its command, as SI019) belongs where the file writes that command.
        const range = f.at && result.workflow ? toRange(result.source.locate(f.at, 'value')) : image.range;
        const d = new vscode.Diagnostic(range, `image ${image.ref}: ${f.message}${paths}; ${f.fix}`, severity);
        d.source = 'shifterflow';
        d.code = f.code;
        out.push(d);
        if (reference === added) count++;
      }
    }
    this.collection.set(uri, out);
    return count;
  }

  private records(): Record<string, CheckRecord> {
    return this.state.get<Record<string, CheckRecord>>(STATE_KEY, {});
  }

  /** The newer of this editor's last check of `reference` and the last one the cache records (a check from the CLI, say). */
  private lastRecord(reference: string): CheckRecord | undefined {
    const own = this.records()[reference];
    const cached = last().lastCheckOf(reference);
    return cached && (!own || cached.checkedAt > own.checkedAt) ? cached : own;
  }

  private async remember(record: CheckRecord): Promise<void> {
    const all = { ...this.records(), [record.reference]: record };
    const kept = Object.values(all).sort((a, b) => b.checkedAt - a.checkedAt).slice(0, REMEMBERED);
    await this.state.update(STATE_KEY, Object.fromEntries(kept.map((r) => [r.reference, r])));
  }

  private async workflowDoc(target?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
    if (target) return vscode.workspace.openTextDocument(target);
    const active = vscode.window.activeTextEditor?.document;
    return active && isWorkflowDocument(active) ? active : undefined;
  }

  dispose(): void {
    this.collection.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

/** Each planned image of a valid workflow with its uses and the range of the line naming it; the aliases of an invalid one. */
function workflowImages(uri: vscode.Uri, result: ValidationResult): WorkflowImage[] {
  const ref = (i: PlannedImage): WorkflowImage => ({ ref: i.ref, alias: i.alias, reference: last().imageReference(i.ref), context: {} });
  if (!result.workflow) return aliases(result).map((a) => ({ ...a, reference: last().imageReference(a.ref), context: {} }));
  let plan;
  try {
    plan = core.plan().planWorkflow(result.workflow, result.profile, uri.scheme === 'file' ? { workflowDir: dirname(uri.fsPath) } : {});
  } catch {
    return aliases(result).map((a) => ({ ...a, reference: last().imageReference(a.ref), context: {} }));
  }
  const byRef: Map<string, ImageUse[]> = uses().planImageUses(plan, result.workflow);
  return plan.images.map((i) => {
    const site = sites().imageSite(result.workflow!, i);
    return { ...ref(i), context: { uses: byRef.get(i.ref) ?? [] }, range: site.path.length > 0 ? toRange(result.source.locate(site.path, site.anchor)) : undefined };
  });
}

function aliases(result: ValidationResult): { ref: string; alias: string }[] {
  const images = (result.source.value as { images?: Record<string, unknown> } | undefined)?.images ?? {};
  return Object.entries(images).flatMap(([alias, v]) => {
    const ref = typeof v === 'string' ? v : (v as { ref?: unknown } | null)?.ref;
    return typeof ref === 'string' ? [{ ref, alias }] : [];
  });
}

/** The image named on the line under the cursor: an `image:` (alias or reference) or an `images:` entry. */
function imageAt(doc: vscode.TextDocument, result: ValidationResult, position: vscode.Position): WorkflowImage | undefined {
  const line = doc.lineAt(position.line);
  const text = doc.getText();
  // Anywhere on the line (the `image:` key, the blanks): else the node at the line's end.
  const atCursor = nodeAt(text, doc.offsetAt(position));
  const at = atCursor && isImageNode(atCursor) ? atCursor : nodeAt(text, doc.offsetAt(line.range.end));
  if (!at || !isImageNode(at)) return undefined;
  const value = result.source.value as { images?: Record<string, unknown> } | undefined;
  const images = value?.images ?? {};
  const aliasRef = (alias: string) => {
    const v = images[alias];
    const r = typeof v === 'string' ? v : (v as { ref?: unknown } | null | undefined)?.ref;
    return typeof r === 'string' ? r : undefined;
  };
  let written: string | undefined;
  let alias: string | undefined;
  if (at.path[0] === 'images' && typeof at.path[1] === 'string' && (at.path.length === 2 || at.path[2] === 'ref')) {
    alias = at.path[1];
    written = aliasRef(alias);
  } else if (at.path[at.path.length - 1] === 'image' && typeof at.value === 'string') {
    alias = Object.prototype.hasOwnProperty.call(images, at.value) ? at.value : undefined;
    written = alias !== undefined ? aliasRef(alias) : at.value;
  }
  if (!written) return undefined;
  let ref = written;
  try {
    ref = core.images().normalizeImageRef(written);
  } catch {
    return undefined;
  }
  return { ref, alias, reference: last().imageReference(ref), context: {}, range: line.range };
}

function isImageNode(at: { path: (string | number)[]; value?: unknown }): boolean {
  if (at.path[0] === 'images') return typeof at.path[1] === 'string' && (at.path.length === 2 || at.path[2] === 'ref');
  return at.path[at.path.length - 1] === 'image' && typeof at.value === 'string';
}

async function pickImage(images: WorkflowImage[]): Promise<string | undefined> {
  const prompt = 'Image to check for Shifter (read from its registry)';
  if (images.length > 0) {
    const other = '$(edit) Another image...';
    const pick = await vscode.window.showQuickPick([...images.map((i) => ({ label: i.ref, description: i.alias })), { label: other }], { placeHolder: prompt });
    if (!pick) return undefined;
    if (pick.label !== other) return pick.label;
  }
  const v = await vscode.window.showInputBox({ prompt, placeHolder: 'docker:ubuntu:22.04', validateInput: (s) => (last().imageReference(s.trim()) ? undefined : 'not an image reference (docker:NAME:TAG)') });
  return v?.trim() || undefined;
}

function ago(at: number): string {
  const s = Math.max(0, Math.round((Date.now() - at) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(at).toISOString().slice(0, 10);
}

function escapeMd(s: string): string {
  // Backticks stay: the fixes quote commands as code.
  return s.replace(/[\\*_[\]<>]/g, (c) => `\\${c}`);
}
