// The extension's settings (package.json `contributes.configuration`).

import * as vscode from 'vscode';
import type { ProfileName } from '../runner/profiles/profile';

function section(scope?: vscode.Uri) {
  return vscode.workspace.getConfiguration('shifterflow', scope);
}

export const settings = {
  /** Built-in profile forced on validation and runs; undefined: the file's own. */
  profile(scope?: vscode.Uri): ProfileName | undefined {
    const p = section(scope).get<string>('profile', '');
    return p === 'nersc' || p === 'slurm' || p === 'local' ? p : undefined;
  },
  /** The shifterflow CLI; '' means the one shipped in the extension, run with the extension host's Node. */
  cliPath: (scope?: vscode.Uri) => section(scope).get<string>('cliPath', '').trim(),
  shifterimgPath: (scope?: vscode.Uri) => section(scope).get<string>('shifterimgPath', '').trim() || 'shifterimg',
  /** Milliseconds; 0: the CLI's default. */
  pollInterval: (scope?: vscode.Uri) => Math.max(0, section(scope).get<number>('pollInterval', 0)),
  validationDelay: () => Math.max(0, section().get<number>('validation.delay', 200)),
  watchFiles: () => section().get<boolean>('watchFiles', true),
  /** The lens above each job saying whether a run would take it from the cache (cache-lens.ts). */
  cacheLensEnabled: (scope?: vscode.Uri) => section(scope).get<boolean>('cacheLens.enabled', true),
  shellTime: () => section().get<string>('shell.time', '00:30:00'),
  shellQos: () => section().get<string>('shell.qos', '').trim() || undefined,
  shellAccount: () => section().get<string>('shell.account', '').trim() || undefined,
};
