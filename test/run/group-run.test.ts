// Groups run end to end on the local executor, through the CLI: one submission for the group, each
// job of it with its own logs, states, trace rows and retries (a retry runs the group again from the
// job that failed), --job keeping the start of a group. Then resume and `status` of a detached run,
// with an executor that plays Slurm (the local executor's jobs do not outlive their runner).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKey, planWorkflow } from '../../runner/plan';
import { renderGroup, renderJob } from '../../runner/render';
import type { RunEvent } from '../../runner/run/events';
import type { Executor, Submission, TaskStatus } from '../../runner/run/executor';
import { isFinal, type JobState } from '../../runner/run/job-state';
import { readJournal } from '../../runner/run/journal';
import { refreshRun } from '../../runner/run/refresh';
import { createRunDir } from '../../runner/run/run-dir';
import { summarize } from '../../runner/run/run-summary';
import { runWorkflow } from '../../runner/run/run-workflow';
import { validateText } from '../../runner/workflow/validate';
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

  it("the group's time limit is the sum of its jobs': the job running when it is reached TIMEOUT, the later ones CANCELLED", () => {
    // 1 + 1 + 1 seconds: a is quick, b would sleep far past the group's 3 s.
    const text = chain('echo b >> order; sleep 30', { a: '    time: "0:01"\n', b: '    time: "0:01"\n', c: '    time: "0:01"\n' });
    const ws = workspace({ 'wf.yaml': text });
    const t0 = Date.now();
    const r = cli(ws, ['run', 'wf.yaml']);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(Date.now() - t0 < 20_000, 'stopped at the time limit');
    assert.match(readFileSync(join(runDir(ws), 'scripts', 'g@group.sbatch'), 'utf8'), /^#SBATCH --time=00:00:03$/m);
    const s = statusOf(ws);
    assert.deepEqual(s.jobs.map((j) => [j.key, j.state]), [['prep', 'COMPLETED'], ['a', 'COMPLETED'], ['b', 'TIMEOUT'], ['c', 'CANCELLED'], ['after', 'CANCELLED']]);
    assert.deepEqual(order(ws), ['prep', 'a', 'b']);
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

// ---- resume and status with a Slurm-like executor ----------------------------------------------
// The local executor's jobs live in its runner's process (a killed runner takes them with it), so a
// runner that goes away while a group runs is played with an executor whose jobs outlive runWorkflow,
// the test playing Slurm: it sets the rows and writes the markers the group's script would.

class FakeSlurm implements Executor {
  readonly name = 'slurm';
  readonly submitted: Submission[] = [];
  constructor(readonly submitConcurrency = 1) {}
  readonly rows = new Map<string, TaskStatus>();
  polls = 0;
  onPoll?: (n: number) => void;
  async submit(sub: Submission): Promise<string> {
    // Every dependency has its id before a job is submitted.
    for (const d of sub.dependsOn) assert.ok(this.rows.has(d), `${sub.job} submitted before its dependency ${d}`);
    if (this.submitConcurrency > 1) await new Promise((r) => setTimeout(r, 5));
    this.submitted.push(sub);
    const id = String(500 + this.submitted.length);
    this.rows.set(id, { externalId: id, state: 'PENDING' });
    return id;
  }
  async poll(ids: string[]): Promise<TaskStatus[]> {
    this.onPoll?.(++this.polls);
    // A run that waits for a job nobody plays (a bug) ends here instead of hanging the suite.
    if (this.polls > 300) for (const [id, row] of this.rows) if (!isFinal(row.state)) this.set(id, 'CANCELLED');
    return ids.flatMap((id) => (this.rows.has(id) ? [{ ...this.rows.get(id)! }] : []));
  }
  async cancel(ids: string[]): Promise<void> {
    for (const id of ids) if (this.rows.has(id) && !isFinal(this.rows.get(id)!.state)) this.set(id, 'CANCELLED');
  }
  async findByComment(comment: string): Promise<string | undefined> {
    const i = this.submitted.findIndex((s) => s.comment === comment);
    return i < 0 ? undefined : String(501 + i);
  }
  async close(): Promise<void> {}
  set(id: string, state: JobState, exitCode?: number): void {
    this.rows.set(id, { externalId: id, state, exitCode, nodes: state === 'PENDING' ? undefined : 'nid001' });
  }
  /** Forgets the last submission, as if the runner had died before making it. */
  forgetLast(): void {
    this.rows.delete(String(500 + this.submitted.length));
    this.submitted.pop();
  }
  groupSubmissions(): Submission[] {
    return this.submitted.filter((s) => s.scriptPath.endsWith('g@group.sbatch'));
  }
}

const SLURM_WF = `version: 1
name: grp
profile: slurm
defaults: { account: m1, time: "00:10:00", image: "docker:busybox:1.36" }
jobs:
  prep: { command: prep }
  a: { needs: [prep], group: g, command: a }
  b: { needs: [a], group: g, command: b }
  c: { needs: [b], group: g, command: c }
  after: { needs: [c], command: after }
`;

function slurmSetup(text = SLURM_WF, concurrency = 1) {
  const result = validateText(text, 'wf.yaml');
  assert.ok(result.workflow, JSON.stringify(result.diagnostics));
  const plan = planWorkflow(result.workflow, result.profile);
  const rendered = plan.jobs.map((j) => {
    const script = renderJob(j, plan);
    return { key: j.key, script, cacheKey: cacheKey(j, script) };
  });
  const groups = plan.groups.map((g) => ({ name: g.name, script: renderGroup(g, plan) }));
  const base = mkdtempSync(join(tmpdir(), 'sf-group-slurm-'));
  const dir = createRunDir(base);
  const ex = new FakeSlurm(concurrency);
  const events: RunEvent[] = [];
  const run = (extra: { detach?: boolean } = {}) =>
    runWorkflow({ plan, file: 'wf.yaml', rendered, groups, dir, executor: ex, prepareImages: async () => {}, onEvent: (e) => events.push(e), workdir: base, pollMs: { min: 1, max: 1 }, ...extra });
  /** The markers the group's script writes: started, and ended with a status when given. */
  const mark = (job: string, attempt: number, status?: number) => {
    const now = Math.floor(Date.now() / 1000);
    writeFileSync(join(dir.logs, `${job}.${attempt}.started`), `${now}\n`);
    if (status !== undefined) writeFileSync(join(dir.logs, `${job}.${attempt}.ended`), `${status} ${now}\n`);
  };
  const summary = () => summarize(readJournal(dir.journal))!;
  const states = () => summary().jobs.map((j) => [j.key, j.state, j.externalId]);
  /** Keeps the journal up to the first event `keep` says no to (a runner killed there). */
  const cutJournal = (keep: (e: RunEvent) => boolean) => {
    const lines = readFileSync(dir.journal, 'utf8').split('\n').filter(Boolean);
    const n = lines.findIndex((l) => !keep(JSON.parse(l) as RunEvent));
    writeFileSync(dir.journal, lines.slice(0, n < 0 ? lines.length : n).join('\n') + '\n');
  };
  return { dir, ex, run, mark, summary, states, cutJournal, cleanup: () => rmSync(base, { recursive: true, force: true }) };
}

/** Slurm from the middle of the group on: b ends, c runs and ends (poll `at`), then after (poll `at + 2`). */
function finishLater(s: ReturnType<typeof slurmSetup>, at: number, afterId: () => string | undefined) {
  s.ex.onPoll = (n) => {
    if (n === at) {
      s.mark('b', 1, 0);
      s.mark('c', 1, 0);
      s.ex.set('502', 'COMPLETED', 0);
      const id = afterId();
      if (id) s.ex.set(id, 'RUNNING');
    }
    if (n === at + 2) {
      const id = afterId();
      if (id) s.ex.set(id, 'COMPLETED', 0);
    }
  };
}

describe('run: groups with a Slurm-like executor (resume, status of a detached run)', function () {
  this.timeout(20_000);

  it('submits the group with its first job, the attempt and the log directory as arguments, after the jobs it needs', async () => {
    const s = slurmSetup();
    try {
      assert.equal(await s.run({ detach: true }), 'COMPLETED');
      assert.deepEqual(s.ex.submitted.map((x) => [x.job, x.name, x.dependsOn]), [['prep', 'grp.prep', []], ['a', 'grp.g', ['501']], ['after', 'grp.after', ['502']]]);
      const group = s.ex.submitted[1];
      assert.deepEqual(group.args, ['0', '1', s.dir.logs]);
      // Never requeued by Slurm (a requeue would rerun it under the same attempt); plain jobs without a NODE_FAIL retry may be.
      assert.deepEqual(s.ex.submitted.map((x) => x.noRequeue === true), [false, true, false]);
      assert.equal(group.comment, `shifterflow:${s.dir.id}:a:1`);
      assert.equal(group.scriptPath, join(s.dir.scripts, 'g@group.sbatch'));
      assert.equal(readFileSync(group.scriptPath, 'utf8').split('\n')[1], '#SBATCH --job-name=grp.g');
      assert.deepEqual(s.states(), [['prep', 'PENDING', '501'], ['a', 'PENDING', '502'], ['b', 'PENDING', '502'], ['c', 'PENDING', '502'], ['after', 'PENDING', '503']]);
    } finally {
      s.cleanup();
    }
  });

  it('resume while the group runs (the runner went away after submitting): follows it, submits nothing again', async () => {
    const s = slurmSetup();
    try {
      await s.run({ detach: true });
      s.ex.set('501', 'COMPLETED', 0);
      s.ex.set('502', 'RUNNING');
      s.mark('a', 1, 0);
      s.mark('b', 1);
      finishLater(s, 3, () => '503');
      assert.equal(await s.run(), 'COMPLETED');
      assert.equal(s.ex.submitted.length, 3, s.ex.submitted.map((x) => `${x.job} ${x.args ?? ''}`).join('; '));
      assert.deepEqual(s.states(), [['prep', 'COMPLETED', '501'], ['a', 'COMPLETED', '502'], ['b', 'COMPLETED', '502'], ['c', 'COMPLETED', '502'], ['after', 'COMPLETED', '503']]);
    } finally {
      s.cleanup();
    }
  });

  it('resume after the runner died between journaling the first job of the group and the others: the group is not submitted again', async () => {
    const s = slurmSetup();
    try {
      await s.run({ detach: true });
      // Killed right after a's job-submitted: b's and c's are not in the journal, after was never submitted.
      s.cutJournal((e) => !(e.type === 'job-submitted' && (e.job === 'b' || e.job === 'c' || e.job === 'after')));
      s.ex.forgetLast();
      assert.deepEqual(s.states().map((x) => x[1]), ['PENDING', 'PENDING', 'NOT_SUBMITTED', 'NOT_SUBMITTED', 'NOT_SUBMITTED']);
      s.ex.set('501', 'COMPLETED', 0);
      s.ex.set('502', 'RUNNING');
      s.mark('a', 1, 0);
      s.mark('b', 1);
      finishLater(s, 3, () => (s.ex.submitted.length >= 3 ? '503' : undefined));
      const status = await s.run();
      assert.deepEqual(s.ex.groupSubmissions().map((x) => x.args), [['0', '1', s.dir.logs]], 'the group once, from its first job');
      assert.equal(status, 'COMPLETED');
      assert.deepEqual(s.ex.submitted.map((x) => [x.job, x.dependsOn]), [['prep', []], ['a', ['501']], ['after', ['502']]]);
      assert.deepEqual(s.states(), [['prep', 'COMPLETED', '501'], ['a', 'COMPLETED', '502'], ['b', 'COMPLETED', '502'], ['c', 'COMPLETED', '502'], ['after', 'COMPLETED', '503']]);
    } finally {
      s.cleanup();
    }
  });

  it('resume after the runner died between submitting the group and journaling it: found by its comment, not submitted again', async () => {
    const s = slurmSetup();
    try {
      await s.run({ detach: true });
      s.cutJournal((e) => !(e.type === 'job-submitted' && e.job !== 'prep'));
      s.ex.forgetLast();
      s.ex.set('501', 'COMPLETED', 0);
      s.ex.set('502', 'RUNNING');
      s.mark('a', 1, 0);
      s.mark('b', 1);
      finishLater(s, 3, () => (s.ex.submitted.length >= 3 ? '503' : undefined));
      assert.equal(await s.run(), 'COMPLETED');
      assert.equal(s.ex.groupSubmissions().length, 1);
      assert.deepEqual(s.states().map((x) => x.slice(1)), [['COMPLETED', '501'], ['COMPLETED', '502'], ['COMPLETED', '502'], ['COMPLETED', '502'], ['COMPLETED', '503']]);
    } finally {
      s.cleanup();
    }
  });

  it('resume after the group failed while no runner followed it: runs the group again from the failed job', async () => {
    const s = slurmSetup();
    try {
      await s.run({ detach: true });
      s.ex.set('501', 'COMPLETED', 0);
      s.mark('a', 1, 0);
      s.mark('b', 1, 3);
      s.ex.set('502', 'FAILED', 3);
      s.ex.set('503', 'CANCELLED', 0);
      s.ex.onPoll = (n) => {
        if (n === 2) {
          s.mark('b', 2, 0);
          s.mark('c', 2, 0);
          s.ex.set('504', 'COMPLETED', 0);
          s.ex.set('505', 'COMPLETED', 0);
        }
      };
      assert.equal(await s.run(), 'COMPLETED');
      assert.deepEqual(s.ex.submitted.slice(3).map((x) => [x.job, x.args, x.comment, x.dependsOn]), [
        ['b', ['1', '2', s.dir.logs], `shifterflow:${s.dir.id}:b:2`, []],
        ['after', undefined, `shifterflow:${s.dir.id}:after:2`, ['504']],
      ]);
      // From b, the group asks for b's and c's time only (10 + 10 min), not a's as well; the first
      // submission left it to the script's #SBATCH --time (30 min).
      assert.deepEqual(s.ex.submitted.map((x) => x.time), [undefined, undefined, undefined, '00:20:00', undefined]);
      assert.deepEqual(s.summary().jobs.map((j) => [j.key, j.state, j.attempt, j.externalId]), [['prep', 'COMPLETED', 1, '501'], ['a', 'COMPLETED', 1, '502'], ['b', 'COMPLETED', 2, '504'], ['c', 'COMPLETED', 2, '504'], ['after', 'COMPLETED', 2, '505']]);
    } finally {
      s.cleanup();
    }
  });

  it('several submissions at once: the group once, after the outside job a later job of it needs', async () => {
    const text = `version: 1\nname: grp\nprofile: slurm\ndefaults: { account: m1, time: "00:10:00", image: "docker:busybox:1.36" }\njobs:\n  a: { group: g, command: a }\n  x: { command: x }\n  b: { needs: [a, x], group: g, command: b }\n  y: { command: y }\n  after: { needs: [b], command: after }\n`;
    const s = slurmSetup(text, 3);
    try {
      assert.equal(await s.run({ detach: true }), 'COMPLETED');
      const subs = s.ex.submitted.map((x) => x.job);
      assert.equal(s.ex.groupSubmissions().length, 1);
      assert.deepEqual([...subs].sort(), ['a', 'after', 'x', 'y']);
      const idOf = (job: string) => String(501 + subs.indexOf(job));
      assert.ok(subs.indexOf('x') < subs.indexOf('a'), subs.join(' '));
      assert.deepEqual(s.ex.groupSubmissions()[0].dependsOn, [idOf('x')]);
      assert.deepEqual(s.ex.submitted.find((x) => x.job === 'after')!.dependsOn, [idOf('a')]);
    } finally {
      s.cleanup();
    }
  });

  it('status of a detached run (refreshRun) gives each job of the group its own state, and sees the run end', async () => {
    const s = slurmSetup();
    try {
      await s.run({ detach: true });
      s.ex.set('501', 'COMPLETED', 0);
      s.ex.set('502', 'RUNNING');
      s.mark('a', 1, 0);
      s.mark('b', 1);
      await refreshRun(s.dir, s.ex);
      assert.deepEqual(s.states().map((x) => x[1]), ['COMPLETED', 'COMPLETED', 'RUNNING', 'PENDING', 'PENDING']);
      assert.equal(s.summary().status, 'RUNNING');
      s.mark('b', 1, 0);
      s.mark('c', 1, 0);
      s.ex.set('502', 'COMPLETED', 0);
      s.ex.set('503', 'COMPLETED', 0);
      await refreshRun(s.dir, s.ex);
      assert.deepEqual(s.states().map((x) => x[1]), ['COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED', 'COMPLETED']);
      assert.equal(s.summary().status, 'COMPLETED');
    } finally {
      s.cleanup();
    }
  });

  it('status of a detached run whose group failed: the failed job FAILED, the rest of the group CANCELLED, the run FAILED', async () => {
    const s = slurmSetup();
    try {
      await s.run({ detach: true });
      s.ex.set('501', 'COMPLETED', 0);
      s.mark('a', 1, 0);
      s.mark('b', 1, 3);
      s.ex.set('502', 'FAILED', 3);
      s.ex.set('503', 'CANCELLED', 0);
      await refreshRun(s.dir, s.ex);
      const jobs = s.summary().jobs;
      assert.deepEqual(jobs.map((j) => [j.key, j.state, j.exitCode]), [['prep', 'COMPLETED', 0], ['a', 'COMPLETED', 0], ['b', 'FAILED', 3], ['c', 'CANCELLED', undefined], ['after', 'CANCELLED', 0]]);
      assert.equal(s.summary().status, 'FAILED');
    } finally {
      s.cleanup();
    }
  });
});
