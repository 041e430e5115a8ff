// Groups run end to end on the local executor, through the CLI: one submission for the group, each
// job of it with its own logs, states, trace rows and retries (a retry runs the group again from the
// job that failed), --job keeping the start of a group.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RunEvent } from '../../runner/run/events';
import { cli, journal, localWorkflow, runIds, submissions, workspace } from './cli-helpers';

/** `prep` -> a -> b -> c (group g) -> `after`; each job appends its name to `order` in the workspace. */
function chain(b = 'echo b >> order; echo out-b', extra = { a: '', b: '', c: '' }, more = ''): string {
  const job = (name: string, needs: string[], cmd: string, group?: string, x = '') =>
    `  ${name}:\n    image: box\n${needs.length ? `    needs: [${needs.join(', ')}]\n` : ''}${group ? `    group: ${group}\n` : ''}${x}    command: sh -c '${cmd}'\n`;
  return localWorkflow(
    'grp',
    job('prep', [], 'echo prep >> order') +
      job('a', ['prep'], 'echo a >> order; echo out-a; echo err-a >&2', 'g', extra.a) +
      job('b', ['a'], b, 'g', extra.b) +
      job('c', ['b'], 'echo c >> order; echo out-c', 'g', extra.c) +
      job('after', ['c'], 'echo after >> order') +
      more,
  );
}

function runDir(ws: string): string {
  return join(ws, '.shifterflow', 'runs', runIds(ws)[0]);
}

function submitted(events: RunEvent[]): { job: string; attempt: number; externalId: string }[] {
  return events.filter((e): e is Extract<RunEvent, { type: 'job-submitted' }> => e.type === 'job-submitted').map((e) => ({ job: e.job, attempt: e.attempt, externalId: e.externalId }));
}

function statusOf(ws: string): { status: string; jobs: { key: string; state: string; exitCode?: number; attempt: number }[] } {
  return JSON.parse(cli(ws, ['status', '--json']).stdout);
}

function order(ws: string): string[] {
  return readFileSync(join(ws, 'order'), 'utf8').trim().split('\n');
}

