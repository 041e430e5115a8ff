import assert from 'node:assert/strict';
import { BUILTIN_PROFILES, type Profile } from '../../runner/profiles/profile';
import type { Workflow } from '../../runner/workflow/generated/schema-types';
import { PlanError, cacheKey, expandMatrix, planWorkflow, topologicalOrder } from '../../runner/plan';
import { renderJob } from '../../runner/render';

const nersc: Profile = BUILTIN_PROFILES.nersc;

function wf(jobs: Workflow['jobs'], extra: Partial<Workflow> = {}): Workflow {
  return { version: 1, name: 'w', ...extra, jobs };
}

describe('plan: DAG order', () => {
  it('puts every job after the jobs it needs, otherwise in file order', () => {
    const plan = planWorkflow(
      wf({
        report: { image: 'a:1', needs: ['analyze', 'prepare'], command: 'r' },
        analyze: { image: 'a:1', needs: ['prepare'], command: 'a' },
        prepare: { image: 'a:1', command: 'p' },
        lone: { image: 'a:1', command: 'l' },
      }),
      nersc,
    );
    assert.deepEqual(plan.jobs.map((j) => j.key), ['prepare', 'analyze', 'report', 'lone']);
    assert.deepEqual(plan.jobs[2].needs, ['analyze', 'prepare']);
  });

  it('is stable: the same file gives the same order every time', () => {
    const nodes = ['e', 'd', 'c', 'b', 'a'].map((name, i, all) => ({ name, needs: i === 0 ? [] : [all[0]] }));
    const once = topologicalOrder(nodes);
    assert.deepEqual(once, ['e', 'd', 'c', 'b', 'a']);
    for (let k = 0; k < 5; k++) assert.deepEqual(topologicalOrder(nodes), once);
  });

  it('refuses cycles and unknown needs with a PlanError', () => {
    assert.throws(() => topologicalOrder([{ name: 'a', needs: ['b'] }, { name: 'b', needs: ['a'] }]), (e: unknown) => e instanceof PlanError && /a, b form a cycle/.test(e.message));
    assert.throws(() => topologicalOrder([{ name: 'a', needs: ['zz'] }]), /needs zz, which is not a job/);
    assert.throws(() => topologicalOrder([{ name: 'a', needs: ['a'] }]), /needs itself/);
  });
});

describe('plan: defaults', () => {
  it('merges defaults into each job, the job winning', () => {
    const plan = planWorkflow(
      wf(
        {
          a: { command: 'x' },
          b: { command: 'y', qos: 'debug', exclusive: false, nodes: 3, image: 'other:2', modules: ['none'], time: '00:05:00' },
        },
        { defaults: { qos: 'regular', account: 'm1', partition: 'p', constraint: 'cpu', time: '01:00:00', mem: '4G', exclusive: true, nodes: 2, image: 'base:1', modules: ['gpu'], retry: { attempts: 2 } } },
      ),
      nersc,
    );
    const [a, b] = plan.jobs;
    assert.deepEqual(a.slurm, { qos: 'regular', account: 'm1', partition: 'p', constraint: 'cpu', time: '01:00:00', mem: '4G', exclusive: true, nodes: 2 });
    assert.equal(a.image.ref, 'docker:base:1');
    assert.deepEqual(a.modules, ['gpu']);
    assert.deepEqual(a.retry, { attempts: 2, on: ['NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL'] });
    assert.deepEqual(b.slurm, { qos: 'debug', account: 'm1', partition: 'p', constraint: 'cpu', time: '00:05:00', mem: '4G', exclusive: false, nodes: 3 });
    assert.equal(b.image.ref, 'docker:other:2');
    assert.deepEqual(b.modules, ['none']);
  });

  it('layers env: workflow < defaults < job < step, keeping first positions', () => {
    const plan = planWorkflow(
      wf(
        {
          j: {
            image: 'a:1',
            env: { B: 'job', C: 3 },
            steps: [{ name: 's', command: 'x', env: { C: 'step', D: true } }, { command: 'y' }],
          },
        },
        { env: { A: 'wf', B: 'wf', C: 'wf' }, defaults: { env: { B: 'defaults' } } },
      ),
      nersc,
    );
    const [s, t] = plan.jobs[0].steps;
    assert.deepEqual(s.env, [['A', 'wf'], ['B', 'job'], ['C', 'step'], ['D', 'true']]);
    assert.deepEqual(t.env, [['A', 'wf'], ['B', 'job'], ['C', '3']]);
    assert.equal(t.name, 'step2');
  });
});

