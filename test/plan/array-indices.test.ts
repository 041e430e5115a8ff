import assert from 'node:assert/strict';
import { arraySpec, parseArraySpec } from '../../runner/plan/array-indices';

describe('plan: --array index lists (arraySpec, parseArraySpec)', () => {
  it('lists the indices in order, runs of consecutive ones as ranges, the throttle kept', () => {
    assert.equal(arraySpec([3, 17, 912]), '3,17,912');
    assert.equal(arraySpec([7, 1, 2, 3, 3], 10), '1-3,7%10');
    assert.equal(arraySpec([0, 1, 2, 3, 4, 5], 3), '0-5%3');
    assert.equal(arraySpec([5]), '5');
    assert.equal(arraySpec([0, 2, 3, 5, 6, 7, 9]), '0,2-3,5-7,9');
  });

  it('refuses an empty list and indices Slurm has no task for', () => {
    assert.throws(() => arraySpec([]), RangeError);
    assert.throws(() => arraySpec([-1]), RangeError);
    assert.throws(() => arraySpec([1.5]), RangeError);
  });

  it('reads back what it writes, and Slurm steps (0-9:2)', () => {
    const indices = [0, 2, 3, 5, 6, 7, 9, 500];
    assert.deepEqual(parseArraySpec(arraySpec(indices, 4)), { indices, maxParallel: 4 });
    assert.deepEqual(parseArraySpec('0-9:2'), { indices: [0, 2, 4, 6, 8], maxParallel: undefined });
  });
});
