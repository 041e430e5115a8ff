// P1, the editor path, in the REAL extension host (code-server 4.100.3 in headless Chromium, the
// harness of test/extension/run-host-tests.mjs): the suite test/extension/bench/p1.exthost.ts opens
// the generated 2,000-job workflow (with one SF003 error in the middle) and times the extension's
// diagnostics, full (open -> diagnostics) and after a one-character edit, until
// vscode.languages.getDiagnostics shows them and until onDidChangeDiagnostics fires; then it runs
// yaml-language-server with the same schemas in the same host process. Needs
// `bash test/extension/install-host.sh` once. The workspace sets shifterflow.validation.delay to 0
// (the default 200 ms debounce would be added to every edit) and turns the file watcher off.
// SHIFTERFLOW_BENCH_PROFILE=DIR also writes CPU profiles of the host (DIR/full.cpuprofile,
// DIR/edit.cpuprofile; read them with `node bench/profile-summary.mjs FILE`).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { generateWorkflow } from './generate-workflow.mjs';
import { report, root, stats } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const suite = join(root, 'out/test/extension/bench/p1.exthost.js');
if (!existsSync(suite)) throw new Error(`${suite} is missing: run node scripts/build.mjs`);
const text = generateWorkflow(2000).replace('worker.sh --stage 1001\n', 'worker.sh --stage 1001\n        cpusPerTask: 0\n');
const dir = mkdtempSync(join(tmpdir(), 'sf-p1host-'));
const ws = join(dir, 'workspace');
mkdirSync(join(ws, '.vscode'), { recursive: true });
writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'shifterflow.validation.delay': 0, 'shifterflow.watchFiles': false }));
for (let k = 0; k <= RUNS; k++) {
  writeFileSync(join(ws, `big-${k}.shifterflow.yaml`), text);
  writeFileSync(join(ws, `plain-${k}.yaml`), text); // same text, not a workflow: the document's own transfer time
}
const out = join(dir, 'result.json');
const { runTests } = await import('@vscode/test-electron');
try {
  await runTests({
    vscodeExecutablePath: join(root, 'test/extension/code-shim.mjs'),
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'test/extension/host-index.js'),
    launchArgs: [ws, '--timeout=900'],
    extensionTestsEnv: { SHIFTERFLOW_EXTHOST_SUITE: 'bench', SHIFTERFLOW_EXTHOST_FILES: 'p1.', SHIFTERFLOW_BENCH_OUT: out, BENCH_RUNS: String(RUNS), ...(process.env.SHIFTERFLOW_BENCH_PROFILE ? { SHIFTERFLOW_BENCH_PROFILE: resolve(process.env.SHIFTERFLOW_BENCH_PROFILE) } : {}) },
    reuseMachineInstall: true,
  });
} finally {
  var r = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : undefined;
  rmSync(dir, { recursive: true, force: true });
}
if (!r) throw new Error('the host suite wrote no result');
const s = (a, k) => stats(a.map((x) => (k ? x[k] : x)));
const full = s(r.full, 'visible');
const edit = s(r.edit, 'visible');
const ylsFull = s(r.ylsFull);
const ylsEdit = s(r.ylsEdit);
console.log(`input: ${text.split('\n').length} lines, ${(text.length / 1e6).toFixed(2)} MB, 2000 jobs, one SF003`);
report('P1 editor path (real extension host, code-server 4.100.3)', [
  ['shifterflow open -> diagnostics visible', full],
  ['  same text, not a workflow: open -> document in host', stats(r.plainArrived)],
  ['  of which: the extension validating (its own clock)', stats(r.fullValidationMs)],
  ['shifterflow open -> onDidChangeDiagnostics', s(r.full, 'event')],
  ['shifterflow one-line edit -> diagnostics visible', edit],
  ['  same edit, not a workflow: edit -> change in host', stats(r.plainEditArrived)],
  ['  of which: the extension validating (its own clock)', stats(r.validationMs)],
  ['shifterflow one-line edit -> onDidChangeDiagnostics', s(r.edit, 'event')],
  ['yaml-language-server full (same host process)', ylsFull],
  ['yaml-language-server after an edit (same host)', ylsEdit],
], [
  { label: 'full: yaml-language-server / shifterflow', value: ylsFull.median / full.median, target: '>= 5x', ok: (v) => v >= 5 },
  { label: 'full, minus the plain open: yls / sf', value: ylsFull.median / Math.max(0.1, full.median - stats(r.plainArrived).median), target: '>= 5x', ok: (v) => v >= 5 },
  { label: 'edit: yaml-language-server / shifterflow', value: ylsEdit.median / edit.median },
]);
const own = stats(r.validationMs);
console.log(`  shifterflow re-validating after an edit, in the host: ${own.median.toFixed(1)} ms (target <= 10 ms: ${own.median <= 10 ? 'meets' : 'MISSES'}); end to end ${edit.median.toFixed(1)} ms, of which VS Code delivering the edit ~${stats(r.plainEditArrived).median.toFixed(1)} ms`);
