// Hostile strings in everything a workflow author controls that reaches the script (env values,
// workdir, entrypoint, matrix values, volume paths) are rendered, run under bash with srun/shifter/
// sbatch replaced by argument-printing stand-ins, and must arrive intact, never run as shell.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { planWorkflow } from '../../runner/plan';
import { BUILTIN_PROFILES } from '../../runner/profiles/profile';
import { RenderError, renderJob, renderSubmitScript } from '../../runner/render';
import type { Workflow } from '../../runner/workflow/generated/schema-types';
import { validateText } from '../../runner/workflow/validate';
import { hostileStrings } from './hostile-corpus';
import { makeStubs, type Stubs } from './stubs';

const nersc = BUILTIN_PROFILES.nersc;

describe('render: hostile strings reach the programs intact', function () {
  this.timeout(120_000);
  let stubs: Stubs;
  let canary: string;
  let corpus: string[];
  before(() => {
    stubs = makeStubs();
    canary = join(stubs.dir, 'CANARY');
    corpus = hostileStrings(canary);
  });
  after(() => stubs.cleanup());
  beforeEach(() => stubs.reset());
  afterEach(() => assert.equal(existsSync(canary), false, 'a hostile string was run as shell'));

  it('env values, workdirs and entrypoints (foreground and background steps)', () => {
    const workflow: Workflow = {
      version: 1,
      name: 'hostile',
      env: { FROM_WORKFLOW: corpus[6] },
      jobs: {
        j: {
          image: 'docker:x:1',
          steps: corpus.map((h, k) => ({
            name: `s${k}`,
            background: k % 3 === 1,
            env: { V: h },
            workdir: h,
            entrypoint: h === '' ? true : h,
            command: `argv-dump s${k}`,
          })) as unknown as NonNullable<Workflow['jobs'][string]['steps']>,
        },
      },
    };
    const plan = planWorkflow(workflow, nersc);
    const script = renderJob(plan.jobs[0], plan);
    const r = stubs.run(script);
    assert.equal(r.status, 0, r.stderr);
    const calls = stubs.calls();
    corpus.forEach((h, k) => {
      const dump = calls.find((c) => c[0] === 'argv-dump' && c[1] === `s${k}`);
      assert.ok(dump, `step s${k} ran`);
      const shifter = calls.filter((c) => c[0] === 'shifter' && c.at(-1) === `s${k}`);
      assert.equal(shifter.length, 1, `one shifter call for s${k}`);
      const args = shifter[0];
      assert.ok(args.includes(`--env=FROM_WORKFLOW=${corpus[6]}`));
      assert.ok(args.includes(`--env=V=${h}`), `env of s${k}: ${JSON.stringify(h)}`);
      assert.ok(args.includes(`--workdir=${h}`), `workdir of s${k}`);
      assert.ok(args.includes(h === '' ? '--entrypoint' : `--entrypoint=${h}`), `entrypoint of s${k}`);
      const srun = calls.find((c) => c[0] === 'srun' && c.at(-1) === `s${k}`);
      assert.ok(srun);
      assert.equal(srun.includes('--overlap'), k % 3 === 1);
    });
  });

  it('matrix values in the command (bare, in "...", in \'...\'), env and workdir, for every array index', () => {
    const workflow: Workflow = {
      version: 1,
      name: 'hostile',
      jobs: {
        m: {
          image: 'docker:x:1',
          matrix: { v: corpus as [string, ...string[]], n: [1] },
          env: { M: 'pre ${{ matrix.v }} post' },
          workdir: '/w/${{ matrix.v }}',
          command: `argv-dump \${{ matrix.n }} \${{ matrix.v }} "dq:\${{ matrix.v }}" 'sq:\${{ matrix.v }}' mixed"\${{ matrix.v }}"'\${{ matrix.v }}'\${{ matrix.v }}`,
        },
      },
    };
    const plan = planWorkflow(workflow, nersc);
    const script = renderJob(plan.jobs[0], plan);
    assert.match(script, /^#SBATCH --array=0-\d+$/m);
    const loop = `for i in $(seq 0 ${corpus.length - 1}); do SLURM_ARRAY_TASK_ID=$i bash "$1" || exit 1; done`;
    const { writeFileSync } = require('node:fs') as typeof import('node:fs');
    const file = join(stubs.dir, 'matrix.sbatch');
    writeFileSync(file, script);
    const r = stubs.run(loop, {}, [file]);
    assert.equal(r.status, 0, r.stderr);
    const dumps = stubs.calls().filter((c) => c[0] === 'argv-dump');
    const shifters = stubs.calls().filter((c) => c[0] === 'shifter');
    assert.equal(dumps.length, corpus.length);
    corpus.forEach((h, i) => {
      assert.deepEqual(dumps[i].slice(1), ['1', h, `dq:${h}`, `sq:${h}`, `mixed${h}${h}${h}`], `index ${i}: ${JSON.stringify(h)}`);
      assert.ok(shifters[i].includes(`--env=M=pre ${h} post`));
      assert.ok(shifters[i].includes(`--workdir=/w/${h}`));
    });
  });

  it('through the validator: whatever it lets through from a file arrives intact', () => {
    let accepted = 0;
    for (const h of corpus) {
      // JSON is YAML: the file holds exactly h, whatever it contains.
      const file = JSON.stringify({
        version: 1,
        name: 'hostile',
        profile: 'slurm',
        volumes: { out: { source: '/global/out', target: '/output' } },
        jobs: {
          j: {
            image: 'docker:x:1',
            volumes: ['out'],
            workdir: `/output/${h}`,
            env: { V: h },
            matrix: { v: [h] },
            command: 'argv-dump ${{ matrix.v }} "dq:${{ matrix.v }}"',
          },
        },
      });
      const result = validateText(file, 'hostile.yaml');
      if (!result.workflow) continue;
      accepted++;
      stubs.reset();
      const plan = planWorkflow(result.workflow, result.profile);
      const r = stubs.run(renderJob(plan.jobs[0], plan), { SLURM_ARRAY_TASK_ID: '0' });
      assert.equal(r.status, 0, r.stderr);
      const calls = stubs.calls();
      assert.deepEqual(calls.find((c) => c[0] === 'argv-dump'), ['argv-dump', h, `dq:${h}`], JSON.stringify(h));
      const shifter = calls.find((c) => c[0] === 'shifter');
      assert.ok(shifter?.includes(`--env=V=${h}`) && shifter.includes(`--workdir=/output/${h}`), JSON.stringify(h));
    }
    assert.ok(accepted > 0, 'the validator lets some hostile strings through');
  });

  it('an array task outside the matrix exits 2 without running anything', () => {
    const plan = planWorkflow({ version: 1, name: 'w', jobs: { m: { image: 'docker:x:1', matrix: { v: ['a', 'b'] }, command: 'argv-dump ${{ matrix.v }}' } } }, nersc);
    const r = stubs.run(renderJob(plan.jobs[0], plan), { SLURM_ARRAY_TASK_ID: '7' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /array task 7 is not one of job m's 0-1/);
    assert.deepEqual(stubs.calls(), []);
  });

  it('volume paths: refused unless every character reaches #SBATCH --volume literally', () => {
    let emitted = 0;
    for (const h of [...corpus, '/global/a+b/c-d_e.f', '/global/x:y', '/global/$SCRATCH/x', '/global/x y']) {
      const workflow: Workflow = {
        version: 1,
        name: 'w',
        volumes: { a: { source: h, target: '/in', readOnly: true }, b: { source: '/global/s', target: h } },
        jobs: { j: { image: 'docker:x:1', volumes: ['a', 'b'], command: 'argv-dump ok' } },
      };
      const plan = planWorkflow(workflow, nersc);
      let script: string;
      try {
        script = renderJob(plan.jobs[0], plan);
      } catch (err) {
        assert.ok(err instanceof RenderError, String(err));
        continue;
      }
      emitted++;
      const line = script.split('\n').find((l) => l.startsWith('#SBATCH --volume='));
      assert.equal(line, `#SBATCH --volume="${h}:/in:ro;/global/s:${h}"`);
      assert.match(h, /^\/[A-Za-z0-9_.+\/-]+$/);
      const r = stubs.run(script);
      assert.equal(r.status, 0, r.stderr);
    }
    assert.equal(emitted, 2, 'the paths the validator allows are rendered (/global/a+b/c-d_e.f and the canary path)');
  });

  it('log directories with spaces, quotes or $ are refused', () => {
    for (const logDir of ['/x y', '/x/$HOME', "/x'y", '/x/%j']) {
      const plan = planWorkflow({ version: 1, name: 'w', jobs: { j: { image: 'docker:x:1', command: 'x' } } }, nersc, { logDir });
      assert.throws(() => renderJob(plan.jobs[0], plan), RenderError, logDir);
    }
  });

  it('submit.sh passes the captured job ids to --dependency', () => {
    const plan = planWorkflow(
      {
        version: 1,
        name: 'w',
        images: { a: { ref: 'docker:x:1', users: ['alice'] } },
        jobs: { p: { image: 'a', command: 'x' }, q: { image: 'a', command: 'x' }, r: { image: 'a', needs: ['p', 'q'], command: 'x' } },
      },
      nersc,
    );
    const r = stubs.run(renderSubmitScript(plan));
    assert.equal(r.status, 0, r.stderr);
    const calls = stubs.calls();
    assert.deepEqual(calls[0], ['shifterimg', 'lookup', 'docker:x:1']);
    const sbatch = calls.filter((c) => c[0] === 'sbatch');
    assert.deepEqual(sbatch.map((c) => c.slice(1, -1)), [
      ['--parsable', '--kill-on-invalid-dep=yes'],
      ['--parsable', '--kill-on-invalid-dep=yes'],
      ['--parsable', '--kill-on-invalid-dep=yes', '--dependency=afterok:1001:1002'],
    ]);
    assert.deepEqual(sbatch.map((c) => c.at(-1)), ['p', 'q', 'r'].map((k) => join(stubs.dir, `${k}.sbatch`)));
    assert.match(r.stdout, /submitted w\.r as job 1003/);

    stubs.reset();
    const refused = stubs.run(renderSubmitScript(plan), { SF_STUB_SHIFTERIMG_STATUS: '1' });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /docker:x:1 is not READY; pull it first: shifterimg --user=alice pull docker:x:1/);
    assert.equal(stubs.calls().filter((c) => c[0] === 'sbatch').length, 0);
  });
});
