// Shared by the @exthost suites (they run inside the real extension host; see run-host-tests.mjs).

import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'shifterflow.shifterflow';

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test host opened no folder');
  return folder.uri.fsPath;
}

export function wsFile(name: string): vscode.Uri {
  return vscode.Uri.file(join(workspaceDir(), name));
}

export async function activate(): Promise<void> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
  await ext.activate();
}

export async function open(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(wsFile(name));
  return vscode.window.showTextDocument(doc);
}

export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function shifterflowDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'shifterflow');
}

export interface Stats {
  activation: { loadToActivatedMs: number; activateMs: number };
  processes: { refused: number; started: number; argv: string[][] };
  shells: { ref: string; argv: string[]; jobId?: string; transcript: string; exited?: number; released?: boolean }[];
  runs: { runId?: string; status: string }[];
  isTrusted: boolean;
  validations: { fromReportedEdits: number; fromWholeText: number; lastMs: number };
  cacheLens: { started: number; answered: number; killed: number; lastKilledPid: number };
}

export function stats(): Promise<Stats> {
  return vscode.commands.executeCommand<Stats>('shifterflow._stats') as Promise<Stats>;
}

/** A line in the harness's output (the host's plain console does not reach it). */
export function report(line: string): void {
  const log = (globalThis as { sfExthostLog?: (s: string) => void }).sfExthostLog;
  if (log) log(line);
  else console.log(line);
}
