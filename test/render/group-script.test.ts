// renderGroup: one sbatch script running a group's jobs one after another, read as text (the
// allocation it asks for, the jobs in order, each job's own logs) and run under bash with the
// srun/shifter stand-ins (stubs.ts): what runs, in which order, what it leaves beside the logs, and
// where a failing job stops the group.

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { planWorkflow } from '../../runner/plan';
import type { Plan } from '../../runner/plan/types';
import { BUILTIN_PROFILES } from '../../runner/profiles/profile';
import { RenderError, renderGroup, renderJob } from '../../runner/render';
import type { Job, Workflow } from '../../runner/workflow/generated/schema-types';
import { makeStubs, type Stubs } from './stubs';

const nersc = BUILTIN_PROFILES.nersc;

/** A chain a -> b -> c (or the jobs given) in group g, after `prep` and before `after` outside it. */
function groupPlan(jobs: Record<string, Job> = {}, defaults: Workflow['defaults'] = {}): Plan {
  const wf: Workflow = {
    version: 1,
    name: 'wf',
    defaults: { image: 'docker:x:1', account: 'm1', qos: 'regular', time: '00:10:00', ...defaults },
    jobs: {
      prep: { qos: 'shared', command: 'prep' },
      a: { needs: ['prep'], group: 'g', command: 'echo a' },
      b: { needs: ['a'], group: 'g', time: '01:00:00', command: 'echo b' },
      c: { needs: ['b'], group: 'g', command: 'echo c' },
      after: { needs: ['c'], qos: 'shared', command: 'after' },
      ...jobs,
    },
  };
  return planWorkflow(wf, nersc);
}

function render(plan: Plan): string {
  return renderGroup(plan.groups[0], plan);
}

