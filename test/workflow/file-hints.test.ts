import assert from 'node:assert/strict';
import { planWorkflow } from '../../runner/plan';
import { BUILTIN_PROFILES } from '../../runner/profiles/profile';
import { declaredNames, fileRefAt, fileRefBeingTyped, producersOf, seenPaths } from '../../runner/workflow/file-hints';

describe('editor hints for declared files (the extension shows them)', () => {
  const value = {
    jobs: {
      sim: { matrix: { n: [1, 2] }, outputs: { r: 'out/r${{ matrix.n }}.txt', log: '/abs/log' } },
      one: { inputs: { r: 'out/r2.txt', other: 'in.txt' }, command: 'cat ${{ inputs.r }} > x' },
      each: { matrix: { n: [1, 2] }, inputs: { r: './out/r${{ matrix.n }}.txt' } },
    },
  };

  it('completes the names after ${{ inputs. and ${{ outputs. with their paths', () => {
    assert.deepEqual(fileRefBeingTyped('cat ${{ inputs.r'), { kind: 'inputs', typed: 'r' });
    assert.deepEqual(fileRefBeingTyped('x ${{outputs.'), { kind: 'outputs', typed: '' });
    assert.equal(fileRefBeingTyped('cat ${{ inputs.r }} '), undefined);
    assert.deepEqual(declaredNames(value.jobs.sim, 'outputs'), [{ kind: 'outputs', name: 'r', paths: ['out/r${{ matrix.n }}.txt'] }, { kind: 'outputs', name: 'log', paths: ['/abs/log'] }]);
  });

  it('finds the placeholder under the cursor', () => {
    const text = value.jobs.one.command;
    assert.deepEqual(fileRefAt(text, text.indexOf('inputs')), { kind: 'inputs', name: 'r' });
    assert.equal(fileRefAt(text, text.indexOf('>')), undefined);
  });

  it('says which job writes an input, element by element, resolved as paths', () => {
    assert.deepEqual(producersOf(value, '/wf', 'one', 'out/r2.txt'), [{ job: 'sim', output: 'r' }]);
    assert.deepEqual(producersOf(value, '/wf', 'each', './out/r${{ matrix.n }}.txt'), [{ job: 'sim', output: 'r' }]);
    assert.deepEqual(producersOf(value, '/wf', 'one', 'in.txt'), []);
  });

  it('gives each path of a placeholder as the job sees it (through its volume, on a site file system, or the host\'s)', () => {
    const plan = planWorkflow(
      {
        version: 1,
        name: 'w',
        volumes: { data: { source: '/global/cfs/cdirs/m1/data', target: '/data/in', readOnly: true } },
        jobs: {
          sim: { image: 'a:1', volumes: ['data'], matrix: { n: [1, 2, 1] }, inputs: { raw: '/global/cfs/cdirs/m1/data/r${{ matrix.n }}.txt' }, outputs: { out: '/pscratch/sd/a/o.txt' }, command: 'x' },
        },
      },
      BUILTIN_PROFILES.nersc,
      { workflowDir: '/wf' },
    );
    assert.deepEqual(seenPaths(plan, 'sim', 'inputs', 'raw', false), [
      { host: '/global/cfs/cdirs/m1/data/r1.txt', seen: '/data/in/r1.txt' },
      { host: '/global/cfs/cdirs/m1/data/r2.txt', seen: '/data/in/r2.txt' },
    ]);
    assert.deepEqual(seenPaths(plan, 'sim', 'outputs', 'out', false), [{ host: '/pscratch/sd/a/o.txt', seen: '/pscratch/sd/a/o.txt' }]);
    assert.deepEqual(seenPaths(plan, 'sim', 'inputs', 'raw', true)?.map((p) => p.seen), ['/global/cfs/cdirs/m1/data/r1.txt', '/global/cfs/cdirs/m1/data/r2.txt']);
    assert.equal(seenPaths(plan, 'sim', 'inputs', 'nope', false), undefined);
    assert.equal(seenPaths(plan, 'other', 'inputs', 'raw', false), undefined);
  });
});