describe('plan: images', () => {
  it('refuses, as a PlanError, a reference Shifter would pull under another name', () => {
    // The normal form is runner/images/image-ref.ts (test/images/parsers.test.ts); the planner only
    // turns its refusal into the error type the planner's callers handle.
    const digest = `ubuntu@sha256:${'a'.repeat(64)}`;
    assert.throws(() => planWorkflow(wf({ j: { image: digest, command: 'x' } }), nersc), (e: unknown) => e instanceof PlanError && /digest/.test(e.message));
    assert.throws(() => planWorkflow(wf({ j: { image: 'a', command: 'x' } }, { images: { a: 'custom:a/b' } }), nersc), (e: unknown) => e instanceof PlanError && /"\/"/.test(e.message));
  });

  it('resolves aliases with their ACL and MPI kind, and lists each reference once for pulling', () => {
    const plan = planWorkflow(
      wf(
        {
          prepare: { image: 'wf', command: 'p' },
          simulate: {
            image: 'docker:myorg/workflow:1.2',
            steps: [{ image: 'mgr', command: 'm', background: true }, { command: 'w' }],
          },
          other: { image: 'ubuntu', command: 'o' },
        },
        { images: { wf: { ref: 'myorg/workflow:1.2', users: ['alice'], mpi: 'mpich' }, mgr: 'docker:myorg/workflow_manager', unused: 'nothing:1' } },
      ),
      nersc,
    );
    assert.deepEqual(plan.images.map((i) => i.ref), ['docker:myorg/workflow:1.2', 'docker:myorg/workflow_manager:latest', 'docker:ubuntu:latest']);
    assert.deepEqual(plan.images[0], { ref: 'docker:myorg/workflow:1.2', alias: 'wf', users: ['alice'], groups: [], mpi: 'mpich' });
    assert.deepEqual(plan.jobs[1].images, ['docker:myorg/workflow:1.2', 'docker:myorg/workflow_manager:latest']);
    assert.equal(plan.jobs[1].steps[0].image.alias, 'mgr');
  });

  it('takes the first step image as the job image when neither the job nor defaults name one', () => {
    const plan = planWorkflow(wf({ j: { steps: [{ command: 'a' }, { image: 'x:1', command: 'b' }, { image: 'y:1', command: 'c' }] } }), nersc);
    assert.equal(plan.jobs[0].image.ref, 'docker:x:1');
    assert.equal(plan.jobs[0].steps[0].image.ref, 'docker:x:1');
    assert.throws(() => planWorkflow(wf({ j: { command: 'a' } }), nersc), /has no image/);
  });
});

