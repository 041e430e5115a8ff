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

  it('refuses a job outside the group between two of its jobs (the group would wait for itself)', () => {
    // y needs a (group g) and b (group g) needs y: g is one Slurm job, submitted after y, which waits for it.
    const text = `${HEAD}  a: { group: g, command: run }\n  y: { needs: [a], command: run }\n  b: { needs: [a, y], group: g, command: run }\n`;
    const d = only(text, 'SF049');
    assert.equal(d.message, 'Group "g" would wait for itself: "b" (group g) needs "y", "y" needs "a" (group g). A group is one Slurm job that starts after every job its jobs need, so no job outside it can run between two of its jobs. Take the jobs in between into the group, or the jobs after them out of it.');
    assertAt(text, 'SF049', '6:16'); // at the need that closes the cycle: y's a
    assert.equal(d.severity, 'error');
  });

  it('refuses it through several jobs outside, whatever the file order', () => {
    const text = `${HEAD}  y2: { needs: [y1], command: run }\n  b: { needs: [a, y2], group: g, command: run }\n  y1: { needs: [a], command: run }\n  a: { group: g, command: run }\n`;
    assert.match(only(text, 'SF049').message, /^Group "g" would wait for itself: "y2" needs "y1", "y1" needs "a" \(group g\), "b" \(group g\) needs "y2"\./);
  });

  it('refuses two groups waiting for each other', () => {
    // g1: a1 -> b1, g2: a2 -> b2; a2 needs a1 (g2 after g1) and b1 needs b2 (g1 after g2).
    const text = `${HEAD}  a1: { group: g1, command: run }\n  b1: { needs: [a1, b2], group: g1, command: run }\n  a2: { needs: [a1], group: g2, command: run }\n  b2: { needs: [a2], group: g2, command: run }\n`;
    assert.match(only(text, 'SF049').message, /^Group "g1" would wait for itself: "b1" \(group g1\) needs "b2" \(group g2\), "a2" \(group g2\) needs "a1" \(group g1\)\./);
  });

  it('accepts jobs outside that need the group and jobs it needs, on either side of it, and leaves cycles of jobs to SF033', () => {
    const ok = `${HEAD}  x: { command: run }\n  a: { group: g, command: run }\n  z: { needs: [a], command: run }\n  b: { needs: [a, x], group: g, command: run }\n  w: { needs: [z, b], command: run }\n`;
    assertNone(ok, 'SF049');
    const cycle = `${HEAD}  a: { needs: [y], group: g, command: run }\n  y: { needs: [b], command: run }\n  b: { needs: [a], group: g, command: run }\n`;
    assertNone(cycle, 'SF049');
    assert.equal(only(cycle, 'SF033').code, 'SF033');
  });

  it('checks the group name like a job name (schema)', () => {
    const text = `${HEAD}  a: { group: "-x", command: run }\n`;
    assert.ok(diagnostics(text).some((d) => d.range.start.line === 4), JSON.stringify(diagnostics(text)));
  });

  it('is re-checked after an edit that only changes group (whole-workflow findings not reused)', async () => {
    const { validateText } = await import('../../../runner/workflow/validate');
    const ok = `${HEAD}  a: { group: g, command: run }\n  b: { needs: [a], group: g, command: run }\n`;
    const first = validateText(ok, 'wf.yaml');
    const edited = validateText(ok.replace('b: { needs: [a], group: g', 'b: { group: g'), 'wf.yaml', { previous: first });
    assert.deepEqual(edited.diagnostics.map((d) => d.code), ['SF049']);
  });
});
