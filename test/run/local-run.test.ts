import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, cliAsync, journal, journalSoFar, localWorkflow, runIds, submissions, workspace } from './cli-helpers';

describe('run on the local executor', function () {
  this.timeout(60_000);

  it('runs a job and leaves a private run directory with scripts, journal, logs, trace and report', () => {
    const ws = workspace({ 'wf.yaml': localWorkflow('hello', '  hello:\n    image: box\n    command: sh -c \'echo "hi from $SLURM_JOB_NAME rank $SLURM_PROCID of $SLURM_NTASKS in $SHIFTER_IMAGEREQUEST"\'\n') });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    const [id] = runIds(ws);
    const dir = join(ws, '.shifterflow', 'runs', id);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(readFileSync(join(dir, 'logs', 'hello.1.out'), 'utf8'), 'hi from hello.hello rank 0 of 1 in docker:busybox:1.36\n');
    assert.match(readFileSync(join(dir, 'scripts', 'hello.sbatch'), 'utf8'), /^#SBATCH --image=docker:busybox:1\.36$/m);
    const trace = readFileSync(join(dir, 'trace.tsv'), 'utf8').trim().split('\n');
    assert.equal(trace.length, 2);
    assert.match(trace[1], /^hello\t1\t\d+\t\tdocker:busybox:1\.36\t\tlocalhost\tCOMPLETED\t0\t/);
    assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /hello: <span[^>]*>COMPLETED/);
  });

  it('a step with N tasks starts N processes with their ranks', () => {
    const ws = workspace({ 'wf.yaml': localWorkflow('ranks', '  par:\n    image: box\n    tasks: 3\n    command: sh -c \'echo "rank $SLURM_PROCID/$SLURM_NTASKS"\'\n') });
    assert.equal(cli(ws, ['run', 'wf.yaml']).code, 0);
    const out = readFileSync(join(ws, '.shifterflow', 'runs', runIds(ws)[0], 'logs', 'par.1.out'), 'utf8');
    assert.deepEqual(out.trim().split('\n').sort(), ['rank 0/3', 'rank 1/3', 'rank 2/3']);
  });

  it('a failed job cancels its dependents, and the run exits 1', () => {
    const ws = workspace({ 'wf.yaml': localWorkflow('chain', '  a:\n    image: box\n    command: sh -c \'exit 3\'\n  b:\n    needs: [a]\n    image: box\n    command: touch b-ran\n  c:\n    needs: [b]\n    image: box\n    command: touch c-ran\n') });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 1);
    const s = JSON.parse(cli(ws, ['status', '--json']).stdout);
    assert.deepEqual(s.jobs.map((j: { key: string; state: string; exitCode?: number }) => [j.key, j.state, j.exitCode]), [['a', 'FAILED', 3], ['b', 'CANCELLED', 0], ['c', 'CANCELLED', 0]]);
    assert.ok(!existsSync(join(ws, 'b-ran')) && !existsSync(join(ws, 'c-ran')));
  });

  it('retries a job that failed and re-links its dependents', () => {
    const ws = workspace({ 'wf.yaml': localWorkflow('retry', '  flaky:\n    image: box\n    retry: { attempts: 2, on: [FAILED] }\n    command: test -f once || { touch once; exit 1; }\n  after:\n    needs: [flaky]\n    image: box\n    command: echo done > after.txt\n') });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    const events = journal(ws, runIds(ws)[0]);
    assert.equal(submissions(events, 'flaky'), 2);
    assert.equal(readFileSync(join(ws, 'after.txt'), 'utf8'), 'done\n');
  });

  it('a retry of an array resubmits only its failed tasks, each keeping the attempt that made its result', () => {
    // Tasks 1 and 3 fail once (no marker yet), the others succeed at once.
    const command = 'sh -c \'echo "$SLURM_ARRAY_TASK_ID" >> ran.txt; case $SLURM_ARRAY_TASK_ID in 1|3) test -f m.$SLURM_ARRAY_TASK_ID || { touch m.$SLURM_ARRAY_TASK_ID; exit 1; };; esac\'';
    const ws = workspace({ 'wf.yaml': localWorkflow('part', `  m:\n    image: box\n    matrix: { i: [0, 1, 2, 3, 4] }\n    maxParallel: 2\n    retry: { attempts: 2, on: [FAILED] }\n    command: ${command}\n`) });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readFileSync(join(ws, 'ran.txt'), 'utf8').trim().split('\n').map(Number).sort(), [0, 1, 1, 2, 3, 3, 4]);
    const events = journal(ws, runIds(ws)[0]);
    const subs = events.filter((e) => e.type === 'job-submitted');
    assert.deepEqual(subs.map((e) => e.type === 'job-submitted' && [e.attempt, e.arrayIndices]), [[1, undefined], [2, '1,3%2']]);
    const s = JSON.parse(cli(ws, ['status', '--json']).stdout);
    assert.equal(s.jobs[0].state, 'COMPLETED');
    assert.deepEqual(s.jobs[0].tasks.map((t: { index: number; attempt: number }) => [t.index, t.attempt]).sort((a: number[], b: number[]) => a[0] - b[0]), [[0, 1], [1, 2], [2, 1], [3, 2], [4, 1]]);
    assert.match(cli(ws, ['status']).stdout, /attempts 1 \(3 tasks\), 2 \(2 tasks\)/);
    const dir = join(ws, '.shifterflow', 'runs', runIds(ws)[0]);
    const trace = readFileSync(join(dir, 'trace.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    assert.deepEqual(trace.filter((c) => c[7] === 'COMPLETED').map((c) => [c[3], c[1]]).sort(), [['0', '1'], ['1', '2'], ['2', '1'], ['3', '2'], ['4', '1']]);
    assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /<td>1 \(3 tasks\), 2 \(2 tasks\)<\/td>/);
  });

  it('--resume after a partly failed array runs only the tasks that did not complete', () => {
    const command = 'sh -c \'echo "$SLURM_ARRAY_TASK_ID" >> ran.txt; test "$SLURM_ARRAY_TASK_ID" != 2 || test -f fixed\'';
    const ws = workspace({ 'wf.yaml': localWorkflow('partresume', `  m:\n    image: box\n    matrix: { i: [0, 1, 2, 3] }\n    command: ${command}\n`) });
    assert.equal(cli(ws, ['run', 'wf.yaml']).code, 1);
    writeFileSync(join(ws, 'fixed'), '');
    const [id] = runIds(ws);
    const r = cli(ws, ['run', 'wf.yaml', '--resume']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readFileSync(join(ws, 'ran.txt'), 'utf8').trim().split('\n').map(Number).sort(), [0, 1, 2, 2, 3]);
    const last = journal(ws, id).filter((e) => e.type === 'job-submitted').at(-1);
    assert.ok(last?.type === 'job-submitted' && last.arrayIndices === '2', JSON.stringify(last));
  });

  it('runs a matrix as one array, each task with its own values', () => {
    const ws = workspace({ 'wf.yaml': localWorkflow('sweep', "  m:\n    image: box\n    matrix: { s: [a, 'b c', \"$(touch pwned)\"] }\n    command: printf '%s\\n' ${{ matrix.s }} > out.$SLURM_ARRAY_TASK_ID\n") });
    assert.equal(cli(ws, ['run', 'wf.yaml']).code, 0);
    assert.deepEqual([0, 1, 2].map((i) => readFileSync(join(ws, `out.${i}`), 'utf8')), ['a\n', 'b c\n', '$(touch pwned)\n']);
    assert.ok(!existsSync(join(ws, 'pwned')));
    assert.equal(submissions(journal(ws, runIds(ws)[0]), 'm'), 1);
  });

  it('--resume skips finished jobs and runs the rest', () => {
    const ws = workspace({ 'wf.yaml': localWorkflow('resume', '  a:\n    image: box\n    command: echo a >> a.count\n  b:\n    needs: [a]\n    image: box\n    command: test -f fixed\n  c:\n    needs: [b]\n    image: box\n    command: echo c > c.txt\n') });
    assert.equal(cli(ws, ['run', 'wf.yaml']).code, 1);
    cli(ws, ['status']);
    require('node:fs').writeFileSync(join(ws, 'fixed'), '');
    const r = cli(ws, ['run', 'wf.yaml', '--resume']);
    assert.equal(r.code, 0, r.stderr);
    const events = journal(ws, runIds(ws)[0]);
    assert.equal(runIds(ws).length, 1);
    assert.equal(submissions(events, 'a'), 1, 'a finished in the first run and is not submitted again');
    assert.equal(submissions(events, 'b'), 2);
    assert.equal(readFileSync(join(ws, 'a.count'), 'utf8'), 'a\n');
    assert.equal(JSON.parse(cli(ws, ['status', '--json']).stdout).status, 'COMPLETED');
  });

  it('cancel stops a running run; its jobs end CANCELLED', async () => {
    const ws = workspace({ 'wf.yaml': localWorkflow('long', '  sleeper:\n    image: box\n    command: sleep 60\n  after:\n    needs: [sleeper]\n    image: box\n    command: "true"\n') });
    const runner = cliAsync(ws, ['run', 'wf.yaml']);
    const exited = new Promise<number | null>((r) => runner.on('exit', (code) => r(code)));
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (existsSync(join(ws, '.shifterflow')) && runIds(ws).length > 0 && journalSoFar(ws, runIds(ws)[0]).some((e) => e.type === 'job-state' && e.state === 'RUNNING')) break;
    }
    const c = cli(ws, ['cancel']);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(await exited, 130);
    const s = JSON.parse(cli(ws, ['status', '--json']).stdout);
    assert.equal(s.status, 'CANCELLED');
    assert.deepEqual(s.jobs.map((j: { state: string }) => j.state), ['CANCELLED', 'CANCELLED']);
  });

  it('refuses a second runner on a run that is being followed', async () => {
    const ws = workspace({ 'wf.yaml': localWorkflow('lock', '  s:\n    image: box\n    command: sleep 30\n') });
    const runner = cliAsync(ws, ['run', 'wf.yaml']);
    for (let i = 0; i < 100 && !(existsSync(join(ws, '.shifterflow')) && runIds(ws).length > 0 && existsSync(join(ws, '.shifterflow', 'runs', runIds(ws)[0], 'runner.pid'))); i++) await new Promise((r) => setTimeout(r, 100));
    const second = cli(ws, ['run', 'wf.yaml', '--resume']);
    assert.equal(second.code, 2);
    assert.match(second.stderr, /is being followed by runner \d+/);
    runner.kill('SIGTERM');
    await new Promise((r) => runner.on('exit', r));
  });

  it('--job runs one job and the jobs it needs, nothing else', () => {
    const ws = workspace({ 'wf.yaml': localWorkflow('pick', '  a:\n    image: box\n    command: touch a\n  b:\n    needs: [a]\n    image: box\n    command: touch b\n  c:\n    image: box\n    command: touch c\n') });
    assert.equal(cli(ws, ['run', 'wf.yaml', '--job', 'b']).code, 0);
    assert.deepEqual(['a', 'b', 'c'].map((f) => existsSync(join(ws, f))), [true, true, false]);
    const r = cli(ws, ['run', 'wf.yaml', '--job', 'nope']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no job "nope" in workflow pick \(jobs: a, b, c\)/);
  });

  it('jobs named after Object.prototype members are planned, rendered, run and looked up like any other', () => {
    // Valid job names (letters first); a job table kept in a plain object would find them on its prototype.
    const ws = workspace({ 'wf.yaml': localWorkflow('proto', '  constructor:\n    image: box\n    command: echo c\n  hasOwnProperty:\n    needs: [constructor]\n    image: box\n    command: echo h\n  toString:\n    needs: [hasOwnProperty]\n    image: box\n    command: echo t\n') });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    const [id] = runIds(ws);
    const dir = join(ws, '.shifterflow', 'runs', id);
    assert.deepEqual(['constructor', 'hasOwnProperty', 'toString'].map((j) => readFileSync(join(dir, 'logs', `${j}.1.out`), 'utf8')), ['c\n', 'h\n', 't\n']);
    assert.deepEqual(['constructor', 'hasOwnProperty', 'toString'].map((j) => submissions(journal(ws, id), j)), [1, 1, 1]);
    assert.match(cli(ws, ['status', id]).stdout, /toString\s+\S+\s+COMPLETED/);
  });

  it('bad input never prints a stack trace', () => {
    const ws = workspace({ 'bad.yaml': 'version: 1\nname: x\njobs:\n  a:\n    image: nope\n    command: x\n' });
    for (const args of [['run', 'missing.yaml'], ['run', 'bad.yaml'], ['run'], ['status'], ['logs', 'a'], ['run', 'bad.yaml', '--profile', 'mars'], ['frobnicate']]) {
      const r = cli(ws, args);
      assert.notEqual(r.code, 0, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, `${args.join(' ')}: ${r.stderr}`);
    }
    assert.match(cli(ws, ['run', 'bad.yaml']).stderr, /^bad\.yaml:5:12: error SF030 /m);
  });
});
