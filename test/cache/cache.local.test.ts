// The cache on the local executor with the real bubblewrap and a local registry: a second run submits
// nothing, one changed input re-runs exactly its downstream, a deleted output re-runs its job, a
// same-size edit with the mtime put back re-runs, a touch alone does not, and a partly cached matrix
// runs only the changed element. Missing tools fail the suite (support/tools.ts).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, rmSync, unlinkSync, writeFileSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../runner/run/events';
import { buildAndPush, testImage } from '../local/support/images';
import { startRegistry, type Registry } from '../local/support/registry';
import { allLogs, cli, journalOf, makeWorkspace, ownedDir, runDirs } from '../local/support/runner';
import { IMAGE_TOOLS, requireTools } from '../local/support/tools';

const WORKFLOW = (ws: string) => `version: 1
name: cached
profile: local
images:
  box: docker:busybox:1.36
volumes:
  data: { source: "${ws}/data", target: /data }
jobs:
  first:
    image: box
    volumes: [data]
    inputs: { raw: data/raw.txt }
    outputs: { copy: data/first.txt }
    command: cp /data/raw.txt /data/first.txt
  second:
    image: box
    volumes: [data]
    inputs: { from_first: data/first.txt }
    outputs: { copy: data/second.txt }
    command: cp /data/first.txt /data/second.txt
  apart:
    image: box
    volumes: [data]
    inputs: { other: data/other.txt }
    outputs: { copy: data/apart.txt }
    command: cp /data/other.txt /data/apart.txt
  parts:
    image: box
    volumes: [data]
    matrix: { n: [0, 1, 2] }
    inputs: { part: "data/part\${{ matrix.n }}.txt" }
    outputs: { done: "data/done\${{ matrix.n }}.txt" }
    command: cp /data/part\${{ matrix.n }}.txt /data/done\${{ matrix.n }}.txt
`;

