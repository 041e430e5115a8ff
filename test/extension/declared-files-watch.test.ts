import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planWorkflow } from '../../runner/plan';
import { isGlobPattern } from '../../runner/plan/files';
import { BUILTIN_PROFILES } from '../../runner/profiles/profile';
import type { Workflow } from '../../runner/workflow/generated/schema-types';
import { MAX_DIRS, watchSetOf } from '../../extension/declared-files-watch';

describe('what the cache lens watches (declared files, the cache)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'sf-watch-'));
    mkdirSync(join(root, 'data', 'raw'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const plan = (jobs: Workflow['jobs']) => planWorkflow({ version: 1, name: 'w', jobs }, BUILTIN_PROFILES.local, { workflowDir: root });

  it('watches the directories of inputs and outputs (an output\'s missing one through its nearest ancestor), glob prefixes and the cache as trees', () => {
    const p = plan({
      a: { image: 'a:1', command: 'x', inputs: { one: 'data/in.txt', many: 'data/raw/*.csv' }, outputs: { o: 'out/deep/o.txt' } },
    });
    const set = watchSetOf(p, root, join(root, 'wf.yaml'), isGlobPattern)!;
    assert.deepEqual(set.dirs.sort(), [root, join(root, 'data')].sort(), 'out/deep does not exist: its ancestor, the root; the cache is not there yet: the root too');
    assert.deepEqual(set.trees, [join(root, 'data', 'raw')]);
    assert.equal(set.concerns(join(root, 'data', 'in.txt')), true);
    assert.equal(set.concerns(join(root, 'data', 'other.txt')), false, 'a neighbour of an input');
    assert.equal(set.concerns(join(root, 'data', 'raw', 'x.csv')), true, 'under a glob prefix');
    assert.equal(set.concerns(join(root, 'out')), true, 'the output directory being created');
    assert.equal(set.concerns(join(root, 'out', 'deep', 'o.txt')), true);
    assert.equal(set.concerns(join(root, '.shifterflow')), true, 'the cache being created');
    assert.equal(set.concerns(join(root, '.shifterflow', 'cache', 'digests.json')), false, 'the dry run\'s own write is not a trigger');
    assert.equal(set.concerns(join(root, '.shifterflow', 'cache', 'entries', 'a', 't', 'latest.json')), true);
    assert.equal(set.concerns(join(root, 'wf.yaml')), true);
    mkdirSync(join(root, '.shifterflow', 'cache', 'entries'), { recursive: true });
    assert.ok(watchSetOf(p, root, join(root, 'wf.yaml'), isGlobPattern)!.trees.includes(join(root, '.shifterflow', 'cache', 'entries')), 'once there, the cache entries are a tree');
  });

  it('watches a declared directory as a tree: a file written deep inside it concerns the workflow', () => {
    mkdirSync(join(root, 'results', 'run1'), { recursive: true });
    const p = plan({ a: { image: 'a:1', command: 'x', inputs: { ref: 'data' }, outputs: { all: 'results' } } });
    const set = watchSetOf(p, root, join(root, 'wf.yaml'), isGlobPattern)!;
    assert.deepEqual(set.trees.filter((t) => !t.includes('.shifterflow')).sort(), [join(root, 'data'), join(root, 'results')]);
    assert.equal(set.concerns(join(root, 'results', 'run1', 'part.h5')), true);
    assert.equal(set.concerns(join(root, 'data', 'raw', 'x.csv')), true);
    assert.equal(set.concerns(join(root, 'resultsX', 'f')), false);
    // The dry run's own files beside the entries are no trigger either.
    assert.equal(set.concerns(join(root, '.shifterflow', 'cache', 'decisions', 'k.json')), false);
    assert.equal(set.concerns(join(root, '.shifterflow', 'cache', 'plans', 'k.json')), false);
  });

  it('watches nothing beyond MAX_DIRS directories', () => {
    const jobs: Workflow['jobs'] = {};
    for (let i = 0; i <= MAX_DIRS; i++) {
      mkdirSync(join(root, `d${i}`));
      jobs[`j${i}`] = { image: 'a:1', command: 'x', inputs: { i: `d${i}/in.txt` } };
    }
    assert.equal(watchSetOf(plan(jobs), root, join(root, 'wf.yaml'), isGlobPattern), undefined);
  });
});
