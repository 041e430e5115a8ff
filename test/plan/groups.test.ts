// Groups in the plan: each group's jobs in the order they run, the units a submitter submits (a group
// once, after everything any of its jobs needs), what `--job` keeps of a group, and the Slurm times a
// group adds up.
import assert from 'node:assert/strict';
import { PlanError, planWorkflow, submissionUnits, unitNeeds, type SubmissionUnit } from '../../runner/plan';
import { selectJobs } from '../../runner/plan/select';
import { formatSlurmTime, parseSlurmTime } from '../../runner/plan/slurm-time';
import { BUILTIN_PROFILES } from '../../runner/profiles/profile';
import type { Workflow } from '../../runner/workflow/generated/schema-types';

const nersc = BUILTIN_PROFILES.nersc;

/** A workflow of plain jobs: `name: [group, ...needs]` (group '' for none). */
function wf(jobs: Record<string, [string, ...string[]]>): Workflow {
  const out: Workflow['jobs'] = {};
  for (const [name, [group, ...needs]] of Object.entries(jobs)) {
    out[name] = { image: 'docker:x:1', command: `run ${name}`, ...(needs.length ? { needs } : {}), ...(group ? { group } : {}) };
  }
  return { version: 1, name: 'w', jobs: out };
}

function plan(jobs: Record<string, [string, ...string[]]>) {
  return planWorkflow(wf(jobs), nersc);
}

/** Units as text: `x`, `g[a,b]`. */
function units(u: SubmissionUnit[]): string[] {
  return u.map((x) => (x.kind === 'job' ? x.job.key : `${x.group.name}[${x.jobs.map((j) => j.key).join(',')}]`));
}

describe('plan: groups', () => {
  it('lists each group once, its jobs in chain order, whatever the file order; jobs carry their group', () => {
    // Written backwards: the chain a -> b -> c decides the order, not the file.
    const p = plan({ c: ['g', 'b'], after: ['', 'c'], b: ['g', 'a'], a: ['g', 'prep'], prep: [''], h2: ['h', 'h1', 'prep'], h1: ['h'] });
    assert.deepEqual(p.groups, [
      { name: 'g', slurmName: 'w.g', members: ['a', 'b', 'c'] },
      { name: 'h', slurmName: 'w.h', members: ['h1', 'h2'] },
    ]);
    assert.deepEqual(p.jobs.filter((j) => j.group !== undefined).map((j) => [j.key, j.group]), [['a', 'g'], ['b', 'g'], ['c', 'g'], ['h1', 'h'], ['h2', 'h']]);
    assert.equal(p.jobs.find((j) => j.key === 'after')!.group, undefined);
    assert.deepEqual(plan({ a: [''], b: ['', 'a'] }).groups, [], 'no group: none planned');
  });

  it('refuses a group that is not a chain, or holds a matrix job, with a PlanError (when validation was skipped)', () => {
    assert.throws(() => plan({ a: ['g'], b: ['g'] }), (e: unknown) => e instanceof PlanError && /job b of group g does not need a: the jobs of a group must form a chain/.test(e.message));
    const matrix: Workflow = { version: 1, name: 'w', jobs: { a: { image: 'docker:x:1', group: 'g', command: 'x' }, b: { image: 'docker:x:1', group: 'g', needs: ['a'], matrix: { n: [1, 2] }, command: 'x ${{ matrix.n }}' } } };
    assert.throws(() => planWorkflow(matrix, nersc), (e: unknown) => e instanceof PlanError && /job b has a matrix and cannot run in group g/.test(e.message));
  });

  it('submission units: without groups, the plan order, one unit per job', () => {
    const p = plan({ b: ['', 'a'], a: [''], c: ['', 'a'] });
    assert.deepEqual(units(submissionUnits(p)), ['a', 'b', 'c']);
  });

  it('a group goes after an outside job that a LATER member needs, though that job comes after the first member', () => {
    // Plan order: a, x, b, after. The group is at a's place, but b needs x: x first.
    const p = plan({ a: ['g'], x: [''], b: ['g', 'a', 'x'], after: ['', 'b'] });
    assert.deepEqual(p.jobs.map((j) => j.key), ['a', 'x', 'b', 'after']);
    const u = submissionUnits(p);
    assert.deepEqual(units(u), ['x', 'g[a,b]', 'after']);
    assert.deepEqual(unitNeeds(u[1]), ['x'], 'the group waits for x, not for its own jobs');
    assert.deepEqual(unitNeeds(u[2]), ['b']);
  });

  it("a group waits for its jobs' outside needs once each, in order of first mention", () => {
    const p = plan({ p: [''], q: [''], r: [''], a: ['g', 'p', 'q'], b: ['g', 'a', 'q', 'r'] });
    const group = submissionUnits(p).find((x) => x.kind === 'group')!;
    assert.deepEqual(unitNeeds(group), ['p', 'q', 'r']);
    assert.deepEqual(units(submissionUnits(p)), ['p', 'q', 'r', 'g[a,b]']);
  });

  it('a job outside the group that needs one of its jobs while another of its jobs needs it: a PlanError naming both', () => {
    // y needs a (in g); b (in g) needs y: the one Slurm job of g would wait for y, which waits for it.
    const p = plan({ a: ['g'], y: ['', 'a'], b: ['g', 'a', 'y'] });
    assert.throws(
      () => submissionUnits(p),
      (e: unknown) => e instanceof PlanError && e.message === 'group g waits for a job that itself waits for the group (job y): take that job into the group, or the group\'s jobs out of it',
    );
  });

  it('two groups waiting for each other: a PlanError', () => {
    // g1: a1 -> b1, g2: a2 -> b2; a2 needs a1 (g2 after g1) and b1 needs b2 (g1 after g2).
    const p = plan({ a1: ['g1'], a2: ['g2', 'a1'], b2: ['g2', 'a2'], b1: ['g1', 'a1', 'b2'] });
    assert.throws(() => submissionUnits(p), (e: unknown) => e instanceof PlanError && /^group g1 waits for a job that itself waits for the group \(group g2\)/.test(e.message));
  });

  it('selectJobs keeps the start of a group up to the job asked for, and drops a group none of whose jobs is kept', () => {
    const p = plan({ prep: [''], a: ['g', 'prep'], b: ['g', 'a'], c: ['g', 'b'], after: ['', 'c'], lone: [''] });
    const mid = selectJobs(p, ['b']);
    assert.deepEqual(mid.jobs.map((j) => j.key), ['prep', 'a', 'b']);
    assert.deepEqual(mid.groups, [{ name: 'g', slurmName: 'w.g', members: ['a', 'b'] }]);
    assert.deepEqual(units(submissionUnits(mid)), ['prep', 'g[a,b]']);
    assert.deepEqual(selectJobs(p, ['a']).groups[0].members, ['a']);
    assert.deepEqual(selectJobs(p, ['after']).groups[0].members, ['a', 'b', 'c']);
    assert.deepEqual(selectJobs(p, ['lone', 'prep']).groups, []);
    assert.deepEqual(p.groups[0].members, ['a', 'b', 'c'], 'the plan it was cut from is left alone');
  });
});

