// The Runs view: one item per run started from VS Code (status, run id), its jobs below (state,
// Slurm id, exit code). Running runs can be cancelled from their context menu; ended ones open their report.

import * as vscode from 'vscode';
import type { JobView, RunManager, RunView } from './runs';

type Node = { kind: 'run'; run: RunView } | { kind: 'job'; run: RunView; job: JobView };

export class RunsTreeProvider implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly runs: RunManager) {
    runs.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: Node): Node[] {
    if (!node) return this.runs.runs.map((run) => ({ kind: 'run', run }));
    if (node.kind === 'run') return [...node.run.jobs.values()].map((job) => ({ kind: 'job', run: node.run, job }));
    return [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'run') {
      const r = node.run;
      const item = new vscode.TreeItem(`${r.workflow}${r.job ? ` / ${r.job}` : ''}`, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `run-${r.id}`;
      item.description = `${r.status}${r.runId ? ` · ${r.runId}` : ''}`;
      item.tooltip = `${r.file}\nstarted ${r.started.toLocaleString()}${r.runId ? `\n${r.cwd}/.shifterflow/runs/${r.runId}` : ''}`;
      item.iconPath = stateIcon(r.status);
      item.contextValue = r.child ? 'shifterflowRun.running' : 'shifterflowRun.ended';
      return item;
    }
    const j = node.job;
    const item = new vscode.TreeItem(j.key, vscode.TreeItemCollapsibleState.None);
    item.id = `run-${node.run.id}-${j.key}`;
    item.description = [j.state, j.externalId ? `#${j.externalId}` : '', j.exitCode !== undefined ? `exit ${j.exitCode}` : '', j.nodes ?? ''].filter(Boolean).join(' · ');
    item.iconPath = stateIcon(j.state);
    item.contextValue = 'shifterflowJob';
    return item;
  }
}

export function stateIcon(state: string): vscode.ThemeIcon {
  switch (state) {
    case 'COMPLETED':
    case 'READY':
      return new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'));
    case 'FAILED':
    case 'FAILURE':
    case 'NODE_FAIL':
    case 'TIMEOUT':
    case 'OUT_OF_MEMORY':
    case 'BOOT_FAIL':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    case 'CANCELLED':
    case 'EXPIRED':
      return new vscode.ThemeIcon('circle-slash');
    case 'WAITING':
      return new vscode.ThemeIcon('circle-outline');
    case 'PENDING':
    case 'SUBMITTED':
    case 'STARTING':
      return new vscode.ThemeIcon('clock');
    default:
      return new vscode.ThemeIcon('sync~spin');
  }
}
