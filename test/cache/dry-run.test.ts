// `run --dry-run` renders each task once, as the cache's key sees it (renderTaskScripts), and shares
// SF056's stat calls with the decision (StatPass): neither shortcut may change an answer, and the
// dry run still refuses what a run's render refuses.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCache } from '../../runner/cache/open-cache';
import { StatPass } from '../../runner/cache/stat-pass';
import { renderTaskScripts, taskName, taskScript } from '../../runner/cache/task-script';
import { dryRun, type DryRunShortcuts } from '../../runner/cli/dry-run';
import { scriptEngine } from '../../runner/cli/executors';
import { planWorkflow } from '../../runner/plan';
import { BUILTIN_PROFILES } from '../../runner/profiles/profile';
import type { Workflow } from '../../runner/workflow/generated/schema-types';
import { cli } from '../run/cli-helpers';

const profile = BUILTIN_PROFILES.local;

describe('run --dry-run: each task rendered once, each input looked at once', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-dry-'));
    writeFileSync(join(dir, 'src.txt'), 'source');
    for (const i of [0, 1]) writeFileSync(join(dir, `part${i}.txt`), `part ${i}`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const workflow = (): Workflow => ({
    version: 1,
    name: 'dry',
    defaults: { qos: 'regular', time: '00:05:00' },
    jobs: {
      a: { image: 'alpine:3.19', description: 'reads src', inputs: { src: 'src.txt' }, outputs: { out: 'a.out' }, command: 'cat ${{ inputs.src }} > ${{ outputs.out }}' },
      m: { image: 'alpine:3.19', matrix: { n: [0, 1] }, inputs: { part: 'part${{ matrix.n }}.txt' }, outputs: { res: 'm${{ matrix.n }}.out' }, command: 'wc -c ${{ inputs.part }} > ${{ outputs.res }}' },
    },
  });

  it('renders exactly the scripts the key renders on demand, for every task', () => {
    const plan = planWorkflow(workflow(), profile, { workflowDir: dir });
    const engine = scriptEngine(profile);
    const all = renderTaskScripts(plan, engine);
    assert.deepEqual([...all.keys()], ['a', 'm[0]', 'm[1]']);
    assert.equal(all.get(taskName('a', undefined)), taskScript(plan.jobs[0], plan, engine));
    for (const i of [0, 1]) assert.equal(all.get(taskName('m', i)), taskScript(plan.jobs[1], plan, engine, i));
    assert.notEqual(all.get('m[0]'), all.get('m[1]'));
    assert.doesNotMatch(all.get('a')!, /--qos|--time|reads src/);
  });

  it('decides the same with and without the shortcuts, before and after an input changed', async () => {
    const plan = planWorkflow(workflow(), profile, { workflowDir: dir });
    const engine = scriptEngine(profile);
    // A run that completed every task (its outputs written, then recorded).
    const run = openCache({ base: dir, plan, engine });
    run.decideAll(new Map());
    writeFileSync(join(dir, 'a.out'), 'a');
    for (const i of [0, 1]) writeFileSync(join(dir, `m${i}.out`), `m${i}`);
    assert.ok(run.record('a', undefined, 'RUN1'));
    for (const i of [0, 1]) assert.ok(run.record('m', i, 'RUN1'));
    run.close();

    const decide = async (shortcuts: () => DryRunShortcuts) => (await dryRun(plan, profile, dir, false, () => undefined, shortcuts())).tasks.map((t) => `${t.job}${t.index ?? ''}: ${t.cached ? t.runId : t.reason}`);
    const shortcuts = (): DryRunShortcuts => {
      const stats = new StatPass();
      for (const f of ['src.txt', 'part0.txt', 'part1.txt']) assert.equal(stats.exists(join(dir, f)), true);
      return { stats, taskScripts: renderTaskScripts(plan, engine) };
    };
    const none = (): DryRunShortcuts => ({});
    assert.deepEqual(await decide(shortcuts), ['a: RUN1', 'm0: RUN1', 'm1: RUN1']);
    assert.deepEqual(await decide(none), ['a: RUN1', 'm0: RUN1', 'm1: RUN1']);
    writeFileSync(join(dir, 'part1.txt'), 'part one, edited');
    assert.deepEqual(await decide(shortcuts), ['a: RUN1', 'm0: RUN1', 'm1: input part changed']);
    assert.deepEqual(await decide(none), ['a: RUN1', 'm0: RUN1', 'm1: input part changed']);
  });

  it('refuses what a run refuses, with the same message, before anything exists', () => {
    writeFileSync(
      join(dir, 'wf.yaml'),
      [
        'version: 1',
        'name: dry',
        'profile: local',
        'jobs:',
        '  ok:',
        '    image: alpine:3.19',
        '    inputs: { src: src.txt }',
        '    outputs: { out: ok.out }',
        '    command: cat ${{ inputs.src }} > ${{ outputs.out }}',
        '  bad:',
        '    image: alpine:3.19',
        '    inputs: { src: src.txt }',
        '    outputs: { out: bad.out }',
        '    command: echo `cat ${{ inputs.src }}` > ${{ outputs.out }}',
        '',
      ].join('\n'),
    );
    const render = cli(dir, ['render', 'wf.yaml']);
    const dry = cli(dir, ['run', 'wf.yaml', '--dry-run']);
    assert.equal(render.code, 1);
    assert.equal(dry.code, 1, dry.stdout);
    assert.match(dry.stderr, /^shifterflow: wf\.yaml: job bad: \$\{\{ inputs\.src \}\} sits where shifterflow cannot tell how to quote it/);
    assert.equal(dry.stderr, render.stderr);
    assert.equal(dry.stdout, '');
    assert.equal(existsSync(join(dir, '.shifterflow')), false);
  });
});
