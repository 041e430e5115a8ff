// aftercorr on the real cluster with the cache: `down` element i reads `up` element i. When down[2]
// re-runs (its own input changed) while up[2] comes from the cache and up[1] re-runs, up's array holds
// only task 1, and Slurm reads aftercorr on an array without task 2 as "after the whole array": down[2]
// would wait for up[1], and be cancelled with it when it fails. It must start at once and complete.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../runner/run/events';
import { cluster, clusterWorkflow, clusterWorkspace, journalOf, runAsUser, runDirs, slurm, unique, type Cluster } from '../e2e/cluster';

describe('aftercorr with upstream elements from the cache, on the real Slurm cluster @cluster', function () {
  this.timeout(600_000);
  let c: Cluster;
  let dir = '';
  const N = [0, 1, 2, 3];
  before(() => {
    c = cluster();
    const files: Record<string, string> = {};
    for (const i of N) {
      files[`data/raw${i}.txt`] = `raw ${i}\n`;
      files[`data/own${i}.txt`] = `own ${i}\n`;
    }
    dir = clusterWorkspace(c, {
      ...files,
      'wf.yaml': clusterWorkflow(unique('corr'), `jobs:
  up:
    image: workflow
    matrix: { n: [${N.join(', ')}] }
    inputs: { raw: "data/raw\${{ matrix.n }}.txt" }
    outputs: { o: "data/up\${{ matrix.n }}.txt" }
    command: sh -c 'sleep 6; if grep -q fail "$1"; then exit 3; fi; cp "$1" "$2"' sh \${{ inputs.raw }} \${{ outputs.o }}
  down:
    image: workflow
    matrix: { n: [${N.join(', ')}] }
    inputs: { from_up: "data/up\${{ matrix.n }}.txt", own: "data/own\${{ matrix.n }}.txt" }
    outputs: { o: "data/down\${{ matrix.n }}.txt" }
    command: cat \${{ inputs.from_up }} \${{ inputs.own }} > \${{ outputs.o }}
`),
    });
    const first = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(first.code, 0, first.stderr);
  });

  /** Runs as the test user; the new run's exit code and journal. */
  const run = (): { code: number | null; stderr: string; events: RunEvent[] } => {
    const before = new Set(runDirs(dir));
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    const id = runDirs(dir).find((d) => !before.has(d))!;
    return { code: r.code, stderr: r.stderr, events: journalOf(dir, id) };
  };
  const submission = (events: RunEvent[], job: string) => events.find((e): e is Extract<RunEvent, { type: 'job-submitted' }> => e.type === 'job-submitted' && e.job === job);
  /** Slurm's record of each task of an array job: index -> state, start and end (epoch seconds; NaN when it never started). */
  const accounting = async (jobId: string, tasks: number) => {
    let rows: string[][] = [];
    for (let i = 0; i < 40; i++) {
      rows = slurm(c, ['sacct', '-n', '-P', '-X', '-j', jobId, '--format=JobID,State,Start,End']).split('\n').filter(Boolean).map((l) => l.split('|'));
      if (rows.length >= tasks && rows.every((r) => !/PENDING|RUNNING|COMPLETING/.test(r[1]))) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    return new Map(rows.map(([id, state, start, end]) => [Number(id.split('_')[1]), { state, start: Date.parse(start) / 1000, end: Date.parse(end) / 1000 }]));
  };

  it('a re-run element whose upstream element came from the cache starts without waiting for the upstream array', async () => {
    writeFileSync(join(dir, 'data', 'raw1.txt'), 'raw 1 changed\n');
    writeFileSync(join(dir, 'data', 'own2.txt'), 'own 2 changed\n');
    const r = run();
    assert.equal(r.code, 0, r.stderr);
    const up = submission(r.events, 'up')!;
    const down = submission(r.events, 'down')!;
    assert.equal(up.arrayIndices, '1');
    assert.equal(down.arrayIndices, '1-2');
    const upTasks = await accounting(up.externalId, 1);
    const downTasks = await accounting(down.externalId, 2);
    assert.deepEqual([...downTasks.keys()].sort(), [1, 2]);
    // up[1] sleeps 6 s: down[2] started before it ended, down[1] only after.
    assert.ok(downTasks.get(2)!.start < upTasks.get(1)!.end, `down[2] started ${downTasks.get(2)!.start}, up[1] ended ${upTasks.get(1)!.end}`);
    assert.ok(downTasks.get(1)!.start >= upTasks.get(1)!.end);
    assert.equal(readFileSync(join(dir, 'data', 'down2.txt'), 'utf8'), 'raw 2\nown 2 changed\n');
    assert.equal(readFileSync(join(dir, 'data', 'down1.txt'), 'utf8'), 'raw 1 changed\nown 1\n');
  });

  it('and completes when another upstream element fails (only the element that reads it is cancelled)', async () => {
    writeFileSync(join(dir, 'data', 'raw1.txt'), 'fail\n');
    writeFileSync(join(dir, 'data', 'own2.txt'), 'own 2 again\n');
    const r = run();
    assert.equal(r.code, 1, 'up[1] failed: the run fails');
    const down = submission(r.events, 'down')!;
    assert.equal(down.arrayIndices, '1-2');
    const downTasks = await accounting(down.externalId, 2);
    assert.equal(downTasks.get(2)!.state, 'COMPLETED');
    assert.match(downTasks.get(1)!.state, /^CANCELLED/);
    assert.equal(readFileSync(join(dir, 'data', 'down2.txt'), 'utf8'), 'raw 2\nown 2 again\n');
    const states = r.events.flatMap((e) => (e.type === 'job-state' && e.job === 'down' ? [`${e.arrayIndex}:${e.state}`] : []));
    assert.ok(states.includes('2:COMPLETED'), states.join(' '));
  });
});
