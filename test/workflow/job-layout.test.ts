// jobOutline (read from the job's lines) must place keys, jobs and steps where the `yaml` Document
// does (locate), and must give up rather than guess on layouts it does not read.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Range } from '../../runner/workflow/diagnostic';
import type { WorkflowSource } from '../../runner/workflow/source/workflow-source';
import { prng } from './fuzz';
import { generatedWorkflow, randomEdit } from './edits';
import { check, yaml } from './helpers';

const root = join(__dirname, '..', '..', '..');
/** The last line a range covers (a block collection's range ends at the start of the next line). */
const lastLine = (r: Range) => (r.end.character === 0 && r.end.line > r.start.line ? r.end.line - 1 : r.end.line);
const at = (r: Range) => `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;

/** Every job the fast path reads agrees with the Document; returns how many it read. */
function assertAgrees(source: WorkflowSource): number {
  const jobs = (source.value as { jobs?: Record<string, { steps?: unknown }> }).jobs ?? {};
  let read = 0;
  for (const [name, job] of Object.entries(jobs)) {
    const outline = source.jobOutline(name);
    if (!outline) continue;
    read++;
    assert.equal(at(outline.key), at(source.locate(['jobs', name], 'key')), `key of ${name}`);
    const pair = source.locate(['jobs', name], 'pair');
    // Same start and same last line; the Document's end may stop before a trailing comment or a flow collection's end.
    assert.equal(at({ start: outline.pair.start, end: outline.pair.start }), at({ start: pair.start, end: pair.start }), `start of ${name}`);
    assert.equal(lastLine(outline.pair), lastLine(pair), `last line of ${name}`);
    const steps = Array.isArray(job?.steps) ? job.steps : [];
    assert.equal(outline.steps.length, steps.length, `steps of ${name}`);
    steps.forEach((_, i) => {
      const step = source.locate(['jobs', name, 'steps', i]);
      assert.equal(at({ start: outline.steps[i].start, end: outline.steps[i].start }), at({ start: step.start, end: step.start }), `start of ${name} step ${i}`);
      assert.equal(lastLine(outline.steps[i]), lastLine(step), `last line of ${name} step ${i}`);
    });
  }
  return read;
}

describe('job layout read from the lines (outline, code lenses)', () => {
  it('agrees with the yaml Document on every example and on a generated workflow', () => {
    for (const f of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml'))) {
      const source = check(readFileSync(join(root, 'examples', f), 'utf8')).source;
      const jobs = Object.keys((source.value as { jobs: object }).jobs);
      assert.equal(assertAgrees(source), jobs.length, `${f}: every job is read`);
    }
    const big = check(generatedWorkflow(300)).source;
    assert.equal(assertAgrees(big), 300);
  });

  it('agrees after random edits (where it reads the job at all)', () => {
    const random = prng(7);
    const base = generatedWorkflow(40);
    const before = check(base);
    let read = 0;
    for (let i = 0; i < 300; i++) {
      // Each edit from the same file: edits pile up into text the split no longer reads at all.
      const edited = check(randomEdit(base, random).text, { previous: before });
      read += assertAgrees(edited.source);
    }
    assert.ok(read > 300 * 20, `the fast path read only ${read} jobs`);
  });

  it('reads comments, blank lines, quoted keys and steps at the key indentation', () => {
    const text = yaml`
      version: 1
      name: demo
      jobs:
        "odd name: yes":   # quoted, with a colon
          image: docker:x:1
          command: run.sh

        # between jobs
        'it''s':
          image: docker:x:1
          steps:
          - name: one
            command: |
              echo one
              # not a comment: block scalar text
              echo two
          -   command: two.sh
          time: "00:10:00"  # trailing comment
        plain:
          image: docker:x:1
          command: x
    `;
    const source = check(text).source;
    assert.equal(assertAgrees(source), 3);
    const quoted = source.jobOutline("it's")!;
    assert.equal(quoted.steps.length, 2);
    assert.equal(at(quoted.key), '8:2-8:9');
    assert.equal(at(source.jobOutline('odd name: yes')!.key), '3:2-3:17');
  });

  it('gives up on layouts it does not read (the caller then asks the Document)', () => {
    const cases: Record<string, string> = {
      'flow-style steps': yaml`
        jobs:
          a:
            image: docker:x:1
            steps: [{ command: one }, { command: two }]
      `,
      'flow-style job': yaml`
        jobs:
          a: { image: docker:x:1, command: run }
      `,
      'steps given by an alias': yaml`
        x: &s
          - command: one
        jobs:
          a:
            image: docker:x:1
            steps: *s
      `,
    };
    for (const [what, text] of Object.entries(cases)) {
      const source = check(text).source;
      const outline = source.jobOutline('a');
      if (what === 'flow-style job') {
        // One line: the key and the line are read; no steps to place.
        assert.ok(outline, what);
        assert.equal(at(outline.key), at(source.locate(['jobs', 'a'], 'key')), what);
      } else assert.equal(outline, undefined, what);
    }
    // Not split at all (flow-style jobs): nothing to read.
    assert.equal(check('jobs: { a: { image: "docker:x:1", command: run } }\n').source.jobOutline('a'), undefined);
  });
});
