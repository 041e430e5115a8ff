// Declared inputs and outputs in real runs on the local executor (engine none: commands run on this
// machine; the scripts name files by their host paths).

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, journal, runIds, workspace } from './cli-helpers';

const HEAD = 'version: 1\nname: files\nprofile: { base: local, engine: none }\nimages:\n  box: docker:busybox:1.36\njobs:\n';

describe('run with declared inputs and outputs on the local executor', function () {
  this.timeout(60_000);

  it('a graph written only with files runs in file order: each job after the job whose output it reads', () => {
    // Written last-first: only the files say the order.
    const ws = workspace({
      'wf.yaml':
        HEAD +
        "  report:\n    image: box\n    inputs: { table: 'out/table of counts.csv' }\n    outputs: { report: out/report.txt }\n    command: sh -c 'echo report >> order.log; wc -l < \"$1\" > \"$2\"' sh ${{ inputs.table }} ${{ outputs.report }}\n" +
        "  count:\n    image: box\n    inputs: { words: [in/a.txt, in/b.txt] }\n    outputs: { table: 'out/table of counts.csv' }\n    command: sh -c 'echo count >> order.log; mkdir -p out; cat \"$@\" > \"out/table of counts.csv\"' sh ${{ inputs.words }}\n",
    });
    mkdirSync(join(ws, 'in'));
    writeFileSync(join(ws, 'in', 'a.txt'), 'one\ntwo\n');
    writeFileSync(join(ws, 'in', 'b.txt'), 'three\n');
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(ws, 'order.log'), 'utf8'), 'count\nreport\n');
    assert.equal(readFileSync(join(ws, 'out', 'report.txt'), 'utf8').trim(), '3');
    const started = journal(ws, runIds(ws)[0]).find((e) => e.type === 'run-started');
    assert.deepEqual(started?.type === 'run-started' && started.jobs.map((j) => [j.key, j.needs]), [['count', []], ['report', ['count']]]);
    const g = cli(ws, ['graph', 'wf.yaml']);
    assert.match(g.stdout, /j0\["count"\][\s\S]*j1\["report"\][\s\S]*j0 --> j1/);
  });

  it('a job that completes without writing a declared output fails the run, naming it; its dependents do not run', () => {
    const ws = workspace({
      'wf.yaml':
        HEAD +
        "  lazy:\n    image: box\n    outputs: { result: 'res$(x) 1.txt', other: ok.txt }\n    command: touch ok.txt\n" +
        '  after:\n    image: box\n    inputs: { r: ok.txt }\n    command: touch after-ran\n',
    });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /lazy failed without writing output result \(\/[^)]*\/res\$\(x\) 1\.txt\)/);
    assert.ok(!existsSync(join(ws, 'after-ran')));
    const s = JSON.parse(cli(ws, ['status', '--json']).stdout);
    assert.deepEqual(s.jobs.map((j: { key: string; state: string }) => [j.key, j.state]), [['lazy', 'FAILED'], ['after', 'CANCELLED']]);
    // The script's own check failed it, naming the output in the job's log; Slurm (here the local executor) then never started the dependent.
    assert.match(readFileSync(join(ws, '.shifterflow', 'runs', runIds(ws)[0], 'logs', 'lazy.1.err'), 'utf8'), /shifterflow: output result was not written: \/.*\/res\$\(x\) 1\.txt/);
    assert.match(readFileSync(join(ws, '.shifterflow', 'runs', runIds(ws)[0], 'report.html'), 'utf8'), /<td>lazy<\/td><td>\d+<\/td><td[^>]*>FAILED/);
  });

  it('a job that runs again removes its old output first: one that stops writing it fails instead of passing on the last run\'s file; output directories are made', () => {
    const wf = (command: string) => HEAD + `  make:\n    image: box\n    outputs: { o: 'deep/er dir/o.txt' }\n    command: ${command}\n`;
    const ws = workspace({ 'wf.yaml': wf('echo v1 > ${{ outputs.o }}') });
    // No mkdir in the command: the script made deep/er dir/ before it ran.
    const first = cli(ws, ['run', 'wf.yaml']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(readFileSync(join(ws, 'deep', 'er dir', 'o.txt'), 'utf8'), 'v1\n');
    // The command changed (so the cache does not serve it) and forgot its output.
    writeFileSync(join(ws, 'wf.yaml'), wf('echo v2 > elsewhere.txt'));
    const second = cli(ws, ['run', 'wf.yaml']);
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, /make failed without writing output o \(\/.*\/deep\/er dir\/o\.txt\)/);
    assert.ok(!existsSync(join(ws, 'deep', 'er dir', 'o.txt')));
    // A directory declared as an output is kept (never removed whole) and counts as written.
    mkdirSync(join(ws, 'outdir'));
    writeFileSync(join(ws, 'outdir', 'keep'), 'k');
    writeFileSync(join(ws, 'wf.yaml'), HEAD + "  make:\n    image: box\n    outputs: { o: outdir }\n    command: 'true'\n");
    const dir = cli(ws, ['run', 'wf.yaml']);
    assert.equal(dir.code, 0, dir.stderr);
    assert.equal(readFileSync(join(ws, 'outdir', 'keep'), 'utf8'), 'k');
  });

  it('an input nobody writes and that is not there stops the run before anything, at file:line:col', () => {
    const ws = workspace({ 'wf.yaml': HEAD + '  a:\n    image: box\n    inputs: { raw: [here.txt, "gone*.txt"] }\n    command: cat ${{ inputs.raw }}\n' });
    writeFileSync(join(ws, 'here.txt'), 'x');
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /wf\.yaml:9:31: error SF056.*Input raw of job "a" does not exist: \/.*gone\*\.txt \(the pattern matches no file\)/);
    assert.match(r.stderr, /nothing was pulled or submitted/);
    assert.ok(!existsSync(join(ws, '.shifterflow')));
    writeFileSync(join(ws, 'gone1.txt'), 'y');
    writeFileSync(join(ws, 'gone 2.txt'), 'z');
    const ok = cli(ws, ['run', 'wf.yaml']);
    assert.equal(ok.code, 0, ok.stderr);
    // The pattern became the files it matched, each its own word.
    assert.equal(readFileSync(join(ws, '.shifterflow', 'runs', runIds(ws)[0], 'logs', 'a.1.out'), 'utf8'), 'xzy');
  });

  it('matrix to matrix: element i reads what element i wrote, with hostile values in the paths', () => {
    const ws = workspace({
      'wf.yaml':
        HEAD +
        "  make:\n    image: box\n    matrix: { s: [plain, 'it''s', 'a;b $(c)'] }\n    outputs: { o: 'out/${{ matrix.s }}.txt' }\n    command: sh -c 'mkdir -p out; printf \"%s\" \"$1\" > \"$2\"' sh ${{ matrix.s }} ${{ outputs.o }}\n" +
        "  use:\n    image: box\n    matrix: { s: [plain, 'it''s', 'a;b $(c)'] }\n    inputs: { i: 'out/${{ matrix.s }}.txt' }\n    outputs: { o: 'out/${{ matrix.s }}.done' }\n    command: sh -c 'cat \"$1\" > \"$2\"' sh ${{ inputs.i }} ${{ outputs.o }}\n",
    });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    for (const s of ['plain', "it's", 'a;b $(c)']) assert.equal(readFileSync(join(ws, 'out', `${s}.done`), 'utf8'), s);
  });

  // The writer's later elements wait (one at a time: maxParallel 1) for a file only the reader makes:
  // they succeed only if the reader started before the whole writer ended.
  const WAIT = "for i in $(seq 100); do test -e reader-ran && exit 0; sleep 0.1; done; exit 1";

  it('a job that reads one element of a matrix waits only for that element (afterok:ID_T)', () => {
    const ws = workspace({
      'wf.yaml':
        HEAD +
        `  sim:\n    image: box\n    matrix: { n: [0, 1, 2] }\n    maxParallel: 1\n    outputs: { r: 'r\${{ matrix.n }}' }\n    command: sh -c 'touch "$1"; [ "$SLURM_ARRAY_TASK_ID" = 0 ] || { ${WAIT}; }' sh \${{ outputs.r }}\n` +
        '  first:\n    image: box\n    inputs: { r: r0 }\n    command: touch reader-ran\n',
    });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(cli(ws, ['render', 'wf.yaml', '--out', 'rendered']).code, 0);
    assert.deepEqual(JSON.parse(readFileSync(join(ws, 'rendered', 'plan.json'), 'utf8')).jobs.find((j: { key: string }) => j.key === 'first').taskNeeds, [{ job: 'sim', scope: [0] }]);
  });

  it('matrix element i that reads element i of another matrix waits only for it (aftercorr)', () => {
    const ws = workspace({
      'wf.yaml':
        HEAD +
        `  sim:\n    image: box\n    matrix: { n: [0, 1] }\n    maxParallel: 1\n    outputs: { r: 'r\${{ matrix.n }}' }\n    command: sh -c 'touch "$1"; [ "$SLURM_ARRAY_TASK_ID" = 0 ] || { ${WAIT}; }' sh \${{ outputs.r }}\n` +
        "  post:\n    image: box\n    matrix: { n: [0, 1] }\n    inputs: { r: 'r${{ matrix.n }}' }\n    command: touch reader-ran\n",
    });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
  });

  it('aftercorr with the cache: a re-run element whose upstream element was cached waits for nothing there, and completes when another upstream element fails', () => {
    // up[1] re-runs and, when its input says so, waits for down[2] (whose own input changed while up[2] is cached) to have run.
    const WAIT_DOWN2 = 'for i in $(seq 100); do test -e ran2 && break; sleep 0.1; done; test -e ran2';
    const ws = workspace({
      'wf.yaml':
        HEAD +
        `  up:\n    image: box\n    matrix: { n: [0, 1, 2] }\n    inputs: { raw: 'raw\${{ matrix.n }}' }\n    outputs: { o: 'up\${{ matrix.n }}' }\n    command: sh -c 'if grep -q fail "$1"; then exit 3; fi; if grep -q changed "$1"; then ${WAIT_DOWN2} || exit 4; fi; cp "$1" "$2"' sh \${{ inputs.raw }} \${{ outputs.o }}\n` +
        `  down:\n    image: box\n    matrix: { n: [0, 1, 2] }\n    inputs: { from_up: 'up\${{ matrix.n }}', own: 'own\${{ matrix.n }}' }\n    outputs: { o: 'down\${{ matrix.n }}' }\n    command: sh -c 'cat "$1" "$2" > "$3"; touch "ran$SLURM_ARRAY_TASK_ID"' sh \${{ inputs.from_up }} \${{ inputs.own }} \${{ outputs.o }}\n`,
    });
    for (const i of [0, 1, 2]) {
      writeFileSync(join(ws, `raw${i}`), `raw ${i}\n`);
      writeFileSync(join(ws, `own${i}`), `own ${i}\n`);
    }
    assert.equal(cli(ws, ['run', 'wf.yaml']).code, 0);
    rmSync(join(ws, 'ran2'));
    writeFileSync(join(ws, 'raw1'), 'raw 1 changed\n');
    writeFileSync(join(ws, 'own2'), 'own 2 changed\n');
    const second = cli(ws, ['run', 'wf.yaml']);
    assert.equal(second.code, 0, second.stderr);
    const subs = journal(ws, runIds(ws)[1]).flatMap((e) => (e.type === 'job-submitted' ? [`${e.job} ${e.arrayIndices}`] : []));
    assert.deepEqual(subs, ['up 1', 'down 1-2']);
    assert.equal(readFileSync(join(ws, 'down2'), 'utf8'), 'raw 2\nown 2 changed\n');
    assert.equal(readFileSync(join(ws, 'down1'), 'utf8'), 'raw 1 changed\nown 1\n');
    writeFileSync(join(ws, 'raw1'), 'fail\n');
    writeFileSync(join(ws, 'own2'), 'own 2 again\n');
    assert.equal(cli(ws, ['run', 'wf.yaml']).code, 1);
    const states = journal(ws, runIds(ws)[2]).flatMap((e) => (e.type === 'job-state' && e.job === 'down' ? [`${e.arrayIndex}:${e.state}`] : []));
    assert.ok(states.includes('2:COMPLETED') && states.includes('1:CANCELLED'), states.join(' '));
    assert.equal(readFileSync(join(ws, 'down2'), 'utf8'), 'raw 2\nown 2 again\n');
  });

  it('with engine none (no volume is mounted) a command gets the host paths, not the volume targets', () => {
    const ws = workspace({ 'x.txt': 'x' });
    writeFileSync(
      join(ws, 'wf.yaml'),
      HEAD.replace('jobs:\n', `volumes:\n  data: { source: ${ws}, target: /data }\njobs:\n`) + "  a:\n    image: box\n    volumes: [data]\n    inputs: { x: x.txt }\n    outputs: { y: y.txt }\n    command: sh -c 'echo \"$1\" > \"$2\"' sh ${{ inputs.x }} ${{ outputs.y }}\n",
    );
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(ws, 'y.txt'), 'utf8'), `${join(ws, 'x.txt')}\n`);
    const rendered = cli(ws, ['render', 'wf.yaml']).stdout;
    assert.match(rendered, /sh \/data\/x\.txt \/data\/y\.txt$/m, 'render shows the paths the image sees');
  });
});
