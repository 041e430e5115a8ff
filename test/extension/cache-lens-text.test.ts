import assert from 'node:assert/strict';
import { failedCheckText, jobCacheTexts, parseDryRun } from '../../extension/cache-lens-text';

describe('cache lens text (from run --dry-run --json)', () => {
  it('reads the dry run\'s JSON line and refuses anything else', () => {
    const line = JSON.stringify({ imageIds: 'last-run', tasks: [{ job: 'a', cached: true, runId: 'R1', key: 'k' }, { job: 'b', cached: false, reason: 'no earlier run' }] });
    assert.deepEqual(parseDryRun(`${line}\n`)?.tasks.map((t) => t.job), ['a', 'b']);
    assert.equal(parseDryRun(''), undefined);
    assert.equal(parseDryRun('not json'), undefined);
    assert.equal(parseDryRun(JSON.stringify({ imageIds: 'x', tasks: [] })), undefined);
    assert.equal(parseDryRun(JSON.stringify({ imageIds: 'lookup', tasks: [{ job: 'a', cached: false }] })), undefined, 'a task that runs names its reason');
    assert.equal(parseDryRun(JSON.stringify({ imageIds: 'lookup', tasks: [{ job: 'a', cached: true }] })), undefined, 'a cached task names its run');
  });

  it('says cached (RUN) for a job, runs: WHY with the first reason, and how many of a matrix run', () => {
    const texts = jobCacheTexts({
      imageIds: 'lookup',
      tasks: [
        { job: 'a', cached: true, runId: 'R1', key: 'k' },
        { job: 'b', cached: false, reason: 'input data changed' },
        { job: 'm', index: 0, cached: true, runId: 'R1', key: 'k0' },
        { job: 'm', index: 1, cached: false, reason: 'output out missing' },
        { job: 'm', index: 2, cached: false, reason: 'script changed' },
        { job: 'c', index: 0, cached: true, runId: 'R1', key: 'c0' },
        { job: 'c', index: 1, cached: true, runId: 'R2', key: 'c1' },
      ],
    });
    assert.equal(texts.get('a')?.title, '$(check) cached (R1)');
    assert.equal(texts.get('b')?.title, 'runs: input data changed');
    assert.equal(texts.get('m')?.title, 'runs 2 of 3: output out missing');
    assert.match(texts.get('m')!.tooltip, /m\[1\]: runs: output out missing\nm\[2\]: runs: script changed/);
    assert.equal(texts.get('c')?.title, '$(check) cached (R2 and 1 earlier)');
    assert.doesNotMatch(texts.get('a')!.tooltip, /last run made them READY/);
    assert.match(jobCacheTexts({ imageIds: 'last-run', tasks: [{ job: 'a', cached: true, runId: 'R1', key: 'k' }] }).get('a')!.tooltip, /last run made them READY/);
  });

  it('never answers per job when the dry run failed: the CLI\'s words in the tooltip', () => {
    const t = failedCheckText(1, 'wf.yaml:7:13: error SF056: input data: /x/in.txt does not exist\nnothing was pulled or submitted\n', false);
    assert.equal(t.title, '$(warning) cache: fix the errors first (SF056)');
    assert.match(t.tooltip, /exit 1[^]*does not exist/);
    assert.match(failedCheckText(null, '', true).title, /took too long/);
  });
});