describe('render: group script (text)', () => {
  it('asks for one allocation named after the group, for the sum of the times, with the jobs\' common lines', () => {
    const text = render(groupPlan());
    const sbatch = text.split('\n').filter((l) => l.startsWith('#SBATCH'));
    assert.deepEqual(sbatch, ['#SBATCH --job-name=wf.g', '#SBATCH --image=docker:x:1', '#SBATCH --qos=regular', '#SBATCH --account=m1', '#SBATCH --time=01:20:00']);
    assert.equal(text.split('\n')[0], '#!/bin/bash');
    const lines = text.split('\n');
    const firstCommand = lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#'));
    assert.ok(lines.slice(firstCommand).every((l) => !l.startsWith('#SBATCH')), 'every #SBATCH line before the first command');
  });

  it('sums across a day', () => {
    const text = render(groupPlan({ b: { needs: ['a'], group: 'g', time: '1-00:00:00', command: 'echo b' } }));
    assert.match(text, /^#SBATCH --time=1-00:20:00$/m);
  });

  it('asks for no time when one of the jobs has none (the partition default is the only bound)', () => {
    const text = render(groupPlan({ b: { needs: ['a'], group: 'g', command: 'echo b' } }, { time: undefined }));
    assert.doesNotMatch(text, /--time/);
    // Each job on its own still has the time it asks for; only the group has none.
    const p = groupPlan({ b: { needs: ['a'], group: 'g', command: 'echo b' }, a: { needs: ['prep'], group: 'g', time: '00:05:00', command: 'echo a' } }, { time: undefined });
    assert.doesNotMatch(render(p), /--time/);
    assert.match(renderJob(p.jobs.find((j) => j.key === 'a')!, p), /^#SBATCH --time=00:05:00$/m);
  });

  it('runs the jobs in chain order, each from its index on, in a subshell writing its own logs', () => {
    const text = render(groupPlan());
    const blocks = ['a', 'b', 'c'].map((job, i) =>
      [
        `# job ${job} (${i + 1} of 3)`,
        `if [ "$sf_from" -le ${i} ]; then`,
        `  sf_begin ${job}`,
        '  (',
        `srun -N 1 -n 1 shifter echo ${job}`,
        `  ) >"$sf_logs"/${job}."$sf_attempt".out 2>"$sf_logs"/${job}."$sf_attempt".err`,
        `  sf_end ${job} $?`,
        'fi',
      ].join('\n'),
    );
    let at = 0;
    for (const block of blocks) {
      const i = text.indexOf(block, at);
      assert.ok(i >= 0, `missing, or out of order:\n${block}\n--- in ---\n${text}`);
      at = i + block.length;
    }
    assert.match(text, /^sf_from=\$\{1:-0\}\nsf_attempt=\$\{2:-1\}\nsf_logs=\$\{3:-\.\}$/m);
    assert.doesNotMatch(text, /shifter (prep|after)$|^# job (prep|after)|sf_begin (prep|after)/m, 'jobs outside the group are not in its script');
  });

  it('quotes a job name the shell would read otherwise', () => {
    // Job names are letters, digits, _ . -; a leading letter keeps them out of option territory.
    const p = planWorkflow({ version: 1, name: 'wf', defaults: { image: 'docker:x:1' }, jobs: { 'x.1': { group: 'g', command: 'true' }, 'y-2': { needs: ['x.1'], group: 'g', command: 'true' } } }, nersc);
    const text = render(p);
    assert.match(text, /"\$sf_logs"\/x\.1\."\$sf_attempt"\.out/);
    assert.match(text, /sf_end y-2 \$\?/);
  });

  it('refuses jobs with different images, naming both jobs and the differing lines', () => {
    const p = groupPlan({ b: { needs: ['a'], group: 'g', image: 'docker:other:2', command: 'echo b' } });
    assert.throws(
      () => render(p),
      (e: unknown) =>
        e instanceof RenderError &&
        e.message.startsWith('group g: jobs a and b share the group\'s allocation but ask for different #SBATCH options (') &&
        e.message.includes('#SBATCH --image=docker:other:2') &&
        e.message.includes('#SBATCH --image=docker:x:1') &&
        /take b out of the group$/.test(e.message),
    );
  });

  it('refuses jobs with different volumes, naming both jobs', () => {
    const wf: Workflow = {
      version: 1,
      name: 'wf',
      defaults: { image: 'docker:x:1' },
      volumes: { data: { source: '/global/data', target: '/data' }, out: { source: '/global/out', target: '/out' } },
      jobs: {
        a: { group: 'g', volumes: ['data'], command: 'x' },
        b: { needs: ['a'], group: 'g', volumes: ['data'], command: 'x' },
        c: { needs: ['b'], group: 'g', volumes: ['data', 'out'], command: 'x' },
      },
    };
    const p = planWorkflow(wf, nersc);
    assert.throws(() => render(p), (e: unknown) => e instanceof RenderError && /^group g: jobs a and c share .*--volume=/.test(e.message));
  });

  it('refuses jobs with different Slurm options (nodes), but not different times', () => {
    assert.throws(() => render(groupPlan({ c: { needs: ['b'], group: 'g', nodes: 2, command: 'echo c' } })), (e: unknown) => e instanceof RenderError && /jobs a and c share/.test(e.message) && /--nodes=2/.test(e.message));
    assert.doesNotThrow(() => render(groupPlan({ c: { needs: ['b'], group: 'g', time: '00:01:00', command: 'echo c' } })));
  });
});

describe('render: group script under bash', function () {
  this.timeout(60_000);
  let stubs: Stubs;
  let logs: string;
  before(() => (stubs = makeStubs()));
  after(() => stubs.cleanup());
  beforeEach(() => {
    stubs.reset();
    rmSync(join(stubs.dir, 'order'), { force: true });
    logs = mkdtempSync(join(tmpdir(), 'sf-group-logs-'));
  });
  afterEach(() => rmSync(logs, { recursive: true, force: true }));

  /** Each job appends its name to `order` in the working directory and prints to stdout and stderr. */
  const job = (name: string, needs: string[], tail = '') => ({ needs, group: 'g', command: `sh -c 'echo ${name} >> order; echo out-${name}; echo err-${name} >&2${tail}'` });
  const chain = (c: Partial<Record<'a' | 'b' | 'c', string>> = {}) => render(groupPlan({ a: job('a', ['prep'], c.a), b: job('b', ['a'], c.b), c: job('c', ['b'], c.c) }));
  const read = (f: string) => readFileSync(join(logs, f), 'utf8');
  const order = () => (existsSync(join(stubs.dir, 'order')) ? readFileSync(join(stubs.dir, 'order'), 'utf8').trim().split('\n') : []);

  it('runs every job in order; each writes its own logs, a start marker and an end marker "STATUS SECONDS"', () => {
    const t0 = Math.floor(Date.now() / 1000);
    const r = stubs.run(chain(), {}, ['0', '1', logs]);
    const t1 = Math.ceil(Date.now() / 1000);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(order(), ['a', 'b', 'c']);
    assert.equal(r.stdout, '', 'the jobs\' output goes to their own logs, not the group\'s');
    for (const j of ['a', 'b', 'c']) {
      assert.equal(read(`${j}.1.out`), `out-${j}\n`);
      assert.equal(read(`${j}.1.err`), `err-${j}\n`);
      const started = Number(read(`${j}.1.started`));
      const [status, ended] = read(`${j}.1.ended`).trim().split(' ').map(Number);
      assert.equal(status, 0);
      assert.ok(t0 <= started && started <= ended && ended <= t1, `${j}: ${started} ${ended} within ${t0}..${t1}`);
    }
    assert.deepEqual(readdirSync(logs).filter((f) => f.endsWith('.tmp')), [], 'no marker left half written');
    // Each job went through srun and shifter, as in its own script.
    assert.deepEqual(stubs.calls().filter((c) => c[0] === 'srun').map((c) => c.slice(1, 5)), ['a', 'b', 'c'].map(() => ['-N', '1', '-n', '1']));
    assert.equal(stubs.calls().filter((c) => c[0] === 'shifter').length, 3);
  });

  it('without arguments: every job, attempt 1, logs in the working directory (as submit.sh runs it)', () => {
    const r = stubs.run(chain());
    assert.equal(r.status, 0, r.stderr);
    for (const j of ['a', 'b', 'c']) {
      assert.equal(readFileSync(join(stubs.dir, `${j}.1.out`), 'utf8'), `out-${j}\n`);
      assert.match(readFileSync(join(stubs.dir, `${j}.1.ended`), 'utf8'), /^0 \d+\n$/);
    }
  });

  it('a job that exits 3 stops the group: the script exits 3 and the jobs after it leave no marker and no log', () => {
    const r = stubs.run(chain({ b: '; exit 3' }), {}, ['0', '1', logs]);
    assert.equal(r.status, 3, r.stderr);
    assert.deepEqual(order(), ['a', 'b']);
    assert.match(read('a.1.ended'), /^0 \d+\n$/);
    assert.match(read('b.1.ended'), /^3 \d+\n$/);
    assert.equal(read('b.1.out'), 'out-b\n', 'the failed job\'s output is in its log');
    assert.deepEqual(readdirSync(logs).filter((f) => f.startsWith('c.')), []);
  });

  it('a job of several steps whose first step fails ends there, with its status, and stops the group', () => {
    const p = groupPlan({
      b: { needs: ['a'], group: 'g', steps: [{ name: 'one', command: "sh -c 'echo b1 >> order; exit 4'" }, { name: 'two', command: "sh -c 'echo b2 >> order'" }] },
      a: job('a', ['prep']),
      c: job('c', ['b']),
    });
    const r = stubs.run(render(p), {}, ['0', '1', logs]);
    assert.equal(r.status, 4, r.stderr);
    assert.deepEqual(order(), ['a', 'b1']);
    assert.match(read('b.1.ended'), /^4 \d+\n$/);
    assert.match(read('b.1.err'), /step one failed with exit status 4/, 'the step helpers report into the job\'s own log');
    assert.ok(!existsSync(join(logs, 'c.1.started')));
  });

  it('with arguments "1 2 DIR": runs from the second job on, its files named <job>.2.*', () => {
    const r = stubs.run(chain(), {}, ['1', '2', logs]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(order(), ['b', 'c']);
    assert.deepEqual(readdirSync(logs).sort(), ['b.2.ended', 'b.2.err', 'b.2.out', 'b.2.started', 'c.2.ended', 'c.2.err', 'c.2.out', 'c.2.started']);
  });

  it('from the last job: only it runs', () => {
    const r = stubs.run(chain(), {}, ['2', '5', logs]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(order(), ['c']);
    assert.equal(read('c.5.out'), 'out-c\n');
  });

  it('a log directory it cannot write to fails the group (the run then finds no end marker)', () => {
    const r = stubs.run(chain(), {}, ['0', '1', join(logs, 'missing')]);
    assert.notEqual(r.status, 0);
    assert.deepEqual(order(), [], 'a job whose log cannot be opened does not run');
  });
});
