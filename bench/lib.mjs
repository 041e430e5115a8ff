// Shared by the benchmarks: timing, statistics and the ratio table they print.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const require = createRequire(join(root, 'package.json'));

export function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}

export async function time(fn, runs, warmup = 1) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    samples.push(performance.now() - t);
  }
  return stats(samples);
}

export function timeCommand(argv, runs, options = {}) {
  const samples = [];
  for (let i = 0; i < runs + 1; i++) {
    const t = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', ...options });
    const ms = performance.now() - t;
    if (r.error) throw r.error;
    if (i > 0) samples.push(ms); // the first run warms the page cache
  }
  return stats(samples);
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

export function report(title, rows, ratios) {
  console.log(`\n${title}`);
  for (const [name, s] of rows) console.log(`  ${name.padEnd(48)} median ${fmt(s.median).padStart(7)} ms   (min ${fmt(s.min)}, max ${fmt(s.max)}, n=${s.n})`);
  for (const r of ratios) {
    const verdict = r.target ? (r.ok(r.value) ? 'meets' : 'MISSES') + ` target ${r.target}` : '';
    console.log(`  ${r.label.padEnd(48)} ${r.value.toFixed(2)}x ${verdict}`);
  }
}
