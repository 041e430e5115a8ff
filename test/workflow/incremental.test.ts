// Re-validation after an edit (validateText with `previous`) re-splits only the edited lines and
// reuses the whole-workflow findings when what they read did not change. Its results must be exactly
// those of a validation from scratch: these tests compare the two over seeded editing sessions.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitWorkflow, type Split } from '../../runner/workflow/source/split';
import { splitEdited } from '../../runner/workflow/source/split-edit';
import { changedRange, composeChanges, type TextChange } from '../../runner/workflow/source/text-diff';
import type { ValidationResult } from '../../runner/workflow/validate';
import { prng } from './fuzz';
import { EDIT_KINDS, generatedWorkflow, randomEdit } from './edits';
import { brief, check } from './helpers';

const root = join(__dirname, '..', '..', '..');
const COUNT = Number(process.env.SF_FUZZ_COUNT ?? 3000);
/** Each validation is checked against one from scratch: fewer of them, they cost more. */
const VALIDATIONS = Math.ceil((COUNT * 2) / 3);
const EDITS_PER_SESSION = 12;

const bases = [
  ...[join(root, 'examples'), join(root, 'test', 'workflow', 'fixtures')].flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(d, f), 'utf8'))),
  generatedWorkflow(12),
  generatedWorkflow(12, true),
];

const show = (text: string) => JSON.stringify(text.length > 1500 ? `${text.slice(0, 1500)}...` : text);

/** Editing sessions: each starts from a base file and applies edits one after the other, as a person would. */
function* sessions(seed: number, edits: number): Generator<{ step: number; kind: string; before: string; after: string }> {
  const random = prng(seed);
  for (let step = 0, session = 0; step < edits; session++) {
    let text = bases[session % bases.length];
    const history = [text];
    for (let k = 0; k < EDITS_PER_SESSION && step < edits; k++, step++) {
      // Now and then an undo: back to an earlier version, a large edit.
      const edit = random() < 0.05 ? { kind: 'undo', text: history[Math.floor(random() * history.length)] } : randomEdit(text, random);
      yield { step, kind: edit.kind, before: text, after: edit.text };
      text = edit.text;
      history.push(text);
    }
  }
}

function assertSameResult(incremental: ValidationResult, scratch: ValidationResult, what: string): void {
  assert.deepEqual(incremental.diagnostics, scratch.diagnostics, `diagnostics differ ${what}\nincremental: ${brief(incremental).join(', ')}\nscratch:     ${brief(scratch).join(', ')}`);
  assert.deepEqual(incremental.source.value, scratch.source.value, `values differ ${what}`);
  assert.equal(incremental.workflow === undefined, scratch.workflow === undefined, `workflow presence differs ${what}`);
}

