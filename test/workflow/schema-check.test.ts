import assert from 'node:assert/strict';
import { brief, check, yaml } from './helpers';
import type { TextEdit } from '../../runner/workflow/diagnostic';

const good = yaml`
  version: 1
  name: demo
  images:
    wf: docker:myorg/workflow:1.2
  jobs:
    prepare:
      image: wf
      command: python prep.py
`;

export function applyEdits(text: string, edits: TextEdit[]): string {
  return [...edits].sort((a, b) => b.range.start.offset - a.range.start.offset)
    .reduce((t, e) => t.slice(0, e.range.start.offset) + e.newText + t.slice(e.range.end.offset), text);
}

describe('schema errors at the node at fault', () => {
  it('accepts a minimal workflow', () => {
    assert.deepEqual(brief(check(good)), []);
  });

  it('SF002: an unknown key points at the key, with a rename fix for a typo', () => {
    const text = good.replace('    command:', '    comand:');
    const r = check(text);
    assert.deepEqual(brief(r), ['8:5 SF002']);
    assert.match(r.diagnostics[0].message, /did you mean "command"/);
    assert.deepEqual(brief(check(applyEdits(text, r.diagnostics[0].fix!.edits))), []);
  });

  it('SF003: a wrong type points at the value', () => {
    assert.deepEqual(brief(check(good.replace('image: wf', 'image: wf\n    nodes: two'))), ['8:12 SF003']);
    assert.deepEqual(brief(check(good.replace('version: 1', 'version: 2'))), ['1:10 SF003']);
  });

  it('SF003: a bad enum value gets the closest allowed value as fix', () => {
    const text = good.replace('image: wf', 'image: wf\n    retry: { attempts: 1, on: [NODE_FAILED] }');
    const r = check(text);
    assert.deepEqual(brief(r), ['8:32 SF003']);
    assert.deepEqual(brief(check(applyEdits(text, r.diagnostics[0].fix!.edits))), []);
  });

  it('SF003: a bad image reference explains the form', () => {
    const r = check(good.replace('docker:myorg/workflow:1.2', '"docker:my org/x:1"'));
    assert.deepEqual(brief(r), ['4:7 SF003']);
    assert.match(r.diagnostics[0].message, /TYPE:NAME:VERSION/);
  });

  it('SF004: a missing required key points at the mapping key', () => {
    assert.deepEqual(brief(check(good.replace('name: demo\n', ''))), ['1:1 SF004']);
    const r = check(good.replace('images:', 'volumes:\n  v: { source: /global/x }\nimages:'));
    assert.deepEqual(brief(r).filter((d) => d.endsWith('SF004')), ['4:3 SF004']);
  });

  it('SF006: a hostile job name is refused at its key', () => {
    const r = check(good + '  "$(touch /tmp/x)":\n    image: wf\n    command: x\n');
    assert.deepEqual(brief(r), ['9:3 SF006']);
    assert.match(r.diagnostics[0].message, /letters, digits/);
  });

  it('SF006: a job named __proto__ is refused at its key like any name not starting with a letter or digit', () => {
    // A plain object would take `__proto__` as its prototype, not as a job: the name rule must still see it.
    const r = check(good + '  __proto__:\n    image: wf\n    command: x\n');
    assert.deepEqual(brief(r), ['9:3 SF006']);
    assert.match(r.diagnostics[0].message, /"__proto__".*starting with a letter or digit/);
    assert.equal(r.workflow, undefined);
    // Flow style is parsed as one document, not job by job.
    assert.deepEqual(brief(check(good.replace(/jobs:[^]*$/, 'jobs: { prepare: { image: wf, command: p }, __proto__: { image: wf, command: x } }\n'))), ['5:45 SF006']);
  });

  it('accepts jobs named after Object.prototype members (constructor, hasOwnProperty, toString)', () => {
    const text = good + ['constructor', 'hasOwnProperty', 'toString'].map((n) => `  ${n}:\n    image: wf\n    needs: [prepare]\n    command: x\n`).join('');
    const r = check(text);
    assert.deepEqual(brief(r), []);
    assert.deepEqual(Object.keys(r.workflow!.jobs), ['prepare', 'constructor', 'hasOwnProperty', 'toString']);
  });

  it('reports every error of a file at once, sorted by position', () => {
    const r = check(good.replace('version: 1', 'version: 3').replace('    command:', '    comand:') + '  b:\n    image: wf\n    nodes: -1\n    command: y\n');
    assert.deepEqual(brief(r), ['1:10 SF003', '8:5 SF002', '11:12 SF003']);
  });
});
