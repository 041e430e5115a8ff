// Where a CPU profile's time goes: `node bench/profile-summary.mjs FILE.cpuprofile [N]` prints the top
// N functions by self time and by total (inclusive) time, and the share of each file. For the profiles
// that bench/p1-host.mjs writes with SHIFTERFLOW_BENCH_PROFILE (not a benchmark: run.mjs only picks up pN-*.mjs).
import { readFileSync } from 'node:fs';

const [file, n = '20'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs FILE.cpuprofile [N]');
  process.exit(2);
}
const top = Number(n);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of p.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
const short = (url) => url.replace(/^.*\/(dist|out|node_modules|extensions|vs)\//, '$1/') || '(native)';
const name = (f) => `${f.functionName || '(anonymous)'} ${short(f.url)}:${f.lineNumber + 1}`;

const self = new Map();
const inclusive = new Map();
const files = new Map();
let total = 0;
p.samples.forEach((id, i) => {
  const dt = p.timeDeltas[i] ?? 0;
  total += dt;
  const f = byId.get(id).callFrame;
  self.set(name(f), (self.get(name(f)) ?? 0) + dt);
  files.set(short(f.url), (files.get(short(f.url)) ?? 0) + dt);
  // Each function once per sample, however deep the recursion.
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const k = name(byId.get(at).callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
  }
});
const show = (title, m) => {
  console.log(title);
  for (const [k, v] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${(v / 1000).toFixed(1).padStart(8)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
console.log(`${file}: ${(total / 1000).toFixed(0)} ms profiled`);
show('top self time:', self);
show('top total time:', inclusive);
show('by file:', files);