describe('run: groups on the local executor', function () {
  this.timeout(60_000);

  it('submits the group once; its jobs run in order, each with its own logs, state and trace row', () => {
    const ws = workspace({ 'wf.yaml': chain() });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(order(ws), ['prep', 'a', 'b', 'c', 'after']);
    const dir = runDir(ws);
    const subs = submitted(journal(ws, runIds(ws)[0]));
    assert.deepEqual(subs.map((s) => [s.job, s.attempt]), [['prep', 1], ['a', 1], ['b', 1], ['c', 1], ['after', 1]]);
    const id = (job: string) => subs.find((s) => s.job === job)!.externalId;
    assert.equal(id('b'), id('a'));
    assert.equal(id('c'), id('a'));
    assert.equal(new Set(subs.map((s) => s.externalId)).size, 3, 'three Slurm jobs: prep, the group, after');
    // The group's own script is the one that ran: its log is the group's; each job has its own.
    assert.ok(existsSync(join(dir, 'scripts', 'g@group.sbatch')));
    assert.equal(readFileSync(join(dir, 'logs', 'a.1.out'), 'utf8'), 'out-a\n');
    assert.equal(readFileSync(join(dir, 'logs', 'a.1.err'), 'utf8'), 'err-a\n');
    assert.equal(readFileSync(join(dir, 'logs', 'c.1.out'), 'utf8'), 'out-c\n');
    assert.deepEqual(readdirSync(join(dir, 'logs')).filter((f) => f.startsWith('g@group.')).sort(), ['g@group.1.err', 'g@group.1.out']);
    const trace = readFileSync(join(dir, 'trace.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
    assert.deepEqual(trace.map((row) => [row[0], row[1], row[2], row[7], row[8]]), [
      ['prep', '1', id('prep'), 'COMPLETED', '0'],
      ['a', '1', id('a'), 'COMPLETED', '0'],
      ['b', '1', id('a'), 'COMPLETED', '0'],
      ['c', '1', id('a'), 'COMPLETED', '0'],
      ['after', '1', id('after'), 'COMPLETED', '0'],
    ]);
    // Each job's start and end are its own (markers, to the second), in order inside the group.
    const at = (job: string, col: number) => Date.parse(trace.find((row) => row[0] === job)![col]);
    assert.ok(at('a', 11) <= at('b', 10) && at('b', 11) <= at('c', 10), trace.map((row) => row.join(' ')).join('\n'));
    const s = statusOf(ws);
    assert.equal(s.status, 'COMPLETED');
    assert.deepEqual(s.jobs.map((j) => [j.key, j.state]), ['prep', 'a', 'b', 'c', 'after'].map((k) => [k, 'COMPLETED']));
  });

  it('a job that fails once with a retry: the group runs again from it, not from its first job, and the run completes', () => {
    const ws = workspace({ 'wf.yaml': chain('echo b >> order; test -f once || { touch once; exit 3; }', { a: '', b: '    retry: { attempts: 1, on: [FAILED] }\n', c: '' }) });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(order(ws), ['prep', 'a', 'b', 'b', 'c', 'after']);
    const events = journal(ws, runIds(ws)[0]);
    const subs = submitted(events);
    assert.deepEqual(subs.map((s) => `${s.job}.${s.attempt}`), ['prep.1', 'a.1', 'b.1', 'c.1', 'after.1', 'b.2', 'c.2', 'after.2']);
    const first = subs.find((s) => s.job === 'a')!.externalId;
    const again = subs.find((s) => s.job === 'b' && s.attempt === 2)!.externalId;
    assert.notEqual(again, first);
    assert.equal(subs.find((s) => s.job === 'c' && s.attempt === 2)!.externalId, again, 'b and c went again as one submission');
    assert.equal(submissions(events, 'a'), 1);
    const logs = readdirSync(join(runDir(ws), 'logs'));
    assert.deepEqual(logs.filter((f) => f.startsWith('a.')).sort(), ['a.1.ended', 'a.1.err', 'a.1.out', 'a.1.started'], 'a ran once, in attempt 1');
    assert.deepEqual(logs.filter((f) => /^b\.\d\.out$/.test(f)).sort(), ['b.1.out', 'b.2.out']);
    assert.deepEqual(logs.filter((f) => f.startsWith('c.')).sort(), ['c.2.ended', 'c.2.err', 'c.2.out', 'c.2.started'], 'c never ran in attempt 1');
    assert.match(readFileSync(join(runDir(ws), 'logs', 'b.1.ended'), 'utf8'), /^3 \d+\n$/);
    const s = statusOf(ws);
    assert.equal(s.status, 'COMPLETED');
    assert.deepEqual(s.jobs.map((j) => [j.key, j.state, j.attempt]), [['prep', 'COMPLETED', 1], ['a', 'COMPLETED', 1], ['b', 'COMPLETED', 2], ['c', 'COMPLETED', 2], ['after', 'COMPLETED', 2]]);
  });

  it('a job that fails without a retry: the run fails, the jobs after it in the group and its dependents are CANCELLED', () => {
    const ws = workspace({ 'wf.yaml': chain('echo b >> order; exit 3') });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(order(ws), ['prep', 'a', 'b']);
    const s = statusOf(ws);
    assert.equal(s.status, 'FAILED');
    assert.deepEqual(s.jobs.map((j) => [j.key, j.state, j.exitCode]), [['prep', 'COMPLETED', 0], ['a', 'COMPLETED', 0], ['b', 'FAILED', 3], ['c', 'CANCELLED', undefined], ['after', 'CANCELLED', 0]]);
    assert.ok(!existsSync(join(runDir(ws), 'logs', 'c.1.out')));
  });

  it('a retry of the last job of a group: jobs outside that need an earlier job of it run again too, the earlier jobs do not', () => {
    // z needs only a, but it waits for the group's Slurm job: when c fails, Slurm cancels z with it.
    const flakyC = `  c:\n    image: box\n    needs: [b]\n    group: g\n    retry: { attempts: 1, on: [FAILED] }\n    command: sh -c 'echo c >> order; test -f once || { touch once; exit 3; }'\n`;
    const text = chain().replace(/  c:\n[\s\S]*?command: .*\n/, flakyC) + "  z:\n    image: box\n    needs: [a]\n    command: sh -c 'echo z >> order'\n";
    const ws = workspace({ 'wf.yaml': text });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 0, r.stderr);
    const ran = order(ws);
    assert.equal(ran.filter((x) => x === 'z').length, 1);
    assert.deepEqual(ran.filter((x) => x !== 'z'), ['prep', 'a', 'b', 'c', 'c', 'after']);
    const events = journal(ws, runIds(ws)[0]);
    assert.deepEqual(['a', 'b', 'c', 'z'].map((k) => submissions(events, k)), [1, 1, 2, 2]);
    const s = statusOf(ws);
    assert.equal(s.status, 'COMPLETED');
    const z = s.jobs.find((j) => j.key === 'z')!;
    assert.deepEqual([z.state, z.attempt], ['COMPLETED', 2], 'cancelled with the first run of the group, submitted again');
  });

  it('--job with a job in the middle of a group runs the start of the group up to it, as one submission', () => {
    const ws = workspace({ 'wf.yaml': chain() });
    const r = cli(ws, ['run', 'wf.yaml', '--job', 'b']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(order(ws), ['prep', 'a', 'b']);
    const subs = submitted(journal(ws, runIds(ws)[0]));
    assert.deepEqual(subs.map((s) => s.job), ['prep', 'a', 'b']);
    assert.equal(subs[1].externalId, subs[2].externalId);
    const script = readFileSync(join(runDir(ws), 'scripts', 'g@group.sbatch'), 'utf8');
    assert.match(script, /group g: jobs a, b, one after another/);
    assert.doesNotMatch(script, /sf_begin c/);
  });

  it('a group whose jobs ask for different allocations: a clear error before anything runs, no stack trace', () => {
    const ws = workspace({ 'wf.yaml': chain('echo b', { a: '', b: '    nodes: 2\n', c: '' }) });
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^shifterflow: wf\.yaml: group g: jobs a and b share the group's allocation but ask for different #SBATCH options \(#SBATCH --nodes=2/m);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at .+:\d+:\d+/);
    assert.ok(!existsSync(join(ws, 'order')), 'nothing ran');
  });
});
