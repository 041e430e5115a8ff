// What the rendered scripts DO, run under bash with srun/shifter stand-ins: the exit status is the
// job's state in Slurm, so every failed step must make the script fail; background steps are waited
// for, or killed when a foreground step fails.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { planWorkflow } from '../../runner/plan';
import { BUILTIN_PROFILES } from '../../runner/profiles/profile';
import { renderJob } from '../../runner/render';
import type { Job, Step } from '../../runner/workflow/generated/schema-types';
import { makeStubs, type Stubs } from './stubs';

const nersc = BUILTIN_PROFILES.nersc;

function script(job: Job): string {
  const plan = planWorkflow({ version: 1, name: 'w', jobs: { j: { image: 'docker:x:1', ...job } } }, nersc);
  return renderJob(plan.jobs[0], plan);
}

function steps(...s: Step[]): [Step, ...Step[]] {
  return s as [Step, ...Step[]];
}

describe('render: script behaviour under bash', function () {
  this.timeout(60_000);
  let stubs: Stubs;
  before(() => (stubs = makeStubs()));
  after(() => stubs.cleanup());
  beforeEach(() => stubs.reset());

  it('a single step: the script exits with its status', () => {
    assert.equal(stubs.run(script({ command: 'true' })).status, 0);
    assert.equal(stubs.run(script({ command: 'sh -c "exit 7"' })).status, 7);
    assert.equal(stubs.run(script({ qos: 'shared', command: 'sh -c "exit 5"' })).status, 5);
    assert.deepEqual(stubs.calls().filter((c) => c[0] === 'srun').length, 2, 'no srun for the shared serial job');
  });

  it('manager/worker: waits for the background manager and succeeds when both do', () => {
    const done = join(stubs.dir, 'manager-done');
    const r = stubs.run(script({ steps: steps({ name: 'manager', command: `sh -c 'sleep 1; touch ${done}'`, background: true }, { name: 'workers', command: 'true' }) }));
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(done), 'the script waited for the background step');
  });

  it('a failed background step fails the script after the others finish', () => {
    const r = stubs.run(script({ steps: steps({ name: 'manager', command: 'sh -c "exit 3"', background: true }, { name: 'workers', command: 'sleep 0.2' }) }));
    assert.equal(r.status, 3);
    assert.match(r.stderr, /step manager failed with exit status 3/);
  });

  it('a failed foreground step stops the script at once and kills the background steps', () => {
    const late = join(stubs.dir, 'late');
    const r = stubs.run(
      script({
        steps: steps(
          { name: 'manager', command: `sh -c 'sleep 20; touch ${late}'`, background: true },
          { name: 'simple', command: 'sleep 20', background: true },
          { name: 'compound', command: `sleep 20; touch ${late}`, background: true },
          { name: 'workers', command: 'sh -c "exit 4"' },
          { name: 'never', command: `touch ${late}` },
        ),
      }),
    );
    assert.equal(r.status, 4);
    assert.match(r.stderr, /step workers failed with exit status 4/);
    assert.ok(r.ms < 10_000, `took ${r.ms} ms: the background step was not killed`);
    assert.equal(existsSync(late), false);
  });

  it('a compound background command goes to the background whole', () => {
    const a = join(stubs.dir, 'a');
    const r = stubs.run(script({ steps: steps({ name: 'bg', command: `sleep 0.3 && touch ${a} # done`, background: true }, { name: 'fg', command: `test ! -e ${a}` }) }));
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(a));
  });

  it('the status of a matrix step comes out of its case', () => {
    const s = script({ matrix: { code: [0, 6] }, command: 'sh -c "exit ${{ matrix.code }}"' });
    assert.equal(stubs.run(s, { SLURM_ARRAY_TASK_ID: '0' }).status, 0);
    assert.equal(stubs.run(s, { SLURM_ARRAY_TASK_ID: '1' }).status, 6);
    const multi = script({ matrix: { code: [0, 6] }, steps: steps({ name: 'a', command: 'sh -c "exit ${{ matrix.code }}"' }, { name: 'b', command: 'true' }) });
    assert.equal(stubs.run(multi, { SLURM_ARRAY_TASK_ID: '1' }).status, 6);
    assert.equal(stubs.run(multi, { SLURM_ARRAY_TASK_ID: '0' }).status, 0);
  });

  it("a user command's unset variables and failing pipelines behave as in a plain script", () => {
    const r = stubs.run(script({ steps: steps({ name: 'a', command: 'argv-dump "[$SF_SURELY_UNSET]"' }, { name: 'b', command: 'false | true' }) }));
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(stubs.calls().find((c) => c[0] === 'argv-dump'), ['argv-dump', '[]']);
  });
});