describe('plan: Slurm times', () => {
  it('reads every form Slurm takes', () => {
    const cases: [string, number][] = [
      ['30', 30 * 60],
      ['5:30', 5 * 60 + 30],
      ['01:02:03', 3723],
      ['36:00:00', 36 * 3600],
      ['2-0', 2 * 86400],
      ['1-2', 86400 + 2 * 3600],
      ['1-2:30', 86400 + 2 * 3600 + 30 * 60],
      ['1-02:03:04', 86400 + 2 * 3600 + 3 * 60 + 4],
      [' 00:10:00 ', 600],
    ];
    for (const [text, seconds] of cases) assert.equal(parseSlurmTime(text), seconds, text);
  });

  it('reads nothing else', () => {
    for (const text of ['', 'abc', 'UNLIMITED', '1:2:3:4', '-5', '1-', '1:', '1.5', '1-2-3']) assert.equal(parseSlurmTime(text), undefined, JSON.stringify(text));
  });

  it('writes HH:MM:SS under a day and D-HH:MM:SS from a day on', () => {
    assert.equal(formatSlurmTime(0), '00:00:00');
    assert.equal(formatSlurmTime(59), '00:00:59');
    assert.equal(formatSlurmTime(75 * 60), '01:15:00');
    assert.equal(formatSlurmTime(86399), '23:59:59');
    assert.equal(formatSlurmTime(86400), '1-00:00:00');
    assert.equal(formatSlurmTime(36 * 3600), '1-12:00:00');
    assert.equal(formatSlurmTime(10 * 86400 + 3723), '10-01:02:03');
  });

  it('round trips: what it writes reads back to the same seconds, and a written time is written again the same', () => {
    const samples = [0, 1, 59, 60, 61, 3599, 3600, 86399, 86400, 86401, 90061, 7 * 86400 + 12345, 400 * 86400 + 1];
    for (let s = 0; s < 3 * 86400; s += 4999) samples.push(s);
    for (const s of samples) {
      const text = formatSlurmTime(s);
      assert.equal(parseSlurmTime(text), s, `${s} -> ${text}`);
      assert.equal(formatSlurmTime(parseSlurmTime(text)!), text);
    }
    for (const text of ['90', '1:30', '2-0', '1-2:30']) assert.equal(parseSlurmTime(formatSlurmTime(parseSlurmTime(text)!)), parseSlurmTime(text), text);
  });
});
