// The real CommandRunner, on real processes of this machine (node itself).

import assert from 'node:assert/strict';
import { ExecFileRunner, describeFailure, mergeEnv } from '../../runner/slurm/command-runner';

const node = process.execPath;
const runner = new ExecFileRunner();

describe('ExecFileRunner', () => {
  it('passes argv untouched: no shell sees $(...), ;, quotes or globs', async () => {
    const args = ['$(echo hacked)', 'a; rm -rf /', "it's", '*', '--comment=a b'];
    const r = await runner.run([node, '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...args]);
    assert.equal(r.code, 0);
    assert.deepEqual(JSON.parse(r.stdout), args);
  });

  it('returns exit status, stdout and stderr', async () => {
    const r = await runner.run([node, '-e', 'process.stdout.write("out"); process.stderr.write("err"); process.exit(3)']);
    assert.deepEqual(r, { code: 3, stdout: 'out', stderr: 'err' });
  });

  it('gives the child exactly the environment it is told, and its stdin', async () => {
    const r = await runner.run([node, '-e', 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>process.stdout.write(process.env.SF_X+":"+d))'], {
      env: mergeEnv({ SF_X: 'yes' }),
      input: 'hello',
    });
    assert.equal(r.stdout, 'yes:hello');
  });

  it('streams stdout as it comes', async () => {
    const chunks: string[] = [];
    const r = await runner.run([node, '-e', 'process.stdout.write("a"); setTimeout(() => process.stdout.write("b"), 100)'], { onStdout: (c) => chunks.push(c) });
    assert.equal(r.stdout, 'ab');
    assert.deepEqual(chunks, ['a', 'b']);
  });

  it('stops a program that takes too long', async () => {
    const t = Date.now();
    const r = await runner.run([node, '-e', 'setTimeout(() => {}, 10000)'], { timeoutMs: 200 });
    assert.equal(r.timedOut, true);
    assert.equal(r.code, null);
    assert.ok(Date.now() - t < 5000);
    assert.match(describeFailure(['prog'], r), /did not answer in time/);
  });

  it('stops a program when aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await runner.run([node, '-e', 'setTimeout(() => {}, 10000)'], { signal: ac.signal });
    assert.equal(r.aborted, true);
  });

  it('reports a missing program without throwing', async () => {
    const r = await runner.run(['/nonexistent/sbatch', '--parsable']);
    assert.equal(r.code, null);
    assert.equal(r.spawnError, 'ENOENT');
    assert.equal(describeFailure(['sbatch'], r), 'sbatch: command not found');
  });

  it('merges environments, later layers winning, undefined values ignored', () => {
    const env = mergeEnv({ A: '1', B: '1' }, { B: '2', PATH: undefined });
    assert.equal(env.A, '1');
    assert.equal(env.B, '2');
    assert.equal(env.PATH, process.env.PATH, 'undefined does not remove what a lower layer set');
  });
});
