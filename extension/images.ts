// Images: Pull (progress notification with the gateway's status word, cancellable; FAILURE is an
// error, whatever shifterimg's exit status), List (the Images view, from `shifterimg images`) and
// Lookup, all through the core's gateway client with the trust-checked process runner.

import * as vscode from 'vscode';
import type { ImageGateway, ImageRecord, PullResult } from '../runner/images';
import { settings } from './config';
import { core } from './core';
import type { WorkflowDocuments } from './documents';
import { RestrictedModeError, reportError, trustedRunner } from './process';
import { stateIcon } from './runs-tree';
import { isWorkflowDocument } from './workflow-files';

export interface PullOutcome extends Partial<PullResult> {
  statuses: string[];
  error?: string;
  cancelled?: boolean;
}

export class Images implements vscode.TreeDataProvider<ImageRecord | string> {
  private records: ImageRecord[] | undefined;
  private error: string | undefined;
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly documents: WorkflowDocuments) {}

  gateway(): ImageGateway {
    return new (core.images().ImageGateway)({ runner: trustedRunner('Talking to the image gateway'), shifterimg: settings.shifterimgPath() });
  }

  // ---- tree
  getChildren(node?: ImageRecord | string): (ImageRecord | string)[] | Promise<(ImageRecord | string)[]> {
    if (node) return [];
    if (this.records === undefined && this.error === undefined) return this.refresh().then(
        () => this.rows(),
        () => this.rows(),
      );
    return this.rows();
  }

  private rows(): (ImageRecord | string)[] {
    if (this.error !== undefined) return [this.error];
    return this.records ?? [];
  }

  getTreeItem(node: ImageRecord | string): vscode.TreeItem {
    if (typeof node === 'string') {
      const item = new vscode.TreeItem(node);
      item.iconPath = new vscode.ThemeIcon('warning');
      return item;
    }
    const item = new vscode.TreeItem(node.ref);
    item.id = `image-${node.ref}`;
    item.description = `${node.status}${node.idPrefix ? ` · ${node.idPrefix}` : ''}`;
    item.tooltip = `${node.ref}\nstatus ${node.status}\nid ${node.idPrefix ?? '-'}\nlast pull ${node.lastPull}\nsystem ${node.system}`;
    item.iconPath = stateIcon(node.status);
    item.contextValue = 'shifterflowImage';
    return item;
  }

  /** `shifterimg images` into the view; returns the records (or throws). */
  async refresh(): Promise<ImageRecord[]> {
    try {
      this.records = await this.gateway().listImages();
      this.error = undefined;
      return this.records;
    } catch (err) {
      this.records = undefined;
      this.error = err instanceof RestrictedModeError ? 'Restricted Mode: images are not listed in an untrusted workspace' : `shifterimg images failed: ${(err as Error).message.split('\n')[0]}`;
      throw err;
    } finally {
      this.changed.fire(undefined);
    }
  }

  async list(): Promise<ImageRecord[] | undefined> {
    try {
      const records = await this.refresh();
      void vscode.commands.executeCommand('shifterflow.images.focus').then(undefined, () => undefined);
      return records;
    } catch (err) {
      reportError(err);
      return undefined;
    }
  }

  async pull(ref?: string): Promise<PullOutcome | undefined> {
    ref ??= await this.askRef('Image to pull (TYPE:NAME:VERSION, e.g. docker:ubuntu:22.04)');
    if (!ref) return undefined;
    const statuses: string[] = [];
    const acl = this.aclFor(ref);
    const outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Shifter: pulling ${ref}`, cancellable: true }, async (progress, token): Promise<PullOutcome> => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      try {
        const r = await this.gateway().pullImage(ref!, {
          ...acl,
          signal: abort.signal,
          onStatus: (status) => {
            statuses.push(status);
            progress.report({ message: status });
          },
        });
        return { ...r, statuses };
      } catch (err) {
        if (abort.signal.aborted) return { statuses, cancelled: true, error: (err as Error).message };
        if (err instanceof RestrictedModeError) throw err;
        return { statuses, error: (err as Error).message };
      }
    }).then(undefined, (err: unknown) => {
      reportError(err);
      return { statuses, error: (err as Error).message } as PullOutcome;
    });
    if (outcome.cancelled) void vscode.window.showWarningMessage(`Shifter: pull of ${ref} cancelled.`);
    else if (outcome.ok) void vscode.window.showInformationMessage(`Shifter: ${outcome.ref} is READY (id ${outcome.id}).`);
    else if (outcome.status) void vscode.window.showErrorMessage(`Shifter: pull of ${outcome.ref} ended in ${outcome.status}: ${outcome.message ?? ''}`);
    else if (outcome.error && !/Restricted Mode/.test(outcome.error)) void vscode.window.showErrorMessage(`Shifter: pull of ${ref} failed: ${outcome.error}`);
    if (!outcome.error || outcome.status) void this.refresh().catch(() => undefined);
    return outcome;
  }

  async lookup(ref?: string): Promise<string | undefined> {
    ref ??= await this.askRef('Image to look up (TYPE:NAME:VERSION)');
    if (!ref) return undefined;
    try {
      const id = await this.gateway().lookupImage(ref);
      if (id) {
        void vscode.window.showInformationMessage(`Shifter: ${ref} is ${id}`, 'Copy id').then((copy) => copy && vscode.env.clipboard.writeText(id));
      } else void vscode.window.showWarningMessage(`Shifter: the image gateway does not know ${ref} (pull it first).`);
      return id;
    } catch (err) {
      reportError(err);
      return undefined;
    }
  }

  /** The images of the active workflow (resolved aliases) first, then free text. */
  async askRef(prompt: string): Promise<string | undefined> {
    const refs = this.workflowRefs();
    if (refs.length > 0) {
      const other = '$(edit) Another image...';
      const pick = await vscode.window.showQuickPick([...refs.map((r) => ({ label: r.ref, description: r.alias })), { label: other }], { placeHolder: prompt });
      if (!pick) return undefined;
      if (pick.label !== other) return pick.label;
    }
    return vscode.window.showInputBox({
      prompt,
      placeHolder: 'docker:ubuntu:22.04',
      validateInput: (v) => {
        try {
          core.images().normalizeImageRef(v.trim());
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
    }).then((v) => v?.trim() || undefined);
  }

  private workflowRefs(): { ref: string; alias?: string }[] {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !isWorkflowDocument(doc)) return [];
    const images = (this.documents.get(doc).source.value as { images?: Record<string, unknown> } | undefined)?.images ?? {};
    return Object.entries(images).flatMap(([alias, v]) => {
      const ref = typeof v === 'string' ? v : (v as { ref?: unknown } | null)?.ref;
      return typeof ref === 'string' ? [{ ref, alias }] : [];
    });
  }

  /** The ACL the active workflow gives this image (users/groups), so a pull from VS Code keeps it private. */
  private aclFor(ref: string): { users?: (string | number)[]; groups?: (string | number)[] } {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !isWorkflowDocument(doc)) return {};
    const images = (this.documents.get(doc).source.value as { images?: Record<string, unknown> } | undefined)?.images ?? {};
    for (const v of Object.values(images)) {
      const spec = v as { ref?: unknown; users?: (string | number)[]; groups?: (string | number)[] } | null;
      if (spec && typeof spec === 'object' && spec.ref === ref) return { users: spec.users, groups: spec.groups };
    }
    return {};
  }
}
