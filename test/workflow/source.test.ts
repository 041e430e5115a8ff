import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitWorkflow } from '../../runner/workflow/source/split';
import { brief, check, yaml } from './helpers';

const root = join(__dirname, '..', '..', '..');

/** The split parse must agree with parsing the whole file as one document, value and positions. */
function assertSameAsWhole(text: string): void {
  const split = check(text);
  const whole = check(text, { split: false });
  assert.deepEqual(split.source.value, whole.source.value, 'values differ');
  assert.deepEqual(
    split.diagnostics.map((d) => [d.code, d.range, d.message]),
    whole.diagnostics.map((d) => [d.code, d.range, d.message]),
  );
}

const base = yaml`
  version: 1
  name: demo
  images:
    wf: docker:myorg/workflow:1.2
  jobs:
    prepare:
      image: wf
      command: python prep.py
    # a comment between jobs
    simulate:
      needs: [prepare]
      image: wf
      steps:
        - name: one
          command: |
            echo one

            echo two
        - name: two
          command: run.sh
`;

describe('workflow source: a job at a time', () => {
  it('splits a block-style file into one chunk per job', () => {
    const s = splitWorkflow(base);
    assert.deepEqual(s.chunks.map((c) => c.text.split('\n')[0]), ['  prepare:', '  simulate:']);
    assert.equal(s.firstLine, 5);
  });

  it('keeps header line numbers when jobs are not last', () => {
    const text = base + 'volumes:\n  v: { source: relative, target: /x }\n';
    const s = splitWorkflow(text);
    assert.equal(s.chunks.length, 2);
    assertSameAsWhole(text);
  });

  it('agrees with a whole-document parse on values and diagnostics', () => {
    assertSameAsWhole(base);
    assertSameAsWhole(base.replace('command: run.sh', 'comand: run.sh'));
    assertSameAsWhole(base.replace('  simulate:', '  simulate:\n    nodes: 0'));
    assertSameAsWhole(base + '  third:\n    image: wf\n    command: [oops\n');
    assertSameAsWhole(base.replace(/\n/g, '\r\n'));
    assertSameAsWhole(base.trimEnd());
    assertSameAsWhole(base.replace('jobs:', 'jobs: # the DAG'));
    assertSameAsWhole(base + '  __proto__:\n    image: wf\n    command: x\n');
    // Keys like "12" come first in a JavaScript object, whatever the file's order.
    assertSameAsWhole(base + '  12:\n    image: wf\n    command: x\n    needs: [simulate, 3]\n');
  });

  it('falls back to one document for flow-style jobs, several documents, or anchors across jobs', () => {
    assert.equal(splitWorkflow('version: 1\njobs: { a: { command: x } }\n').chunks.length, 0);
    assert.equal(splitWorkflow(base + '---\nname: other\n').chunks.length, 0);
    const anchored = base.replace('  prepare:\n    image: wf', '  prepare: &p\n    image: wf') + '  again: *p\n';
    const r = check(anchored);
    assert.deepEqual((r.source.value as { jobs: Record<string, unknown> }).jobs.again, { image: 'wf', command: 'python prep.py' });
    assert.deepEqual(brief(r).filter((d) => d.endsWith('SF001')), []);
  });

  it('reports a duplicate job name at the second definition', () => {
    const text = base + '  prepare:\n    image: wf\n    command: again\n';
    const r = check(text);
    assert.ok(brief(r).includes('21:3 SF005'), brief(r).join('\n'));
  });

  it('re-parses only the edited job', () => {
    const first = check(base);
    const edited = base.replace('command: run.sh', 'command: run2.sh');
    const second = check(edited, { previous: first });
    const reused = second.source.parts.filter((p) => first.source.parts.includes(p));
    assert.equal(reused.length, 2, 'header and prepare are reused; simulate is new');
    assert.equal(second.source.parts.length, 3);
    assert.deepEqual((second.source.value as { jobs: { simulate: { steps: { command: string }[] } } }).jobs.simulate.steps[1].command, 'run2.sh');
  });

  it('agrees with a whole-document parse on every example', () => {
    for (const f of readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.yaml'))) {
      assertSameAsWhole(readFileSync(join(root, 'examples', f), 'utf8'));
    }
  });
});

describe('syntax errors', () => {
  it('positions a YAML syntax error inside a job', () => {
    const r = check(base.replace('    image: wf\n    command: python prep.py', '    image: wf\n    command: "unterminated'));
    assert.ok(brief(r).some((d) => d.endsWith('SF001') && d.startsWith('8:')), brief(r).join('\n'));
  });

  it('reports duplicate keys inside a job', () => {
    const r = check(base.replace('    command: python prep.py', '    command: a\n    command: b'));
    assert.ok(brief(r).includes('9:5 SF005'), brief(r).join('\n'));
  });

  it('reports a file that is not a mapping', () => {
    assert.deepEqual(brief(check('- a\n- b\n')), ['1:1 SF003']);
    assert.deepEqual(brief(check('')), ['1:1 SF003']);
  });
});