describe('plan: steps and task counts', () => {
  it('turns a command into one step named main with the job counts', () => {
    const plan = planWorkflow(wf({ j: { image: 'a:1', nodes: 2, tasks: 64, command: 'python hello.py ' } }), nersc);
    const j = plan.jobs[0];
    assert.equal(j.steps.length, 1);
    assert.deepEqual({ name: j.steps[0].name, nodes: j.steps[0].nodes, tasks: j.steps[0].tasks, launch: j.steps[0].launch, command: j.steps[0].command }, { name: 'main', nodes: 2, tasks: 64, launch: 'srun', command: 'python hello.py' });
    assert.deepEqual(j.slurm, { exclusive: false, nodes: 2, ntasksPerNode: 32 });
  });

  it('computes the manager/worker counts of NERSC guide (128 nodes x 32 tasks, manager 1 task)', () => {
    const plan = planWorkflow(
      wf({
        sim: {
          image: 'w:1',
          nodes: 128,
          steps: [
            { name: 'manager', image: 'm:1', nodes: 1, tasks: 1, command: 'workflow_man.sh', background: true },
            { name: 'workers', nodes: 128, tasksPerNode: 32, command: 'worker.sh' },
          ],
        },
      }),
      nersc,
    );
    const j = plan.jobs[0];
    assert.deepEqual(j.steps.map((s) => [s.name, s.nodes, s.tasks, s.background]), [['manager', 1, 1, true], ['workers', 128, 4096, false]]);
    assert.equal(j.nodes, 128);
    assert.equal(j.slurm.ntasksPerNode, 32);
  });

  it('defaults tasks to one per node, never more nodes than tasks, nodes from tasks/tasksPerNode', () => {
    const j = (job: Workflow['jobs'][string]) => planWorkflow(wf({ j: job }), nersc).jobs[0];
    assert.deepEqual([j({ image: 'a:1', nodes: 3, command: 'x' }).steps[0].nodes, j({ image: 'a:1', nodes: 3, command: 'x' }).steps[0].tasks], [3, 3]);
    assert.equal(j({ image: 'a:1', nodes: 3, tasks: 2, command: 'x' }).steps[0].nodes, 2);
    const derived = j({ image: 'a:1', tasks: 64, tasksPerNode: 32, command: 'x' });
    assert.deepEqual([derived.nodes, derived.slurm.nodes, derived.steps[0].tasks], [2, 2, 64]);
    const one = j({ image: 'a:1', command: 'x' });
    assert.deepEqual([one.slurm.nodes, one.slurm.ntasksPerNode, one.steps[0].nodes, one.steps[0].tasks], [undefined, undefined, 1, 1]);
    const cpus = j({ image: 'a:1', steps: [{ command: 'a', cpusPerTask: 4 }, { command: 'b', cpusPerTask: 2 }] });
    assert.equal(cpus.slurm.cpusPerTask, 4);
  });

  it('runs a serial step on a shared qos without srun, and only then', () => {
    const launch = (job: Workflow['jobs'][string], profile = nersc) => planWorkflow(wf({ j: job }), profile).jobs[0].steps[0].launch;
    assert.equal(launch({ image: 'a:1', qos: 'shared', command: 'x' }), 'direct');
    assert.equal(launch({ image: 'a:1', qos: 'regular', command: 'x' }), 'srun');
    assert.equal(launch({ image: 'a:1', qos: 'shared', tasks: 2, command: 'x' }), 'srun');
    assert.equal(launch({ image: 'a:1', qos: 'shared', mpi: true, command: 'x' }), 'srun');
    assert.equal(launch({ image: 'a:1', qos: 'shared', command: 'x' }, { ...nersc, sharedQos: ['other'] }), 'srun');
  });

  it('gives MPI steps the plugin and the site MPI module unless the image brings its own MPI', () => {
    const plan = planWorkflow(
      wf(
        {
          a: { image: 'mp', mpi: true, command: 'x' },
          b: { image: 'own', mpi: 'pmix', command: 'x' },
          c: { image: 'mp', modules: ['none'], steps: [{ command: 'x', mpi: true }, { command: 'y' }] },
        },
        { images: { mp: { ref: 'mp:1', mpi: 'mpich' }, own: { ref: 'own:1', mpi: 'own' } } },
      ),
      nersc,
    );
    const [a, b, c] = plan.jobs;
    assert.deepEqual([a.modules, a.steps[0].mpi, a.steps[0].modules], [['mpich'], 'pmi2', ['mpich']]);
    assert.deepEqual([b.modules, b.steps[0].mpi], [[], 'pmix']);
    assert.deepEqual([c.modules, c.steps[0].modules, c.steps[1].modules], [['none'], ['mpich'], ['none']]);
    const local = planWorkflow(wf({ a: { image: 'x:1', mpi: true, command: 'x' } }), BUILTIN_PROFILES.local).jobs[0];
    assert.deepEqual([local.modules, local.steps[0].mpi], [[], 'pmi2']);
  });

  it('resolves volumes in the order the job lists them, read-only sources as inputs', () => {
    const plan = planWorkflow(
      wf(
        { j: { image: 'a:1', volumes: ['scratch', 'data'], command: 'x' } },
        { volumes: { data: { source: '/global/d', target: '/d', readOnly: true }, scratch: { source: '/global/s', target: '/tmp', perNodeCache: { size: '1G' } } } },
      ),
      nersc,
    );
    const j = plan.jobs[0];
    assert.deepEqual(j.volumes, [
      { name: 'scratch', source: '/global/s', target: '/tmp', readOnly: false, perNodeCache: { size: '1G' } },
      { name: 'data', source: '/global/d', target: '/d', readOnly: true },
    ]);
    assert.deepEqual(j.inputs, ['/global/d']);
    assert.throws(() => planWorkflow(wf({ j: { image: 'a:1', volumes: ['nope'], command: 'x' } }), nersc), /volume nope/);
  });

  it('names the Slurm job <workflow>.<job>', () => {
    assert.equal(planWorkflow(wf({ 'my-job': { image: 'a:1', command: 'x' } }, { name: 'tomo' }), nersc).jobs[0].slurmName, 'tomo.my-job');
  });
});

