import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { planWorkflow } from '../../runner/plan';
import { sightOf } from '../../runner/plan/job-view';
import { BUILTIN_PROFILES, type Profile } from '../../runner/profiles/profile';
import { RenderError, renderJob } from '../../runner/render';
import type { Workflow } from '../../runner/workflow/generated/schema-types';

const nersc = BUILTIN_PROFILES.nersc;

const HOSTILE = ["it's here", 'a "b" c', '$(touch /tmp/sf-pwned)', 'x; rm -rf ~', 'two\nlines', '`id`', 'tab\there', '*', '-n'];

/** Runs the job's script under bash with srun/shifter that just run the command; returns its stdout lines. */
function run(workflow: Workflow, profile: Profile = nersc, opts: { filesOnHost?: boolean; task?: number } = {}): string {
  const plan = planWorkflow(workflow, profile, { workflowDir: '/wfdir' });
  // Without the outputs' lines before and after the command (output-lines.ts): these paths are not on this machine.
  const rendered = renderJob(plan.jobs[0], plan, undefined, { filesOnHost: opts.filesOnHost });
  const script = rendered.replace(/^# declared outputs: an old file[\s\S]*?\ndone\n/m, '').split('\n# declared outputs:')[0];
  const stubs = 'srun() { shift 4; "$@"; }\nshifter() { while [[ "$1" == --* ]]; do shift; done; "$@"; }\n';
  const r = spawnSync('bash', ['-c', stubs + script], { encoding: 'utf8', env: { PATH: process.env.PATH, SLURM_ARRAY_TASK_ID: String(opts.task ?? '') } });
  assert.equal(r.status, 0, r.stderr + script);
  return r.stdout;
}

function wf(job: Workflow['jobs'][string], extra: Partial<Workflow> = {}): Workflow {
  return { version: 1, name: 'w', ...extra, jobs: { j: job } };
}

describe('render: ${{ inputs.X }} and ${{ outputs.X }} as the job sees them', () => {
  const volumes = { data: { source: '/global/cfs/proj', target: '/data' }, deep: { source: '/global/cfs/proj/raw', target: '/raw', readOnly: true } };

  it('translates through the volume with the longest source; a site file system stays; one word per path', () => {
    const out = run(wf({ image: 'a:1', volumes: ['data', 'deep'], command: "printf '[%s]\\n' ${{ inputs.x }} ${{outputs.y}}", inputs: { x: ['/global/cfs/proj/raw/r 1.txt', '/global/cfs/proj/ref'] }, outputs: { y: '/pscratch/out.csv' } }, { volumes }));
    assert.equal(out, '[/raw/r 1.txt]\n[/data/ref]\n[/pscratch/out.csv]\n');
  });

  it('keeps hostile path names one literal word each (quotes, $(), ;, newlines, globs, options)', () => {
    const paths = HOSTILE.map((h) => `/pscratch/${h}`);
    const out = run(wf({ image: 'a:1', command: "printf '[%s]\\n' ${{ inputs.x }}", inputs: { x: paths as [string, ...string[]] } }));
    assert.equal(out, paths.map((p) => `[${p}]\n`).join(''));
  });

  it('inside "..." a list is the text of one word, joined by spaces', () => {
    const out = run(wf({ image: 'a:1', command: 'printf \'[%s]\\n\' "${{ inputs.x }}"', inputs: { x: ['/pscratch/a $HOME', '/pscratch/b'] } }));
    assert.equal(out, '[/pscratch/a $HOME /pscratch/b]\n');
  });

  it('substitutes per array task, with matrix values in the paths', () => {
    const job: Workflow['jobs'][string] = { image: 'a:1', volumes: ['data'], matrix: { s: ['a b', "c'd"] }, command: "printf '[%s]\\n' ${{ outputs.o }}", outputs: { o: '/global/cfs/proj/${{ matrix.s }}.out' } };
    assert.equal(run(wf(job, { volumes }), nersc, { task: 1 }), "[/data/c'd.out]\n");
    assert.equal(run(wf(job, { volumes }), nersc, { task: 0 }), '[/data/a b.out]\n');
  });

  it('expands in env values and step commands', () => {
    const plan = planWorkflow(wf({ image: 'a:1', volumes: ['data'], env: { IN: '${{ inputs.x }}' }, steps: [{ command: 'cat ${{ inputs.x }}' }], inputs: { x: '/global/cfs/proj/x' } }, { volumes }), nersc);
    const script = renderJob(plan.jobs[0], plan);
    assert.match(script, /--env=IN=\/data\/x/);
    assert.match(script, /shifter[^\n]* cat \/data\/x$/m);
  });

  it('resolves relative paths against the workflow directory; with filesOnHost the host path, not the volume target', () => {
    const job: Workflow['jobs'][string] = { image: 'a:1', volumes: ['here'], command: "printf '[%s]\\n' ${{ inputs.x }}", inputs: { x: 'in/x.txt' } };
    const extra = { volumes: { here: { source: '/wfdir/in', target: '/in' } } };
    assert.equal(run(wf(job, extra), BUILTIN_PROFILES.local), '[/in/x.txt]\n');
    assert.equal(run(wf(job, extra), BUILTIN_PROFILES.local, { filesOnHost: true }), '[/wfdir/in/x.txt]\n');
  });

  it('refuses a name the job does not declare', () => {
    const plan = planWorkflow(wf({ image: 'a:1', command: 'cat ${{ inputs.nope }}', inputs: { x: '/pscratch/x' } }), nersc);
    assert.throws(() => renderJob(plan.jobs[0], plan), (e: unknown) => e instanceof RenderError && /\$\{\{ inputs\.nope \}\} names no entry of the job's inputs/.test(e.message));
  });

  it('sightOf: volume first (source on a component boundary), then site file systems, else unseen', () => {
    const v = [{ source: '/global/cfs/proj', target: '/data' }, { source: '/', target: '/host' }];
    assert.deepEqual(sightOf('/global/cfs/proj2/x', v.slice(0, 1), ['/pscratch']), undefined);
    assert.equal(sightOf('/global/cfs/proj', v, [])?.path, '/data');
    assert.equal(sightOf('/etc/x', v, [])?.path, '/host/etc/x');
    assert.equal(sightOf('/pscratch/x', [], ['/pscratch'])?.via, 'site');
  });
});
