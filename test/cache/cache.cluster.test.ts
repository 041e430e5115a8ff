// The cache on the real Slurm cluster with the Shifter stand-in: a second run submits nothing (sacct
// has no job of it), one changed input re-runs exactly its downstream, a deleted output re-runs its
// job, a same-size edit with the mtime put back re-runs, and a matrix with three changed elements is
// submitted as an array of just those (the array tasks in Slurm's accounting are 1, 4 and 7).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../runner/run/events';
import { cluster, clusterWorkflow, clusterWorkspace, journalOf, runAsUser, runDirs, sacctJobs, settledJobs, unique, type Cluster } from '../e2e/cluster';

describe('the cache on the real Slurm cluster @cluster', function () {
  this.timeout(600_000);
  let c: Cluster;
  let wf = '';
  let dir = '';
  before(() => {
    c = cluster();
    wf = unique('cache');
    const parts = Object.fromEntries([0, 1, 2, 3, 4, 5, 6, 7].map((i) => [`data/part${i}.txt`, `part ${i}\n`]));
    dir = clusterWorkspace(c, {
      ...parts,
      'data/raw.txt': 'raw 1\n',
      'data/other.txt': 'other\n',
      'wf.yaml': clusterWorkflow(wf, `jobs:
  first:
    image: workflow
    inputs: { raw: data/raw.txt }
    outputs: { copy: data/first.txt }
    command: cp @DIR@/data/raw.txt @DIR@/data/first.txt
  second:
    image: workflow
    inputs: { from_first: data/first.txt }
    outputs: { copy: data/second.txt }
    command: cp @DIR@/data/first.txt @DIR@/data/second.txt
  apart:
    image: workflow
    inputs: { other: data/other.txt }
    outputs: { copy: data/apart.txt }
    command: cp @DIR@/data/other.txt @DIR@/data/apart.txt
  parts:
    image: workflow
    matrix: { n: [0, 1, 2, 3, 4, 5, 6, 7] }
    inputs: { part: "data/part\${{ matrix.n }}.txt" }
    outputs: { done: "data/done\${{ matrix.n }}.txt" }
    command: cp @DIR@/data/part\${{ matrix.n }}.txt @DIR@/data/done\${{ matrix.n }}.txt
`),
    });
  });

  /** Runs as the test user; returns the new run's id and journal. */
  const run = (...extra: string[]): { id: string; events: RunEvent[] } => {
    const before = new Set(runDirs(dir));
    const r = runAsUser(c, dir, ['run', 'wf.yaml', ...extra]);
    assert.equal(r.code, 0, r.stderr);
    const id = runDirs(dir).find((d) => !before.has(d))!;
    return { id, events: journalOf(dir, id) };
  };
  const submitted = (events: RunEvent[]) => [...new Set(events.flatMap((e) => (e.type === 'job-submitted' ? [e.job] : [])))].sort();
  /** What Slurm accounted for this run: job name (without the workflow) -> array task ids, or [''] for a plain job. */
  const accounted = async (id: string, expected: number) => {
    const rows = (await settledJobs(c, wf, 0)).filter((j) => j.comment.includes(`:${id}:`));
    for (let i = 0; i < 40 && rows.length < expected; i++) {
      await new Promise((r) => setTimeout(r, 500));
      rows.splice(0, rows.length, ...sacctJobs(c, wf).filter((j) => j.comment.includes(`:${id}:`)));
    }
    const out: Record<string, string[]> = {};
    for (const j of rows) (out[j.name.slice(wf.length + 1)] ??= []).push(j.id.includes('_') ? j.id.split('_')[1] : '');
    for (const k of Object.keys(out)) out[k].sort((a, b) => Number(a) - Number(b));
    return out;
  };

  it('a second run submits nothing', async () => {
    const one = run();
    assert.deepEqual(submitted(one.events), ['apart', 'first', 'parts', 'second']);
    assert.equal(Object.keys(await accounted(one.id, 11)).length, 4);
    const two = run();
    assert.deepEqual(submitted(two.events), []);
    assert.equal(two.events.filter((e) => e.type === 'job-cached').length, 11);
    assert.deepEqual(await accounted(two.id, 0), {});
    // The keys pin the image id the READY lookup gave.
    const ready = one.events.find((e) => e.type === 'image' && e.status === 'READY' && e.id) as { id: string } | undefined;
    assert.ok(ready, 'the image was READY with an id');
  });

  it('a changed input re-runs exactly its downstream; a deleted output its job', async () => {
    writeFileSync(join(dir, 'data', 'raw.txt'), 'raw 2 longer\n');
    const three = run();
    assert.deepEqual(submitted(three.events), ['first', 'second']);
    assert.deepEqual(await accounted(three.id, 2), { first: [''], second: [''] });
    assert.equal(readFileSync(join(dir, 'data', 'second.txt'), 'utf8'), 'raw 2 longer\n');
    unlinkSync(join(dir, 'data', 'apart.txt'));
    const four = run();
    assert.deepEqual(await accounted(four.id, 1), { apart: [''] });
  });

  it('a same-size edit with the mtime put back re-runs', async () => {
    const f = join(dir, 'data', 'other.txt');
    spawnSync('touch', ['-r', f, join(dir, 'ref')]);
    writeFileSync(f, 'OTHER\n');
    spawnSync('touch', ['-r', join(dir, 'ref'), f]);
    const dry = runAsUser(c, dir, ['run', 'wf.yaml', '--dry-run']);
    assert.match(dry.stdout, /^apart\s+runs: input other changed$/m);
    assert.match(dry.stdout, /^first\s+cached \(/m);
    const five = run();
    assert.deepEqual(await accounted(five.id, 1), { apart: [''] });
  });

  it('a partly cached matrix is submitted as an array of only the changed elements (--array=1,4,7)', async () => {
    for (const i of [1, 4, 7]) writeFileSync(join(dir, 'data', `part${i}.txt`), `part ${i} changed\n`);
    const six = run();
    assert.deepEqual(submitted(six.events), ['parts']);
    assert.deepEqual(await accounted(six.id, 3), { parts: ['1', '4', '7'] });
    const ids = new Set(six.events.flatMap((e) => (e.type === 'job-submitted' ? [e.externalId] : [])));
    assert.equal(ids.size, 1, 'one array job');
    // Slurm's own record of the submission: the array it was given.
    const [jobId] = [...ids];
    const rec = spawnSync('sacct', ['-n', '-P', '-X', '-j', jobId, '--format=JobID'], { encoding: 'utf8', env: { ...process.env, SLURM_CONF: c.env.SLURM_CONF } });
    assert.deepEqual(rec.stdout.trim().split('\n').sort(), [`${jobId}_1`, `${jobId}_4`, `${jobId}_7`]);
    assert.deepEqual([1, 4, 7].map((i) => readFileSync(join(dir, 'data', `done${i}.txt`), 'utf8')), ['part 1 changed\n', 'part 4 changed\n', 'part 7 changed\n']);
  });
});
