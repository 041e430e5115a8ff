// One pending check per document, restarted by every edit: the debounce that workflow files
// (diagnostics.ts) and Dockerfiles (dockerfiles.ts) share. A delay of 0 runs at once, inside the change
// listener, not after the outline and code lens requests VS Code has already queued.

import type * as vscode from 'vscode';

export class PerDocumentDelay {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  /** Runs `check(doc)` after `delayMs` of quiet for this document (at once for 0), unless it closed by then. */
  schedule(doc: vscode.TextDocument, delayMs: number, check: (doc: vscode.TextDocument) => void): void {
    if (delayMs === 0) {
      check(doc);
      return;
    }
    this.cancel(doc.uri);
    const key = doc.uri.toString();
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        if (!doc.isClosed) check(doc);
      }, delayMs),
    );
  }

  cancel(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
