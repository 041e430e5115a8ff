import assert from 'node:assert/strict';
import { assertAt, assertNone, diagnostics, only } from './helpers';

const HEAD = 'version: 1\nname: t\ndefaults: { image: "docker:ubuntu:22.04" }\njobs:\n';

describe('rules: groups (SF049, SF050)', () => {
  it('accepts a chain, with jobs outside the group before and after it', () => {
    const text = `${HEAD}  prep: { command: run }\n  a: { needs: [prep], group: g, command: run }\n  b: { needs: [a], group: g, command: run }\n  c: { needs: [b, prep], group: g, command: run }\n  after: { needs: [b], command: run }\n`;
    assertNone(text, 'SF049');
    assertNone(text, 'SF050');
    assert.deepEqual(diagnostics(text).map((d) => d.code), []);
  });

  it('refuses two jobs of a group side by side (both after the same one)', () => {
    const text = `${HEAD}  a: { group: g, command: run }\n  b: { needs: [a], group: g, command: run }\n  c: { needs: [a], group: g, command: run }\n`;
    assertAt(text, 'SF049', '7:27');
    assert.match(only(text, 'SF049').message, /Jobs "b" and "c" both need "a" in group "g".*Make "c" need "b"/);
  });

  it('refuses a job that needs two jobs of its group', () => {
    const text = `${HEAD}  a: { group: g, command: run }\n  b: { needs: [a], group: g, command: run }\n  c: { needs: [a, b], group: g, command: run }\n`;
    assertAt(text, 'SF049', '7:30');
    assert.match(only(text, 'SF049').message, /needs "a" and "b", all in group "g"/);
  });

  it('refuses a group with two first jobs (not one chain)', () => {
    const text = `${HEAD}  a: { group: g, command: run }\n  b: { group: g, command: run }\n`;
    assertAt(text, 'SF049', '6:15');
    assert.match(only(text, 'SF049').message, /Jobs "a" and "b" of group "g" need no other job of the group/);
  });

  it('refuses a matrix job in a group', () => {
    const text = `${HEAD}  a: { group: g, command: run }\n  b: { needs: [a], group: g, matrix: { x: [1, 2] }, command: "run \${{ matrix.x }}" }\n`;
    assertAt(text, 'SF050', '6:27');
    assert.match(only(text, 'SF050').message, /job array.*group "g"/);
  });

  it('checks the group name like a job name (schema)', () => {
    const text = `${HEAD}  a: { group: "-x", command: run }\n`;
    assert.ok(diagnostics(text).some((d) => d.range.start.line === 4), JSON.stringify(diagnostics(text)));
  });

  it('is re-checked after an edit that only changes group (whole-workflow findings not reused)', async () => {
    const { validateText } = await import('../../../runner/spec/validate');
    const ok = `${HEAD}  a: { group: g, command: run }\n  b: { needs: [a], group: g, command: run }\n`;
    const first = validateText(ok, 'wf.yaml');
    const edited = validateText(ok.replace('b: { needs: [a], group: g', 'b: { group: g'), 'wf.yaml', { previous: first });
    assert.deepEqual(edited.diagnostics.map((d) => d.code), ['SF049']);
  });
});
