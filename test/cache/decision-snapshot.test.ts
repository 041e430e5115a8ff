// The dry run's decision snapshot (runner/cache/decision-snapshot.ts): given again only while every
// path the decision looked at has its stamp, and then exactly what deciding in full says; never kept
// with a young stamp, a directory among the paths, or a warning. Real files, the real dryRun.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keepSnapshot, snapshotAnswer, snapshotKey } from '../../runner/cache/decision-snapshot';
import { RACY_WINDOW_NS } from '../../runner/cache/fingerprint';
import { openCache } from '../../runner/cache/open-cache';
import { StatPass } from '../../runner/cache/stat-pass';
import { dryRun, idsOf } from '../../runner/cli/dry-run';
import { dryRunFromSnapshot } from '../../runner/cli/dry-run-snapshot';
import { scriptEngine } from '../../runner/cli/executors';
import { planWorkflow } from '../../runner/plan';
import type { Plan } from '../../runner/plan/types';
import { BUILTIN_PROFILES } from '../../runner/profiles/profile';
import type { Workflow } from '../../runner/workflow/generated/schema-types';

const profile = BUILTIN_PROFILES.local;
/** A clock past the racy window of everything these tests write. */
const later = () => BigInt(Date.now()) * 1_000_000n + 10n * RACY_WINDOW_NS;