describe('plan: matrix', () => {
  it('expands the cartesian product, keys in file order, the first key slowest', () => {
    const array = expandMatrix({ sample: ['a', 'b'], n: [1, 2, 3] }, 2);
    assert.equal(array.size, 6);
    assert.deepEqual(array.keys, ['sample', 'n']);
    assert.deepEqual(array.values, [
      { sample: 'a', n: 1 }, { sample: 'a', n: 2 }, { sample: 'a', n: 3 },
      { sample: 'b', n: 1 }, { sample: 'b', n: 2 }, { sample: 'b', n: 3 },
    ]);
    assert.equal(array.maxParallel, 2);
  });

  it('makes a matrix job ONE job array and checks its placeholders', () => {
    const plan = planWorkflow(wf({ m: { image: 'a:1', matrix: { s: ['x', 'y', 'z'] }, command: 'run ${{ matrix.s }}' } }), nersc);
    assert.equal(plan.jobs.length, 1);
    assert.equal(plan.jobs[0].array?.size, 3);
    assert.throws(() => planWorkflow(wf({ m: { image: 'a:1', matrix: { s: ['x'] }, command: 'run ${{ matrix.t }}' } }), nersc), /names no key/);
    assert.throws(() => planWorkflow(wf({ m: { image: 'a:1', command: 'run ${{matrix.t}}' } }), nersc), /without a matrix/);
  });
});

describe('plan: cache key', () => {
  const plan = () =>
    planWorkflow(
      wf({ j: { image: 'a:1', volumes: ['d'], command: 'x' } }, { volumes: { d: { source: '/global/d', target: '/d', readOnly: true } } }),
      nersc,
    );

  it('is a stable sha256 of the script, the images and the inputs', () => {
    const p = plan();
    const script = renderJob(p.jobs[0], p);
    const key = cacheKey(p.jobs[0], script);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(cacheKey(plan().jobs[0], renderJob(plan().jobs[0], plan())), key);
    // Pinned on purpose: if this changes, every stored run loses its cache (bump KEY_VERSION knowingly).
    assert.equal(cacheKey({ ...p.jobs[0], images: ['docker:a:1'], inputs: ['/global/d'] }, 'echo\n'), '60744c21fb2ae969af7337f768b3bb05621239109924678c1da26554058dd578');
    // Order of images and inputs does not matter.
    assert.equal(cacheKey({ ...p.jobs[0], images: ['b', 'a'], inputs: ['y', 'x'] }, 's'), cacheKey({ ...p.jobs[0], images: ['a', 'b'], inputs: ['x', 'y'] }, 's'));
  });

  it('changes with the script, an image or an input, and ignores the log file lines', () => {
    const p = plan();
    const job = p.jobs[0];
    const script = renderJob(job, p);
    const key = cacheKey(job, script);
    assert.notEqual(cacheKey(job, script.replace('shifter x', 'shifter y')), key);
    assert.notEqual(cacheKey({ ...job, images: ['docker:a:2'] }, script), key);
    assert.notEqual(cacheKey({ ...job, inputs: ['/global/e'] }, script), key);
    const withLogs = planWorkflow(wf({ j: { image: 'a:1', volumes: ['d'], command: 'x' } }, { volumes: { d: { source: '/global/d', target: '/d', readOnly: true } } }), nersc, { logDir: '/run/1/logs' });
    const logged = renderJob(withLogs.jobs[0], withLogs);
    assert.match(logged, /#SBATCH --output=\/run\/1\/logs\/j-%j\.out/);
    assert.equal(cacheKey(withLogs.jobs[0], logged), key);
  });
});
