import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, report, stats } from './helpers';

describe('@exthost activation', () => {
  it('activates in at most 100 ms: reading, compiling and evaluating dist/extension.js, then activate()', async () => {
    const s = await stats();
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    // Cold loads of the bundle in this host, each from a fresh path (nothing cached); the best of three,
    // because the suite itself and the cluster next door share the machine's two cores.
    const loads: number[] = [];
    for (let i = 0; i < 3; i++) {
      const copy = join(mkdtempSync(join(tmpdir(), 'sf-act-')), 'extension.js');
      copyFileSync(join(ext.extensionPath, 'dist', 'extension.js'), copy);
      const t0 = performance.now();
      require(copy);
      loads.push(performance.now() - t0);
    }
    const load = Math.min(...loads);
    const total = load + s.activation.activateMs;
    report(`      activation ${total.toFixed(1)} ms = cold load of dist/extension.js ${load.toFixed(1)} ms (runs: ${loads.map((l) => l.toFixed(1)).join(', ')}) + activate() ${s.activation.activateMs.toFixed(1)} ms`);
    assert.ok(total <= 100, `activation ${total.toFixed(1)} ms`);
  });
});
