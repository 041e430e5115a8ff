// Declared inputs and outputs on the real Slurm cluster: the graph from files, the narrowed waits on
// array tasks (afterok:ID_T, aftercorr) as Slurm itself enforces them, and a missing output.

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cluster, clusterWorkflow, clusterWorkspace, journalOf, runAsUser, runDirs, settledJobs, unique, type Cluster } from './cluster';

// An element of `sim` past the first waits for a file only the reader makes: it succeeds only when
// Slurm started the reader before the whole array ended.
const WAIT = 'for i in $(seq 150); do test -e reader-ran && exit 0; sleep 0.2; done; exit 1';

describe('declared inputs and outputs on the real Slurm cluster @cluster', function () {
  this.timeout(240_000);
  let c: Cluster;
  before(() => {
    c = cluster();
  });

  it('a graph written only with files runs in file order; a reader of one element waits only for it, element i for element i', () => {
    const wf = unique('files');
    const dir = clusterWorkspace(c, {
      'in/a b.txt': 'one\ntwo\n',
      'wf.yaml': clusterWorkflow(wf, `jobs:
  report:
    image: workflow
    inputs: { counts: "out/it's counted.txt" }
    outputs: { report: out/report.txt }
    command: sh -c 'wc -l < "$1" > "$2"' sh \${{ inputs.counts }} \${{ outputs.report }}
  count:
    image: workflow
    inputs: { words: "in/a b.txt" }
    outputs: { counts: "out/it's counted.txt" }
    command: sh -c 'mkdir -p out && cat "$1" > "$2"' sh \${{ inputs.words }} \${{ outputs.counts }}
  sim:
    image: workflow
    matrix: { n: [0, 1, 2] }
    maxParallel: 1
    outputs: { r: "out/r\${{ matrix.n }}" }
    command: sh -c 'mkdir -p out; touch "$1"; [ "$SLURM_ARRAY_TASK_ID" = 0 ] || { ${WAIT}; }' sh \${{ outputs.r }}
  first:
    image: workflow
    inputs: { r: out/r0 }
    command: touch reader-ran
  post:
    image: workflow
    matrix: { n: [0, 1, 2] }
    inputs: { r: "out/r\${{ matrix.n }}" }
    outputs: { d: "out/d\${{ matrix.n }}" }
    command: sh -c 'cp "$1" "$2"' sh \${{ inputs.r }} \${{ outputs.d }}
`),
    });
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, 'out', 'report.txt'), 'utf8').trim(), '2');
    for (const n of [0, 1, 2]) assert.ok(existsSync(join(dir, 'out', `d${n}`)));
    const started = journalOf(dir, runDirs(dir)[0]).find((e) => e.type === 'run-started');
    assert.deepEqual(started?.type === 'run-started' && started.jobs.map((j) => [j.key, j.needs]), [['count', []], ['report', ['count']], ['sim', []], ['first', ['sim']], ['post', ['sim']]]);
  });

  it('a job that writes no declared output fails the run, naming it, and its dependent never runs', async () => {
    const wf = unique('nofile');
    const dir = clusterWorkspace(c, {
      'wf.yaml': clusterWorkflow(wf, `jobs:
  lazy:
    image: workflow
    outputs: { table: "out/t a;b.csv" }
    command: "true"
  after:
    image: workflow
    inputs: { t: "out/t a;b.csv" }
    command: touch after-ran
`),
    });
    const r = runAsUser(c, dir, ['run', 'wf.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /lazy failed without writing output table \(\/sfglobal\/.*\/out\/t a;b\.csv\)/);
    assert.match(readFileSync(join(dir, '.shifterflow', 'runs', runDirs(dir)[0], 'logs', 'lazy.1.err'), 'utf8'), /shifterflow: output table was not written/);
    assert.ok(!existsSync(join(dir, 'after-ran')));
    const jobs = await settledJobs(c, wf, 2);
    assert.deepEqual(jobs.map((j) => [j.name, j.state.split(' ')[0]]).sort(), [[`${wf}.after`, 'CANCELLED'], [`${wf}.lazy`, 'FAILED']]);
  });
});
