import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './examples';

const MAIN = join(ROOT, 'out', 'runner', 'cli', 'main.js');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: render and graph', function () {
  this.timeout(30_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'sf-cli-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('render prints every script after a header comment', () => {
    const r = cli('render', 'examples/matrix.yaml');
    assert.equal(r.status, 0, r.stderr);
    const headers = r.stdout.split('\n').filter((l) => l.startsWith('# ===='));
    assert.deepEqual(headers, ['# ==== prepare.sbatch (sweep.prepare) ====', '# ==== analyze.sbatch (sweep.analyze) ====', '# ==== summarize.sbatch (sweep.summarize) ====']);
    assert.equal(r.stdout.split('\n# ==== ')[1].split('\n').slice(1).join('\n').trimEnd(), readFileSync(join(ROOT, 'test/golden/matrix/analyze.sbatch'), 'utf8').trimEnd());
  });

  it('render --job prints one job; an unknown job is a usage error', () => {
    const r = cli('render', 'examples/manager-worker.yaml', '--job', 'simulate');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /srun -N 1 -n 1 --overlap shifter --image=docker:workflow_manager:latest workflow_man\.sh &/);
    assert.match(r.stdout, /srun -N 128 -n 4096 shifter --volume=\/global\/cscratch1\/sd\/alice\/path\/to\/my\/data:\/data\/in worker\.sh$/m);
    const bad = cli('render', 'examples/manager-worker.yaml', '--job', 'nope');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^shifterflow: no job "nope" in examples\/manager-worker\.yaml \(jobs: simulate\)/);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  });

  it('render --out writes <job>.sbatch, an executable submit.sh and plan.json', () => {
    const out = join(dir, 'out');
    const r = cli('render', 'examples/matrix.yaml', '--out', out, '--log-dir', '/global/cscratch1/sd/alice/logs');
    assert.equal(r.status, 0, r.stderr);
    for (const f of ['prepare.sbatch', 'analyze.sbatch', 'summarize.sbatch', 'submit.sh', 'plan.json']) assert.ok(existsSync(join(out, f)), f);
    assert.ok(statSync(join(out, 'submit.sh')).mode & 0o100);
    assert.match(readFileSync(join(out, 'analyze.sbatch'), 'utf8'), /^#SBATCH --output=\/global\/cscratch1\/sd\/alice\/logs\/analyze-%A_%a\.out$/m);
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    assert.deepEqual(plan.jobs.map((j: { key: string }) => j.key), ['prepare', 'analyze', 'summarize']);
    assert.match(plan.jobs[0].cacheKey, /^[0-9a-f]{64}$/);
    assert.equal(plan.jobs[1].array.size, 6);
  });

  it('render refuses an invalid workflow with the validator\'s messages and exit 1', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'version: 1\nname: bad\njobs:\n  a:\n    image: docker:x:1\n    command: x\n    qos: $QOS\n');
    const r = cli('render', file);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:7:10: error SF003`));
  });

  it('render --profile overrides the file; an unknown profile is a usage error', () => {
    const r = cli('render', 'examples/hello.yaml', '--profile', 'nersc');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(cli('render', 'examples/hello.yaml', '--profile', 'mars').status, 2);
  });

  it('graph prints Mermaid by default and DOT on request', () => {
    const m = cli('graph', 'examples/matrix.yaml');
    assert.equal(m.status, 0, m.stderr);
    assert.equal(m.stdout, 'flowchart TD\n  j0["prepare"]\n  j1["analyze<br/>array of 6"]\n  j2["summarize"]\n  j0 --> j1\n  j1 --> j2\n');
    const d = cli('graph', 'examples/manager-worker.yaml', '--format', 'dot');
    assert.equal(d.status, 0, d.stderr);
    assert.equal(d.stdout, 'digraph "tomography" {\n  node [shape=box];\n  "simulate" [label="simulate\\n2 steps"];\n}\n');
    assert.equal(cli('graph', 'examples/matrix.yaml', '--format', 'png').status, 2);
  });

  it('--help on each command', () => {
    for (const c of ['render', 'graph']) {
      const r = cli(c, '--help');
      assert.equal(r.status, 0);
      assert.match(r.stdout, new RegExp(`^Usage: shifterflow ${c} FILE`));
    }
  });
});
