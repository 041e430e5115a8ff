// "Open Run Report": the run's report.html (written by the runner) in a webview, scripts disabled.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { RunView } from './runs';

export async function openRunReport(arg?: RunView | { run?: RunView } | string): Promise<vscode.WebviewPanel | undefined> {
  let path = typeof arg === 'string' ? arg : (arg && 'run' in arg ? arg.run : (arg as RunView | undefined))?.reportPath;
  path ??= await pickReport();
  if (!path) return undefined;
  if (!existsSync(path)) {
    void vscode.window.showWarningMessage(`Shifter: no report yet at ${path} (the runner writes it when the run ends).`);
    return undefined;
  }
  const panel = vscode.window.createWebviewPanel('shifterflow.report', `Run report ${path.split('/').slice(-2, -1)[0] ?? ''}`, vscode.ViewColumn.Active, { enableScripts: false, localResourceRoots: [] });
  const html = readFileSync(path, 'utf8');
  const csp = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline' ${panel.webview.cspSource}; img-src data: ${panel.webview.cspSource};">`;
  panel.webview.html = /<head[^>]*>/i.test(html) ? html.replace(/<head([^>]*)>/i, `<head$1>${csp}`) : `${csp}${html}`;
  return panel;
}

async function pickReport(): Promise<string | undefined> {
  const reports: { label: string; description: string; path: string; mtime: number }[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const root = join(folder.uri.fsPath, '.shifterflow', 'runs');
    if (!existsSync(root)) continue;
    for (const id of readdirSync(root)) {
      const p = join(root, id, 'report.html');
      if (existsSync(p)) reports.push({ label: id, description: folder.name, path: p, mtime: statSync(p).mtimeMs });
    }
  }
  if (reports.length === 0) {
    void vscode.window.showWarningMessage('Shifter: no run reports in this workspace (.shifterflow/runs/*/report.html).');
    return undefined;
  }
  reports.sort((a, b) => b.mtime - a.mtime);
  if (reports.length === 1) return reports[0].path;
  return (await vscode.window.showQuickPick(reports, { placeHolder: 'Run report to open' }))?.path;
}
