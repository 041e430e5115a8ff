import assert from 'node:assert/strict';
import { declaredNames, fileRefAt, fileRefBeingTyped, producersOf } from '../../runner/workflow/file-hints';

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
});
