// R5: the validator under seeded mutations of every example and fixture (test/workflow/fuzz.ts): never
// throws, every diagnostic has a valid range. Quick: 20,000 (SF_R5_COUNT); long: 100,000 by
// scripts/reliability/long.sh. Prints the time per input (mean, p99).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Diagnostic } from '../../runner/workflow/diagnostic';
import { check } from '../workflow/helpers';
import { mutate, prng } from '../workflow/fuzz';
import { ROOT, count, stats } from './helpers';

function rangeProblem(text: string, d: Diagnostic): string | undefined {
  const { start, end } = d.range;
  if (!(start.offset >= 0 && start.offset <= end.offset && end.offset <= text.length)) return 'offsets out of bounds';
  for (const p of [start, end]) {
    const lineStart = p.offset - p.character;
    if (p.character < 0 || lineStart < 0) return 'negative character';
    if (text.slice(0, lineStart).split('\n').length - 1 !== p.line) return `line ${p.line} does not match offset ${p.offset}`;
    if (lineStart !== 0 && text[lineStart - 1] !== '\n') return `character ${p.character} does not start at a line`;
  }
  if (!/^SF\d{3}$/.test(d.code)) return `code ${d.code}`;
  if (!d.message) return 'empty message';
  return undefined;
}

describe('R5: validator fuzzing', function () {
  const n = count('SF_R5_COUNT', 20_000);
  this.timeout(60_000 + n * 10);

  it(`${n} seeded mutations: 0 crashes, every diagnostic has a valid range`, () => {
    const seed = count('SF_R5_SEED', 5150);
    const dirs = [join(ROOT, 'examples'), join(ROOT, 'test', 'workflow', 'fixtures')];
    const examples = dirs.flatMap((d) => readdirSync(d).filter((f) => /\.ya?ml$/.test(f)).map((f) => readFileSync(join(d, f), 'utf8')));
    assert.ok(examples.length > 0);
    const random = prng(seed);
    const times: number[] = [];
    const crashes: string[] = [];
    const badRanges: string[] = [];
    let diagnostics = 0;
    for (let i = 0; i < n; i++) {
      const text = mutate(examples[i % examples.length], random);
      const t = performance.now();
      let ds: Diagnostic[];
      try {
        ds = check(text).diagnostics;
      } catch (e) {
        crashes.push(`#${i}: ${(e as Error).stack?.split('\n').slice(0, 3).join(' ')}\n${JSON.stringify(text).slice(0, 400)}`);
        continue;
      } finally {
        times.push(performance.now() - t);
      }
      diagnostics += ds.length;
      for (const d of ds) {
        const p = rangeProblem(text, d);
        if (p) badRanges.push(`#${i} ${d.code}: ${p}`);
      }
    }
    const s = stats(times);
    console.log(`R5: ${n} mutations (seed ${seed}, ${examples.length} base files), ${crashes.length} crashes, ${badRanges.length} invalid ranges, ${diagnostics} diagnostics; time per input mean ${s.mean.toFixed(3)} ms, p99 ${s.p99.toFixed(3)} ms, max ${s.max.toFixed(1)} ms`);
    assert.deepEqual(crashes.slice(0, 3), []);
    assert.deepEqual(badRanges.slice(0, 5), []);
  });
});
