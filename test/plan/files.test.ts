import assert from 'node:assert/strict';
import { BUILTIN_PROFILES } from '../../runner/profiles/profile';
import type { Workflow } from '../../runner/workflow/generated/schema-types';
import { PlanError, planWorkflow } from '../../runner/plan';
import { resolve } from 'node:path';
import { hostPath, isNormal } from '../../runner/plan/files';

const local = BUILTIN_PROFILES.local;

function wf(jobs: Workflow['jobs']): Workflow {
  return { version: 1, name: 'w', jobs };
}

describe('plan: declared inputs and outputs', () => {
  it('resolves a path exactly as path.resolve does (its fast join of normal paths included)', () => {
    const segments = ['a', 'b.txt', '.', '..', '', '.hidden', '..x', 'x..', '...', 'ü', 'a b', '$x', 'f0.txt'];
    const texts = new Set<string>(['', '/', '//', '.', '..', './', '../', 'a/', '/a/', 'a//b', '/a//b', '///a']);
    for (const x of segments) for (const y of segments) for (const z of ['', ...segments]) {
      const rel = [x, y, z].filter((p, i) => i < 2 || p !== '').join('/');
      texts.add(rel);
      texts.add('/' + rel);
      texts.add(rel + '/');
    }
    const dirs = ['/', '/work/flow', '/work/flow/', '/work//flow', '/work/./flow', '/work/../flow', 'relative/dir', '/a b/c'];
    for (const dir of dirs) for (const text of texts) assert.equal(hostPath(text, undefined, dir), resolve(dir, text), `${JSON.stringify(dir)} + ${JSON.stringify(text)}`);
    assert.equal(hostPath('in/${{ matrix.p }}/../f', { p: 'x' }, '/w'), '/w/in/f');
    assert.equal(isNormal('/', 0), true);
    assert.equal(isNormal('/a/b', 0), true);
    assert.equal(isNormal('a/b', 0), false);
    assert.equal(isNormal('', -1), false);
    assert.equal(isNormal('a/./b', -1), false);
    assert.equal(isNormal('a/..b', -1), true);
  });

  it('resolves paths against the workflow directory, per array task, with matrix values substituted', () => {
    const plan = planWorkflow(
      wf({
        split: { image: 'a:1', command: 's', matrix: { part: ['x', 'y'] }, inputs: { raw: ['data/${{ matrix.part }}.txt', '/abs/../abs/common'] }, outputs: { piece: 'out/${{ matrix.part }}.csv' } },
      }),
      local,
      { workflowDir: '/work/flow' },
    );
    assert.deepEqual(plan.jobs[0].files, [
      { inputs: [{ name: 'raw', paths: ['/work/flow/data/x.txt', '/abs/common'] }], outputs: [{ name: 'piece', paths: ['/work/flow/out/x.csv'] }] },
      { inputs: [{ name: 'raw', paths: ['/work/flow/data/y.txt', '/abs/common'] }], outputs: [{ name: 'piece', paths: ['/work/flow/out/y.csv'] }] },
    ]);
    assert.equal(plan.jobs[0].cache, true);
  });

  it('gives a job without a matrix one entry, and caches only jobs with outputs and without cache: false', () => {
    const plan = planWorkflow(
      wf({
        a: { image: 'a:1', command: 'a' },
        b: { image: 'a:1', command: 'b', outputs: { o: 'o.txt' }, cache: false },
        c: { image: 'a:1', command: 'c', outputs: { o: 'c.txt' } },
      }),
      local,
      { workflowDir: '/d' },
    );
    assert.deepEqual(plan.jobs.map((j) => [j.key, j.files.length, j.cache]), [['a', 1, false], ['b', 1, false], ['c', 1, true]]);
    assert.deepEqual(plan.jobs[0].files, [{ inputs: [], outputs: [] }]);
  });

  it('makes a reader need the writer of its input, mixed with needs:, and orders by both', () => {
    const plan = planWorkflow(
      wf({
        report: { image: 'a:1', command: 'r', needs: ['lone'], inputs: { t: 'table.csv' } },
        lone: { image: 'a:1', command: 'l' },
        table: { image: 'a:1', command: 't', inputs: { raw: 'raw.txt' }, outputs: { t: 'table.csv' } },
      }),
      local,
      { workflowDir: '/d' },
    );
    assert.deepEqual(plan.jobs.map((j) => j.key), ['lone', 'table', 'report']);
    assert.deepEqual(plan.jobs[2].needs, ['lone', 'table']);
    assert.deepEqual(plan.jobs[2].taskNeeds, []);
  });

  it('narrows the wait on a matrix writer: the elements read, or element i after element i', () => {
    const plan = planWorkflow(
      wf({
        sim: { image: 'a:1', command: 's', matrix: { n: [0, 1, 2] }, outputs: { r: 'r${{ matrix.n }}' } },
        one: { image: 'a:1', command: 'o', inputs: { r: 'r1' } },
        all: { image: 'a:1', command: 'o', inputs: { r: ['r0', 'r1', 'r2'] } },
        post: { image: 'a:1', command: 'p', matrix: { n: [0, 1, 2] }, inputs: { r: 'r${{ matrix.n }}' } },
        cross: { image: 'a:1', command: 'p', matrix: { n: [2, 1, 0] }, inputs: { r: 'r${{ matrix.n }}' } },
        told: { image: 'a:1', command: 'o', needs: ['sim'], inputs: { r: 'r1' } },
      }),
      local,
      { workflowDir: '/d' },
    );
    const by = new Map(plan.jobs.map((j) => [j.key, j]));
    assert.deepEqual(by.get('one')!.taskNeeds, [{ job: 'sim', scope: [1] }]);
    assert.deepEqual(by.get('all')!.taskNeeds, []);
    assert.deepEqual(by.get('post')!.taskNeeds, [{ job: 'sim', scope: 'corresponding' }]);
    assert.deepEqual(by.get('cross')!.taskNeeds, [], 'element i reads another element: wait for all of it');
    assert.deepEqual(by.get('told')!.taskNeeds, [], 'needs: asks for the whole job');
    for (const k of ['one', 'all', 'post', 'cross', 'told']) assert.deepEqual(by.get(k)!.needs, ['sim']);
  });

  it('refuses a job that reads its own output and a cycle through files', () => {
    assert.throws(() => planWorkflow(wf({ a: { image: 'a:1', command: 'a', inputs: { i: 'x' }, outputs: { o: 'x' } } }), local, { workflowDir: '/d' }), (e: unknown) => e instanceof PlanError && /reads its own output \/d\/x/.test(e.message));
    assert.throws(
      () => planWorkflow(wf({ a: { image: 'a:1', command: 'a', inputs: { i: 'y' }, outputs: { o: 'x' } }, b: { image: 'a:1', command: 'b', inputs: { i: 'x' }, outputs: { o: 'y' } } }), local, { workflowDir: '/d' }),
      (e: unknown) => e instanceof PlanError && /cycle/.test(e.message),
    );
  });
});
