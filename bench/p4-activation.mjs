// P4, extension activation, in the REAL extension host (code-server 4.100.3 in headless Chromium, the
// harness of test/extension/run-host-tests.mjs): the time the host takes to activate shifterflow
// (read, compile and evaluate dist/extension.js, run activate()) against the floor, an extension with
// the same activation events that does nothing (bench/p4-floor). One activation per host start (an
// extension activates once per host), so each run starts code-server and Chromium afresh; runs of the
// two alternate, BENCH_RUNS (default 5) each. The suite is test/extension/bench/p4.exthost.ts. Needs
// `bash test/extension/install-host.sh` once.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report, root, stats } from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const suite = join(root, 'out/test/extension/bench/p4.exthost.js');
if (!existsSync(suite)) throw new Error(`${suite} is missing: run node scripts/build.mjs`);
const floorDir = join(root, 'bench/p4-floor');
const manifest = (dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
const own = manifest(root);
const floor = manifest(floorDir);
if (JSON.stringify(own.activationEvents) !== JSON.stringify(floor.activationEvents)) {
  throw new Error('bench/p4-floor/package.json no longer has the activation events of package.json: copy them over');
}
const subjects = [
  { name: 'shifterflow', id: `${own.publisher}.${own.name}`, dir: root },
  { name: 'floor (does nothing)', id: `${floor.publisher}.${floor.name}`, dir: floorDir },
];

const dir = mkdtempSync(join(tmpdir(), 'sf-p4-'));
// A folder that gives neither extension an activation event: no YAML, no workflow file.
const ws = join(dir, 'workspace');
mkdirSync(ws);
writeFileSync(join(ws, 'notes.txt'), 'P4 workspace\n');
const { runTests } = await import('@vscode/test-electron');
const samples = new Map(subjects.map((s) => [s.id, []]));
const ownClock = [];
try {
  for (let i = 0; i < RUNS; i++) {
    for (const s of i % 2 ? [...subjects].reverse() : subjects) {
      const out = join(dir, `result-${i}-${s.name.split(' ')[0]}.json`);
      await runTests({
        vscodeExecutablePath: join(root, 'test/extension/code-shim.mjs'),
        extensionDevelopmentPath: s.dir,
        extensionTestsPath: join(root, 'test/extension/host-index.js'),
        launchArgs: [ws, '--timeout=300'],
        extensionTestsEnv: { SHIFTERFLOW_EXTHOST_SUITE: 'bench', SHIFTERFLOW_EXTHOST_FILES: 'p4.', SHIFTERFLOW_BENCH_OUT: out, SHIFTERFLOW_BENCH_EXTENSION: s.id },
        reuseMachineInstall: true,
      });
      const r = JSON.parse(readFileSync(out, 'utf8'));
      if (r.extension !== s.id) throw new Error(`run ${i} measured ${r.extension}, not ${s.id}`);
      samples.get(s.id).push(r.activateMs);
      if (r.own) ownClock.push(r.own);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const [sf, fl] = subjects.map((s) => stats(samples.get(s.id)));
report('P4 extension activation (real extension host, code-server 4.100.3)', [
  ['shifterflow: Extension.activate()', sf],
  ['floor, same activation events, does nothing', fl],
  ['  shifterflow, its own clock: evaluated -> returned', stats(ownClock.map((o) => o.loadToActivatedMs))],
  ['  shifterflow, its own clock: activate() alone', stats(ownClock.map((o) => o.activateMs))],
], [
  { label: 'shifterflow / floor', value: sf.median / fl.median },
]);
console.log(`  shifterflow above the floor: ${(sf.median - fl.median).toFixed(1)} ms (medians)`);
for (const s of subjects) console.log(`  ${s.name}: ${samples.get(s.id).map((v) => v.toFixed(1)).join(', ')} ms`);
