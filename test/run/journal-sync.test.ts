// The journal's fsyncs: a run whose jobs all come from the cache makes its job-cached events (one per
// task, thousands for a big matrix) durable together, not one fsync each; they lay before the first
// submission, on the path of every re-run (bench P7).
import assert from 'node:assert/strict';
import fs, { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planWorkflow } from '../../runner/plan';
import type { RunCache } from '../../runner/run/cached-jobs';
import type { Executor } from '../../runner/run/executor';
import { readJournal } from '../../runner/run/journal';
import { createRunDir } from '../../runner/run/run-dir';
import { runWorkflow } from '../../runner/run/run-workflow';
import { validateText } from '../../runner/workflow/validate';

const never: Executor = {
  name: 'fake',
  submit: async () => assert.fail('nothing is submitted: everything is cached'),
  poll: async () => [],
  cancel: async () => {},
  findByComment: async () => undefined,
  close: async () => {},
};

describe('run: journal fsyncs of the cache', () => {
  it('a matrix of 40 cached tasks costs a few fsyncs, not one per job-cached event', async () => {
    const text = `version: 1\nname: js\nprofile: { base: slurm, siteFileSystems: [/g] }\ndefaults: { account: m1234, time: "00:05:00" }\nimages: { box: "docker:busybox:1.36" }\njobs:\n  m:\n    image: box\n    matrix: { n: [${Array.from({ length: 40 }, (_, i) => i).join(', ')}] }\n    outputs: { o: "/g/o\${{ matrix.n }}" }\n    command: touch \${{ outputs.o }}\n`;
    const result = validateText(text, '/g/wf.yaml');
    assert.ok(result.workflow, JSON.stringify(result.diagnostics));
    const plan = planWorkflow(result.workflow, result.profile);
    const cache: RunCache = {
      decideAll: () => new Map([['m', Array.from({ length: 40 }, (_, index) => ({ index, decision: { cached: true as const, runId: 'r0', key: `k${index}` } }))]]),
      record: () => undefined,
      entryOf: () => undefined,
      close: () => {},
    };
    const base = mkdtempSync(join(tmpdir(), 'sf-jsync-'));
    const dir = createRunDir(base);
    const real = fs.fsyncSync;
    let syncs = 0;
    fs.fsyncSync = (fd: number) => {
      syncs++;
      real(fd);
    };
    try {
      const status = await runWorkflow({ plan, file: '/g/wf.yaml', rendered: plan.jobs.map((j) => ({ key: j.key, script: '#!/bin/bash\n', cacheKey: j.key })), dir, executor: never, prepareImages: async () => {}, onEvent: () => {}, workdir: base, cache });
      assert.equal(status, 'COMPLETED');
    } finally {
      fs.fsyncSync = real;
    }
    assert.equal(readJournal(dir.journal).filter((e) => e.type === 'job-cached').length, 40, 'every event is in the journal');
    assert.ok(syncs <= 4, `${syncs} fsyncs`);
  });
});