describe('re-validation after an edit', () => {
  it('finds the changed range of two texts', () => {
    assert.equal(changedRange('abc', 'abc'), undefined);
    assert.deepEqual(changedRange('aa', 'aaa'), { start: 2, oldEnd: 2, newEnd: 3 });
    assert.deepEqual(changedRange('abcd', 'axd'), { start: 1, oldEnd: 3, newEnd: 2 });
    const long = 'x'.repeat(10_000);
    assert.deepEqual(changedRange(`${long}a${long}`, `${long}${long}`), { start: 10_000, oldEnd: 10_001, newEnd: 10_000 });
    assert.deepEqual(changedRange('', 'a'), { start: 0, oldEnd: 0, newEnd: 1 });
  });

  it(`splits the edited text as a split from scratch would, over ${COUNT * 2} edits`, () => {
    let reused = 0;
    const kinds = new Set<string>();
    const state = new Map<string, Split>();
    for (const { step, kind, before, after } of sessions(11, COUNT * 2)) {
      const previous = state.get(before) ?? splitWorkflow(before);
      const incremental = splitEdited(before, previous, after);
      const scratch = splitWorkflow(after);
      assert.deepEqual(incremental, scratch, `split differs after edit #${step} (${kind})\nbefore: ${show(before)}\nafter:  ${show(after)}`);
      // Chunks carried over from the previous split (the same objects) show the incremental path ran.
      const old = new Set(previous.chunks);
      if (incremental.chunks.some((c) => old.has(c))) {
        reused++;
        kinds.add(kind);
      }
      state.clear();
      state.set(after, incremental);
    }
    assert.ok(reused > COUNT / 10, `only ${reused} edits kept chunks of the previous split`);
    console.log(`      ${reused} of ${COUNT * 2} edits kept chunks; kinds: ${[...kinds].sort().join(" ")}`);
    assert.ok(kinds.size >= EDIT_KINDS.length - 3, `edits that kept chunks: ${[...kinds].join(', ')}`);
  });

  it(`gives the diagnostics, value and workflow of a validation from scratch, over ${VALIDATIONS} edits`, function () {
    this.timeout(120_000);
    const previous = new Map<string, ValidationResult>();
    let wholeReused = 0;
    for (const { step, kind, before, after } of sessions(23, VALIDATIONS)) {
      const last = previous.get(before) ?? check(before);
      const incremental = check(after, { previous: last });
      assertSameResult(incremental, check(after), `after edit #${step} (${kind})\nbefore: ${show(before)}\nafter:  ${show(after)}`);
      if (incremental.wholeWorkflow.schema === last.wholeWorkflow.schema) wholeReused++;
      previous.clear();
      previous.set(after, incremental);
    }
    assert.ok(wholeReused > VALIDATIONS / 10, `whole-workflow findings were reused after only ${wholeReused} edits`);
  });

  it('takes the change ranges an editor reports, composed over several edits, instead of comparing the texts', () => {
    const random = prng(31);
    let checked = 0;
    let sessionStart: { text: string; result: ValidationResult } | undefined;
    let change: TextChange | undefined;
    let latest: string | undefined;
    let composed = 0;
    for (const { step, kind, before, after } of sessions(37, 600)) {
      if (!sessionStart || latest !== before) {
        sessionStart = { text: before, result: check(before) };
        change = undefined;
      }
      // An editor's range may be wider than the minimal one (it replaced text with the same text).
      const minimal = changedRange(before, after) ?? { start: 0, oldEnd: 0, newEnd: 0 };
      const widen = Math.min(minimal.start, Math.floor(random() * 4));
      const tail = Math.min(before.length - minimal.oldEnd, after.length - minimal.newEnd, Math.floor(random() * 4));
      const reported = { start: minimal.start - widen, oldEnd: minimal.oldEnd + tail, newEnd: minimal.newEnd + tail };
      if (change) composed++;
      change = change ? composeChanges(change, reported) : reported;
      latest = after;
      const a = sessionStart.text;
      const c = change;
      assert.equal(a.slice(0, c.start), after.slice(0, c.start), `composed prefix after edit #${step} (${kind})`);
      assert.equal(a.slice(c.oldEnd), after.slice(c.newEnd), `composed suffix after edit #${step} (${kind})`);
      if (random() < 0.4) {
        const withRange = check(after, { previous: sessionStart.result, change: c });
        assertSameResult(withRange, check(after), `with a reported range after edit #${step} (${kind})\nbefore: ${show(a)}\nafter:  ${show(after)}`);
        sessionStart = { text: after, result: withRange };
        change = undefined;
        checked++;
      }
    }
    assert.ok(checked >= 150 && composed >= 150, `${checked} validations, ${composed} composed ranges`);
    // A range that cannot describe the edit (a stale one) is not trusted: the texts are compared.
    const base = generatedWorkflow(12);
    const edited = base.replace('worker.sh --stage 10\n', 'worker.sh --stage 10\n        cpusPerTask: 0\n');
    const stale = check(edited, { previous: check(base), change: { start: 0, oldEnd: 1, newEnd: 1 } });
    assertSameResult(stale, check(edited), 'with a stale range');
  });

  it('agrees while a new job is typed one character at a time, in the middle and at the end', () => {
    const base = generatedWorkflow(8, true);
    const job = '  typed:\n    needs: [job3, typed]\n    image: workflow\n    command: echo ${{ matrix.x }}\n';
    for (const at of [base.indexOf('  job5:'), base.indexOf('volumes:'), base.length]) {
      let last = check(base);
      for (let n = 1; n <= job.length; n++) {
        const text = base.slice(0, at) + job.slice(0, n) + base.slice(at);
        const incremental = check(text, { previous: last });
        assertSameResult(incremental, check(text), `typing ${JSON.stringify(job.slice(0, n))} at ${at}`);
        last = incremental;
      }
    }
  });

  it('reuses the header, the other jobs and the whole-workflow findings after an edit inside one job', () => {
    const base = generatedWorkflow(20);
    const first = check(base);
    const edited = check(base.replace('worker.sh --stage 10\n', 'worker.sh --stage 10\n        cpusPerTask: 0\n'), { previous: first });
    assert.deepEqual(brief(edited).filter((d) => d.endsWith('SF003')).length, 1);
    assert.equal(edited.source.parts.filter((p) => !first.source.parts.includes(p)).length, 1, 'only the edited job is parsed again');
    assert.equal(edited.wholeWorkflow.schema, first.wholeWorkflow.schema);
    assert.equal(edited.wholeWorkflow.rules, first.wholeWorkflow.rules);
  });

  it('checks the whole workflow again when needs change: a cycle appears, then goes', () => {
    const base = generatedWorkflow(6);
    const first = check(base);
    const cyclic = check(base.replace('needs: [job1]\n', 'needs: [job1, job4]\n'), { previous: first });
    assert.ok(cyclic.diagnostics.some((d) => d.code === 'SF033'), brief(cyclic).join(', '));
    const fixed = check(base, { previous: cyclic });
    assert.deepEqual(fixed.diagnostics, first.diagnostics);
  });
});
