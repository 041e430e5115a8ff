import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { planWorkflow } from '../../runner/plan';
import type { PlanOptions } from '../../runner/plan/types';
import { BUILTIN_PROFILES } from '../../runner/profiles/profile';
import { RenderError, renderJob } from '../../runner/render';
import type { Workflow } from '../../runner/workflow/generated/schema-types';

const nersc = BUILTIN_PROFILES.nersc;

function render(jobs: Workflow['jobs'], extra: Partial<Workflow> = {}, options: PlanOptions = {}): string[] {
  const plan = planWorkflow({ version: 1, name: 'w', ...extra, jobs }, nersc, options);
  return plan.jobs.map((j) => renderJob(j, plan));
}

function body(script: string): string[] {
  return script.split('\n').filter((l) => l !== '' && !l.startsWith('#') && !/^(sf_|  |})/.test(l));
}

function bashN(script: string): void {
  const r = spawnSync('bash', ['-n'], { input: script });
  assert.equal(r.status, 0, r.stderr.toString() + script);
}

describe('render: job scripts', () => {
  it('switches image with shifter --image only for a step in another image', () => {
    const [s] = render({
      j: {
        image: 'w',
        steps: [
          { name: 'a', image: 'other', command: 'x' },
          { name: 'b', image: 'docker:myorg/workflow:1.2', command: 'y' },
          { name: 'c', command: 'z' },
        ],
      },
    }, { images: { w: 'myorg/workflow:1.2', other: 'docker:other' } });
    assert.deepEqual(body(s).filter((l) => l.startsWith('srun')), [
      'srun -N 1 -n 1 shifter --image=docker:other:latest x',
      'srun -N 1 -n 1 shifter y',
      'srun -N 1 -n 1 shifter z',
    ]);
    assert.match(s, /^#SBATCH --image=docker:myorg\/workflow:1\.2$/m);
  });

  it('writes the site MPI module once for an MPI job, per step otherwise; none for an own-MPI image', () => {
    const [job, steps] = render(
      {
        job: { image: 'mp', mpi: true, nodes: 2, tasks: 8, command: 'prog' },
        steps: { image: 'plain', steps: [{ name: 'a', image: 'mp', mpi: 'pmix', tasks: 4, command: 'prog' }, { name: 'b', command: 'post' }] },
      },
      { images: { mp: { ref: 'docker:mp:1', mpi: 'mpich' }, plain: 'docker:plain:1' } },
    );
    assert.match(job, /^#SBATCH --module=mpich$/m);
    assert.deepEqual(body(job), ['srun -N 2 -n 8 --mpi=pmi2 shifter prog']);
    assert.doesNotMatch(steps, /#SBATCH --module/);
    assert.deepEqual(body(steps).filter((l) => l.startsWith('srun')), ['srun -N 1 -n 4 --mpi=pmix shifter --image=docker:mp:1 --module=mpich prog', 'srun -N 1 -n 1 shifter post']);
    const [own] = render({ j: { image: 'mp', mpi: true, steps: [{ command: 'a' }, { image: 'own', command: 'b' }] } }, { images: { mp: { ref: 'docker:mp:1', mpi: 'mpich' }, own: { ref: 'docker:own:1', mpi: 'own' } } });
    assert.ok(body(own).includes('srun -N 1 -n 1 --mpi=pmi2 shifter --image=docker:own:1 --module=none b'));
  });

  it('passes entrypoint, workdir, env and cpus per task', () => {
    const [s] = render({ j: { image: 'a:1', cpusPerTask: 4, env: { A: 'x y', B: '' }, workdir: '/work dir', entrypoint: true, command: 'arg' } });
    assert.deepEqual(body(s), [`srun -N 1 -n 1 -c 4 shifter --env=A='x y' --env=B= --workdir='/work dir' --entrypoint arg`]);
    assert.match(s, /^#SBATCH --cpus-per-task=4$/m);
    const [t] = render({ j: { image: 'a:1', entrypoint: '/usr/bin/env', command: 'arg' } });
    assert.deepEqual(body(t), ['srun -N 1 -n 1 shifter --entrypoint=/usr/bin/env arg']);
  });

  it('puts a background matrix step in a case, then records its pid', () => {
    const [s] = render({ j: { image: 'a:1', matrix: { v: ['a', 'b c'] }, steps: [{ name: 'm', command: 'mgr ${{ matrix.v }}', background: true }, { name: 'w', command: 'work' }] } });
    bashN(s);
    const lines = s.split('\n');
    const at = lines.indexOf('# step m (background)');
    assert.deepEqual(lines.slice(at, at + 16), [
      '# step m (background)',
      'case "${SLURM_ARRAY_TASK_ID:-}" in',
      '  0)',
      '    srun -N 1 -n 1 --overlap shifter mgr a &',
      '    ;;',
      '  1)',
      "    srun -N 1 -n 1 --overlap shifter mgr 'b c' &",
      '    ;;',
      '  *)',
      `    echo "shifterflow: array task \${SLURM_ARRAY_TASK_ID:-(none)} is not one of job j's 0-1" >&2`,
      '    exit 2',
      '    ;;',
      'esac',
      'sf_started m $!',
      '',
      '# step w',
    ]);
    assert.ok(lines.includes('srun -N 1 -n 1 shifter work'), 'a step that does not depend on the matrix is written once');
  });

  it('runs a command with shell syntax whole under the image\'s /bin/sh, one line, background too', () => {
    const command = 'first\n  second "x # y"\nthird # comment\n';
    const [s] = render({ j: { image: 'a:1', qos: 'shared', steps: [{ name: 'bg', command, background: true }, { name: 'fg', command }] } });
    bashN(s);
    const sh = `shifter /bin/sh -c $'first\\n  second "x # y"\\nthird # comment'`;
    assert.ok(s.includes(`\n${sh} &\nsf_started bg $!\n`), s);
    assert.ok(s.includes(`\n${sh}\nsf_check fg $?\n`), s);
    const [t] = render({ j: { image: 'a:1', tasks: 4, command: 'cat /etc/x > /output/$SLURM_PROCID.txt' } });
    assert.deepEqual(body(t), [`srun -N 1 -n 4 shifter /bin/sh -c 'cat /etc/x > /output/$SLURM_PROCID.txt'`]);
  });

  it('matrix values go into the command text first, then the command is wrapped when it needs a shell', () => {
    const [s] = render({ j: { image: 'a:1', matrix: { v: ['a', 'b c', "it's", 'x\ny'] }, command: 'prog ${{ matrix.v }}' } });
    bashN(s);
    const arms = s.split('\n').filter((l) => l.startsWith('    srun'));
    assert.deepEqual(arms, [
      '    srun -N 1 -n 1 shifter prog a',
      "    srun -N 1 -n 1 shifter prog 'b c'",
      `    srun -N 1 -n 1 shifter prog 'it'"'"'s'`,
      "    srun -N 1 -n 1 shifter /bin/sh -c $'prog \\'x\\ny\\''",
    ]);
    const [r] = render({ j: { image: 'a:1', matrix: { v: ['a', 'b c'] }, command: 'prog ${{ matrix.v }} > out.txt' } });
    assert.deepEqual(r.split('\n').filter((l) => l.startsWith('    srun')), [
      "    srun -N 1 -n 1 shifter /bin/sh -c 'prog a > out.txt'",
      `    srun -N 1 -n 1 shifter /bin/sh -c 'prog '\\''b c'\\'' > out.txt'`,
    ]);
  });

  it('adds --output/--error when the plan has a log directory', () => {
    const [one, arr] = render({ a: { image: 'a:1', command: 'x' }, b: { image: 'a:1', matrix: { v: [1, 2] }, command: 'x ${{ matrix.v }}' } }, {}, { logDir: '/global/logs/' });
    assert.match(one, /^#SBATCH --output=\/global\/logs\/a-%j\.out\n#SBATCH --error=\/global\/logs\/a-%j\.err$/m);
    assert.match(arr, /^#SBATCH --output=\/global\/logs\/b-%A_%a\.out\n#SBATCH --error=\/global\/logs\/b-%A_%a\.err$/m);
    const [rel] = render({ a: { image: 'a:1', command: 'x' } }, {}, { logDir: 'logs' });
    assert.match(rel, /^#SBATCH --output=logs\/a-%j\.out$/m);
  });

  it('writes the description as comments, control characters blanked', () => {
    const [s] = render({ j: { image: 'a:1', description: 'first line\nsecond\u001b[31m line\n', command: 'x' } });
    assert.ok(s.includes('\n# first line\n# second [31m line\n'));
    bashN(s);
  });

  it('refuses, with the job named, what it cannot write safely', () => {
    const refuse = (job: Workflow['jobs'][string], why: RegExp) =>
      assert.throws(() => render({ j: job }), (e: unknown) => e instanceof RenderError && /^job j: /.test(e.message) && why.test(e.message));
    refuse({ image: 'a:1', command: 'x \\' }, /line continuation/);
    refuse({ image: 'a:1', command: '   ' }, /empty command/);
    refuse({ image: 'a:1', matrix: { v: [1] }, command: 'echo `cat ${{ matrix.v }}`' }, /cannot tell how to quote/);
    refuse({ image: 'a:1', env: { A: 'a\u0000b' }, command: 'x' }, /NUL/);
    assert.doesNotThrow(() => render({ j: { image: 'a:1', command: 'echo x \\\\' } }));
  });
});