describe('run --dry-run: the decision snapshot', () => {
  let dir: string;
  let plan: Plan;
  const snapshots = () => (existsSync(join(dir, '.shifterflow/cache/decisions')) ? readdirSync(join(dir, '.shifterflow/cache/decisions')) : []);
  const show = (tasks: { job: string; index?: number; cached: boolean; runId?: string; reason?: string }[]) => tasks.map((t) => `${t.job}${t.index ?? ''}: ${t.cached ? t.runId : t.reason}`);
  /** A dry run as `run --dry-run` makes it from the memo: SF056's stat pass, then the decision. */
  const dry = async (o: { planKey?: string; fresh?: boolean; now?: () => bigint; warn?: (t: string) => void } = {}) => {
    const stats = new StatPass();
    for (const j of plan.jobs) for (const f of j.files) for (const s of f.inputs) for (const p of s.paths) stats.exists(p);
    const r = await dryRun(plan, profile, dir, o.fresh ?? false, o.warn ?? (() => undefined), { stats, planKey: o.planKey, now: o.now ?? later });
    return show(r.tasks);
  };
  const full = () => dry();
  /** As `run --dry-run` does: the snapshot first, else decided in full (and the answer kept). */
  const snap = async (ids = (lookup: boolean, images: readonly string[]) => idsOf(lookup, images, dir)) => {
    let answered: string[] | undefined;
    const fast = await dryRunFromSnapshot(dir, 'PLAN', { fresh: false, json: false }, ids, (_kind, tasks) => (answered = show(tasks)));
    if (fast.status !== undefined) return answered!;
    return dry({ planKey: 'PLAN' });
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sf-snap-'));
    writeFileSync(join(dir, 'src.txt'), 'source');
    for (const i of [0, 1]) writeFileSync(join(dir, `part${i}.txt`), `part ${i}`);
    const workflow: Workflow = {
      version: 1,
      name: 'snap',
      jobs: {
        a: { image: 'alpine:3.19', inputs: { src: 'src.txt' }, outputs: { out: 'a.out' }, command: 'cat ${{ inputs.src }} > ${{ outputs.out }}' },
        b: { image: 'alpine:3.19', inputs: { a: 'a.out' }, outputs: { out: 'b.out' }, command: 'cat ${{ inputs.a }} > ${{ outputs.out }}' },
        m: { image: 'alpine:3.19', matrix: { n: [0, 1] }, inputs: { part: 'part${{ matrix.n }}.txt' }, outputs: { res: 'm${{ matrix.n }}.out' }, command: 'wc -c ${{ inputs.part }} > ${{ outputs.res }}' },
      },
    };
    plan = planWorkflow(workflow, profile, { workflowDir: dir });
    // A run that completed every task.
    const run = openCache({ base: dir, plan, engine: scriptEngine(profile) });
    run.decideAll(new Map());
    writeFileSync(join(dir, 'a.out'), 'a');
    assert.ok(run.record('a', undefined, 'RUN1'));
    run.decideAll(new Map());
    writeFileSync(join(dir, 'b.out'), 'b');
    assert.ok(run.record('b', undefined, 'RUN1'));
    for (const i of [0, 1]) {
      writeFileSync(join(dir, `m${i}.out`), `m${i}`);
      assert.ok(run.record('m', i, 'RUN1'));
    }
    run.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the last answer again while nothing it read changed, and decides in full after each change, as without it', async () => {
    const all = ['a: RUN1', 'b: RUN1', 'm0: RUN1', 'm1: RUN1'];
    assert.deepEqual(await snap(), all);
    assert.equal(snapshots().length, 1);
    // What answers is the snapshot: its answer, edited, is given back.
    const [name] = snapshots();
    const file = join(dir, '.shifterflow/cache/decisions', name);
    const kept = readFileSync(file, 'utf8');
    writeFileSync(file, kept.replace('"runId":"RUN1"', '"runId":"FROM-SNAPSHOT"'));
    assert.deepEqual((await snap())[0], 'a: FROM-SNAPSHOT');
    writeFileSync(file, kept);
    assert.deepEqual(await snap(), all);
    // Other image ids than the decision's: not answered (decided in full, kept anew).
    let asked = 0;
    const otherIds = async () => ((asked += 1), new Map([['docker:alpine:3.19', 'other-id']]));
    writeFileSync(file, kept.replace('"runId":"RUN1"', '"runId":"FROM-SNAPSHOT"'));
    assert.deepEqual(await snap(otherIds), all);
    assert.equal(asked, 1, 'the ids are asked for once');

    const changes: [string, () => void][] = [
      // Same size, the mtime put back: only the ctime tells.
      ['same-size edit, mtime restored', () => {
        execFileSync('touch', ['-r', join(dir, 'part1.txt'), join(dir, 'ref')]);
        writeFileSync(join(dir, 'part1.txt'), 'part 9');
        execFileSync('touch', ['-r', join(dir, 'ref'), join(dir, 'part1.txt')]);
      }],
      ['an output deleted', () => unlinkSync(join(dir, 'b.out'))],
      ['an upstream output rewritten', () => writeFileSync(join(dir, 'a.out'), 'A')],
      ['a missing output written back', () => writeFileSync(join(dir, 'b.out'), 'b')],
      ['an entry truncated in place', () => {
        const entries = join(dir, '.shifterflow/cache/entries/a/_');
        const f = readdirSync(entries).find((n) => n !== 'latest.json')!;
        truncateSync(join(entries, f), 10);
      }],
      ['the cache removed', () => rmSync(join(dir, '.shifterflow/cache/entries'), { recursive: true })],
    ];
    for (const [what, change] of changes) {
      change();
      const expected = await full();
      assert.deepEqual(await snap(), expected, what);
      assert.deepEqual(await snap(), expected, `${what}, asked again`);
    }
    assert.deepEqual(await full(), ['a: no earlier run', 'b: needed job runs (a)', 'm0: no earlier run', 'm1: no earlier run']);
  });

  it('is keyed by the plan and --fresh (the image ids are checked beside the stamps)', () => {
    const k = snapshotKey({ plan: 'P', fresh: false });
    assert.equal(snapshotKey({ plan: 'P', fresh: false }), k);
    assert.equal(new Set([k, snapshotKey({ plan: 'Q', fresh: false }), snapshotKey({ plan: 'P', fresh: true })]).size, 3);
  });

  it('keeps nothing with a young stamp, a directory among the paths, or a warning; ignores a damaged snapshot', async () => {
    // Everything was written a moment ago: by the real clock every stamp is young.
    await dry({ planKey: 'PLAN', now: () => BigInt(Date.now()) * 1_000_000n });
    assert.deepEqual(snapshots(), []);
    // A warning (a damaged entry, reported on every dry run): not kept.
    const entries = join(dir, '.shifterflow/cache/entries/b/_');
    writeFileSync(join(entries, readdirSync(entries).find((n) => n !== 'latest.json')!), 'damaged');
    const warnings: string[] = [];
    await dry({ planKey: 'PLAN', warn: (t) => warnings.push(t) });
    assert.ok(warnings.length > 0);
    assert.deepEqual(snapshots(), []);
    // A directory in the pass (a tree's files are not in it).
    const stats = new StatPass();
    mkdirSync(join(dir, 'tree'));
    stats.stat(join(dir, 'tree'));
    assert.equal(keepSnapshot(dir, 'K', stats, [], ['answer'], later()), false);
    // Kept, then damaged or of another key: not used.
    const sound = new StatPass();
    sound.stat(join(dir, 'src.txt'));
    assert.equal(keepSnapshot(dir, 'K', sound, [join(dir, 'nothing-here.json')], ['answer'], later()), true);
    assert.deepEqual(snapshotAnswer(dir, 'K'), ['answer']);
    const file = join(dir, '.shifterflow/cache/decisions/K.json');
    const text = readFileSync(file, 'utf8');
    for (const bad of [text.slice(0, 20), 'null', text.replace('"key":"K"', '"key":"L"'), text.replace('shifterflow-decision/2', 'shifterflow-decision/0'), text.replace(/"stamps":"[^"]{4}/, '"stamps":"')]) {
      writeFileSync(file, bad);
      assert.equal(snapshotAnswer(dir, 'K'), undefined, bad.slice(0, 40));
    }
    // A file appearing where the decision found none.
    writeFileSync(file, text);
    writeFileSync(join(dir, 'nothing-here.json'), '{}');
    assert.equal(snapshotAnswer(dir, 'K'), undefined);
  });
});