describe('the cache on the local executor with bubblewrap @engines', function () {
  this.timeout(600_000);
  let registry: Registry | undefined;
  let base = '';
  let env: Record<string, string> = {};
  let ws = '';

  before(async function () {
    requireTools([...IMAGE_TOOLS, 'bwrap']);
    base = makeWorkspace(tmpdir(), 'sf-cache-e2e-');
    registry = await startRegistry(join(base, 'registry'));
    buildAndPush(join(base, 'images'), registry.address, [testImage('busybox:1.36')]);
    env = { SHIFTERFLOW_REGISTRY: registry.address, SHIFTERFLOW_IMAGE_CACHE: join(base, 'cache'), SHIFTERFLOW_ENGINE: 'bwrap', TMPDIR: ownedDir(join(base, 'tmp')) };
    chmodSync(env.TMPDIR, 0o1777);
    ws = makeWorkspace(base);
    ownedDir(join(ws, 'data'));
    writeFileSync(join(ws, 'data', 'raw.txt'), 'raw 1\n');
    writeFileSync(join(ws, 'data', 'other.txt'), 'other\n');
    for (const n of [0, 1, 2]) writeFileSync(join(ws, 'data', `part${n}.txt`), `part ${n}\n`);
    writeFileSync(join(ws, 'wf.yaml'), WORKFLOW(ws));
  });

  after(async () => {
    await registry?.stop();
    if (base) rmSync(base, { recursive: true, force: true });
  });

  /** Runs the workflow; returns the new run's journal. */
  const run = (...extra: string[]): { events: RunEvent[]; dir: string } => {
    const before = new Set(runDirs(ws));
    const r = cli(ws, ['run', 'wf.yaml', ...extra], env);
    const dir = runDirs(ws).find((d) => !before.has(d))!;
    assert.equal(r.code, 0, `${r.stderr}\n${dir ? allLogs(dir) : ''}`);
    return { events: journalOf(dir), dir };
  };
  const submitted = (events: RunEvent[]) => [...new Set(events.flatMap((e) => (e.type === 'job-submitted' ? [e.job] : [])))].sort();
  const ranTasks = (events: RunEvent[], job: string) => [...new Set(events.flatMap((e) => (e.type === 'job-state' && e.job === job && e.state === 'COMPLETED' ? [e.arrayIndex] : [])))].sort();
  const dryRun = () => {
    const r = cli(ws, ['run', 'wf.yaml', '--dry-run', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const tasks = (JSON.parse(r.stdout) as { tasks: { job: string; index?: number; cached: boolean; reason?: string }[] }).tasks;
    return Object.fromEntries(tasks.map((t) => [t.index === undefined ? t.job : `${t.job}[${t.index}]`, t.cached ? 'cached' : `runs: ${t.reason}`]));
  };

  it('runs everything the first time, and nothing the second: every job CACHED in status, trace and report', () => {
    const one = run();
    assert.deepEqual(submitted(one.events), ['apart', 'first', 'parts', 'second']);
    assert.ok(one.events.some((e) => e.type === 'message' && e.text.startsWith('local engine bwrap:')), 'ran in bubblewrap');
    assert.equal(readFileSync(join(ws, 'data', 'second.txt'), 'utf8'), 'raw 1\n');
    const two = run();
    assert.deepEqual(submitted(two.events), []);
    const cached = two.events.filter((e): e is Extract<RunEvent, { type: 'job-cached' }> => e.type === 'job-cached');
    assert.deepEqual(cached.map((e) => `${e.job}${e.arrayIndex ?? ''}`).sort(), ['apart', 'first', 'parts0', 'parts1', 'parts2', 'second']);
    const firstId = one.dir.slice(one.dir.lastIndexOf('/') + 1);
    assert.ok(cached.every((e) => e.fromRun === firstId && /^[0-9a-f]{64}$/.test(e.key)));
    const trace = readFileSync(join(two.dir, 'trace.tsv'), 'utf8');
    assert.equal(trace.trim().split('\n').slice(1).filter((l) => l.split('\t')[7] === 'CACHED').length, 6);
    const report = readFileSync(join(two.dir, 'report.html'), 'utf8');
    assert.match(report, /CACHED from/);
    assert.match(report, /raw: [^<]*raw\.txt <code title="sha256:[0-9a-f]{64}">/);
    const status = cli(ws, ['status', two.dir.slice(two.dir.lastIndexOf('/') + 1)], env);
    assert.match(status.stdout, /first\s+-\s+CACHED\s+from run /);
    assert.deepEqual(Object.values(dryRun()), ['cached', 'cached', 'cached', 'cached', 'cached', 'cached']);
  });

  it('a touch of an input (mtime only) runs nothing; changing it re-runs exactly its downstream', () => {
    utimesSync(join(ws, 'data', 'raw.txt'), new Date(), new Date(Date.now() + 3_600_000));
    assert.deepEqual(submitted(run().events), []);
    writeFileSync(join(ws, 'data', 'raw.txt'), 'raw 2, longer\n');
    const d = dryRun();
    assert.equal(d.first, 'runs: input raw changed');
    assert.equal(d.second, 'runs: needed job runs (first)');
    assert.equal(d.apart, 'cached');
    assert.deepEqual(submitted(run().events), ['first', 'second']);
    assert.equal(readFileSync(join(ws, 'data', 'second.txt'), 'utf8'), 'raw 2, longer\n');
  });

  it('a deleted output re-runs its job, and only it', () => {
    unlinkSync(join(ws, 'data', 'apart.txt'));
    assert.equal(dryRun().apart, 'runs: output copy missing');
    assert.deepEqual(submitted(run().events), ['apart']);
  });

  it('a same-size edit with the mtime put back (touch -r) re-runs', () => {
    const f = join(ws, 'data', 'other.txt');
    execFileSync('touch', ['-r', f, join(ws, 'ref')]);
    writeFileSync(f, 'OTHER\n');
    execFileSync('touch', ['-r', join(ws, 'ref'), f]);
    assert.equal(dryRun().apart, 'runs: input other changed');
    assert.deepEqual(submitted(run().events), ['apart']);
    assert.equal(readFileSync(join(ws, 'data', 'apart.txt'), 'utf8'), 'OTHER\n');
  });

  it('a partly cached matrix runs only the changed element', () => {
    writeFileSync(join(ws, 'data', 'part1.txt'), 'part one changed\n');
    const { events } = run();
    assert.deepEqual(submitted(events), ['parts']);
    assert.deepEqual(ranTasks(events, 'parts'), [1]);
    assert.deepEqual(events.filter((e) => e.type === 'job-cached' && e.job === 'parts').map((e) => (e as { arrayIndex?: number }).arrayIndex).sort(), [0, 2]);
    assert.equal(readFileSync(join(ws, 'data', 'done1.txt'), 'utf8'), 'part one changed\n');
    assert.deepEqual(submitted(run('--fresh').events), ['apart', 'first', 'parts', 'second']);
    const list = cli(ws, ['cache', '--json'], env);
    assert.equal(list.code, 0, list.stderr);
    assert.ok((JSON.parse(list.stdout) as unknown[]).length >= 6);
  });
});
