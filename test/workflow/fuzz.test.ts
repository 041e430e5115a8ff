import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic } from '../../runner/workflow/diagnostic';
import { check } from './helpers';
import { mutate, prng } from './fuzz';

const root = join(__dirname, '..', '..', '..');
const COUNT = Number(process.env.SF_FUZZ_COUNT ?? 3000);

function assertPositioned(text: string, d: Diagnostic): void {
  const { start, end } = d.range;
  assert.ok(start.offset >= 0 && start.offset <= end.offset && end.offset <= text.length, `range out of bounds: ${JSON.stringify(d)}`);
  for (const p of [start, end]) {
    const lineStart = p.offset - p.character;
    const linesBefore = text.slice(0, lineStart).split('\n').length - 1;
    assert.equal(linesBefore, p.line, `line of ${JSON.stringify(p)} for ${d.code}`);
    assert.ok(lineStart === 0 || text[lineStart - 1] === '\n', `character of ${JSON.stringify(p)} for ${d.code}`);
  }
  assert.match(d.code, /^SF\d{3}$/);
  assert.ok(d.message.length > 0);
}

describe(`fuzz: ${COUNT} seeded mutations of the examples`, () => {
  const dirs = [join(root, 'examples'), join(root, 'test', 'workflow', 'fixtures')];
  const examples = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(d, f), 'utf8')));

  it('never throw, and every diagnostic has a range that matches the text', () => {
    assert.ok(examples.length >= 1, 'examples/ has workflows to mutate');
    const random = prng(20261122);
    for (let i = 0; i < COUNT; i++) {
      const text = mutate(examples[i % examples.length], random);
      let diagnostics: Diagnostic[];
      try {
        diagnostics = check(text).diagnostics;
      } catch (err) {
        assert.fail(`mutation ${i} threw ${(err as Error).stack}\n--- input ---\n${text}`);
      }
      for (const d of diagnostics) assertPositioned(text, d);
    }
  });

  it('a job at a time gives the same value and diagnostics as the whole document (when it is valid YAML)', () => {
    const random = prng(7);
    const differ: string[] = [];
    for (let i = 0; i < Math.min(COUNT, 1500); i++) {
      const text = mutate(examples[i % examples.length], random);
      const a = check(text);
      const b = check(text, { split: false });
      const syntax = (r: typeof a) => r.diagnostics.some((d) => d.code === 'SF001' || d.code === 'SF005');
      // Broken YAML is recovered differently by a part and by the whole: both must still say it is broken.
      if (syntax(b) || syntax(a)) {
        if (syntax(a) !== syntax(b)) differ.push(text);
        continue;
      }
      const key = (r: typeof a) => JSON.stringify([r.source.value, r.diagnostics.map((d) => [d.code, d.range.start.offset, d.message])]);
      if (key(a) !== key(b)) differ.push(text);
    }
    assert.deepEqual(differ.slice(0, 3), []);
  });
});
