// Where P1's time goes: `node bench/profile-p1.mjs edit|full` runs shifterflow's validation of the
// generated 2,000-job file (200 incremental re-validations after a one-line edit, or 40 full ones)
// under the V8 CPU profiler and prints the top functions by self time and the top files.
// (Not a benchmark: run.mjs only picks up pN-*.mjs.) Needs `node scripts/build.mjs` first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWorkflow } from './generate-workflow.mjs';
import { require, root } from './lib.mjs';

const mode = process.argv[2] ?? 'edit';
if (process.env.SF_PROFILE_CHILD) {
  const { validateText } = require(join(root, 'out/runner/workflow/validate.js'));
  const text = generateWorkflow(2000);
  const edited = (i) => text.replace('worker.sh --stage 1001\n', `worker.sh --stage 1001\n        cpusPerTask: ${i % 2 === 0 ? 0 : 1}\n`);
  if (mode === 'full') for (let i = 0; i < 40; i++) validateText(text, 'big.yaml');
  else {
    let previous = validateText(text, 'big.yaml');
    const t = performance.now();
    for (let i = 0; i < 200; i++) previous = validateText(edited(i), 'big.yaml', { previous });
    console.log(`edit: ${((performance.now() - t) / 200).toFixed(2)} ms per re-validation (profiled)`);
  }
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), 'sf-prof-'));
spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, fileURLToPath(import.meta.url), mode], { stdio: 'inherit', env: { ...process.env, SF_PROFILE_CHILD: '1' } });
const p = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]), 'utf8'));
rmSync(dir, { recursive: true, force: true });
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const self = new Map();
let total = 0;
p.samples.forEach((id, i) => {
  const f = byId.get(id).callFrame;
  const k = `${f.functionName || '(anonymous)'} ${f.url.replace(/.*\/(out|node_modules)\//, '$1/')}:${f.lineNumber + 1}`;
  self.set(k, (self.get(k) ?? 0) + p.timeDeltas[i]);
  total += p.timeDeltas[i];
});
console.log(`${mode}: ${(total / 1000).toFixed(0)} ms profiled; top self time:`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
