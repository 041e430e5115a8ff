// P4 in the REAL extension host (driven by bench/p4-activation.mjs, not part of the @exthost tests):
// one activation per host start, of the extension named by SHIFTERFLOW_BENCH_EXTENSION (shifterflow,
// or the do-nothing floor of bench/p4-floor with the same activation events). Timed around
// Extension.activate(), which is what the host does when an activation event fires: read, compile and
// evaluate the extension's main module, call activate() and wait for the promise it returns.
// Results go to SHIFTERFLOW_BENCH_OUT.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { EXTENSION_ID, report, stats } from '../suite/helpers';

const target = process.env.SHIFTERFLOW_BENCH_EXTENSION ?? EXTENSION_ID;
const out = process.env.SHIFTERFLOW_BENCH_OUT;
// The workbench and the built-in extensions are still starting when the tests begin: wait until the
// host has been quiet for a while, so that both extensions are measured in the same, idle host.
const SETTLE_MS = Number(process.env.SHIFTERFLOW_BENCH_SETTLE_MS ?? 3000);

describe('P4 activation (bench)', () => {
  it(`activates ${target} once, timed`, async function () {
    this.timeout(SETTLE_MS + 60_000);
    const ext = vscode.extensions.getExtension(target);
    assert.ok(ext, `extension ${target} is not loaded in this host`);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    // Active already, the figure would be nothing: the workspace must give no activation event.
    assert.equal(ext.isActive, false, `${target} was activated before the measurement`);
    const t0 = performance.now();
    await ext.activate();
    const activateMs = performance.now() - t0;
    assert.ok(ext.isActive);
    const own = target === EXTENSION_ID ? (await stats()).activation : undefined;
    report(`      ${target}: activation ${activateMs.toFixed(1)} ms${own ? ` (its own clock: bundle evaluated -> activate() returned ${own.loadToActivatedMs.toFixed(1)} ms, activate() ${own.activateMs.toFixed(1)} ms)` : ''}`);
    if (out) writeFileSync(out, JSON.stringify({ extension: target, activateMs, own }));
  });
});
