// The journal read back (streamed in chunks) and what is made of it: the run summary behind `status`,
// `runs`, the report and the Runs view; trace.tsv; report.html.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '../../runner/run/events';
import { journalEvents, readJournal } from '../../runner/run/journal';
import { renderReport, TIMELINE_TASK_ROWS } from '../../runner/run/report';
import { summarize } from '../../runner/run/run-summary';
import { traceRows } from '../../runner/run/trace';
import type { Plan } from '../../runner/plan/types';

const T = '2026-11-22T05:00:00.000Z';
const started = (jobs: { key: string; needs?: string[]; arraySize?: number }[]): RunEvent => ({ type: 'run-started', time: T, runId: 'r1', workflow: 'wf', file: 'wf.yaml', profile: 'slurm', executor: 'slurm', jobs: jobs.map((j) => ({ cacheKey: 'k', needs: [], ...j })) });
const submitted = (job: string, attempt: number, externalId: string): RunEvent => ({ type: 'job-submitted', time: T, job, attempt, externalId, cacheKey: 'k' });
const state = (job: string, attempt: number, externalId: string, s: string, more: Partial<Extract<RunEvent, { type: 'job-state' }>> = {}): RunEvent => ({ type: 'job-state', time: T, job, attempt, externalId, state: s as never, ...more });

describe('journal: read back in chunks', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sf-journal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every event of a journal larger than one chunk, multi-byte text cut anywhere, and skips a torn last line', () => {
    const path = join(dir, 'journal.jsonl');
    const events: RunEvent[] = [started([{ key: 'é-job', arraySize: 30000 }]), submitted('é-job', 1, '7')];
    for (let i = 0; i < 30000; i++) events.push(state('é-job', 1, '7', 'COMPLETED', { arrayIndex: i, nodes: `nœud-${i % 3}-→`, exitCode: 0 }));
    writeFileSync(path, events.map((e) => JSON.stringify(e) + '\n').join(''));
    appendFileSync(path, '{"type":"job-state","time":"2026-11-22T05:0'); // the runner died mid-write
    const back = [...journalEvents(path)];
    assert.ok(back.length > 1000 && JSON.stringify(events).length > 2 * (1 << 20), 'more than one chunk');
    assert.deepEqual(back, events);
    assert.deepEqual(readJournal(path), events);
    assert.deepEqual([...journalEvents(join(dir, 'none.jsonl'))], []);
  });
});

describe('run summary, trace and report', () => {
  const events: RunEvent[] = [
    started([{ key: 'a' }, { key: 'arr', needs: ['a'], arraySize: 3 }, { key: 'z', needs: ['arr'] }]),
    submitted('a', 1, '10'),
    submitted('arr', 1, '11'),
    submitted('z', 1, '12'),
    state('a', 1, '10', 'RUNNING', { nodes: 'n1', start: T }),
    state('a', 1, '10', 'FAILED', { exitCode: 3, nodes: 'n1', start: T, end: T }),
    state('z', 1, '12', 'CANCELLED'),
    // a retry: attempt 2 replaces attempt 1's tasks; a late row about attempt 1 changes nothing
    submitted('a', 2, '20'),
    state('a', 1, '10', 'FAILED', { exitCode: 3 }),
    state('a', 2, '20', 'COMPLETED', { exitCode: 0, nodes: 'n2', start: T, end: T }),
    state('arr', 1, '11', 'RUNNING', { arrayIndex: 0, nodes: 'n1', start: T }),
    state('arr', 1, '11', 'COMPLETED', { arrayIndex: 0, exitCode: 0, nodes: 'n1', start: T, end: T }),
    state('arr', 1, '11', 'COMPLETED', { arrayIndex: 2, exitCode: 0, nodes: 'n3', start: T, end: T }),
  ];

  it('a job is the sum of its latest attempt: array tasks counted once, a retry starts over', () => {
    const s = summarize(events)!;
    assert.equal(s.status, 'RUNNING');
    const by = new Map(s.jobs.map((j) => [j.key, j]));
    assert.deepEqual({ state: by.get('a')!.state, attempt: by.get('a')!.attempt, id: by.get('a')!.externalId, exit: by.get('a')!.exitCode }, { state: 'COMPLETED', attempt: 2, id: '20', exit: 0 });
    assert.equal(by.get('arr')!.state, 'RUNNING', '2 of 3 tasks ended');
    assert.equal(by.get('arr')!.tasks.length, 2);
    assert.equal(by.get('z')!.state, 'CANCELLED');
    const more = summarize([...events, state('arr', 1, '11', 'FAILED', { arrayIndex: 1, exitCode: 9 }), { type: 'run-finished', time: T, status: 'FAILED' }])!;
    const arr = more.jobs.find((j) => j.key === 'arr')!;
    assert.deepEqual({ state: arr.state, exit: arr.exitCode, tasks: arr.tasks.length }, { state: 'FAILED', exit: 9, tasks: 3 });
    assert.equal(more.status, 'FAILED');
    assert.equal(summarize(events.slice(1)), undefined, 'no run-started: no run');
  });

  it('trace.tsv has one row per attempt and task; the report escapes what it shows', () => {
    const plan = { jobs: [{ key: 'a', image: { ref: 'docker:a:1' } }, { key: 'arr', image: { ref: 'docker:b:1' } }, { key: 'z', image: { ref: 'docker:a:1' } }] } as unknown as Plan;
    const rows = traceRows(plan, events);
    assert.deepEqual(rows.map((r) => `${r[0]}#${r[1]}[${r[3]}] ${r[7]} ${r[4]}`), ['a#1[] FAILED docker:a:1', 'z#1[] CANCELLED docker:a:1', 'a#2[] COMPLETED docker:a:1', 'arr#1[0] COMPLETED docker:b:1', 'arr#1[2] COMPLETED docker:b:1']);
    const hostile = [started([{ key: '<img src=x onerror=alert(1)>' }]), submitted('<img src=x onerror=alert(1)>', 1, '5'), state('<img src=x onerror=alert(1)>', 1, '5', 'COMPLETED', { start: T, end: T })];
    const html = renderReport(summarize(hostile)!, hostile);
    assert.doesNotMatch(html, /<img/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  });

  it(`the timeline draws an array of more than ${TIMELINE_TASK_ROWS} tasks as one bar with counts by state`, () => {
    const big = TIMELINE_TASK_ROWS + 1;
    const ev: RunEvent[] = [started([{ key: 'small', arraySize: 3 }, { key: 'big', arraySize: big }]), submitted('small', 1, '1'), submitted('big', 1, '2')];
    for (let i = 0; i < 3; i++) ev.push(state('small', 1, '1', 'COMPLETED', { arrayIndex: i, start: T, end: '2026-11-22T05:00:01.000Z' }));
    for (let i = 0; i < big; i++) ev.push(state('big', 1, '2', i === 7 ? 'FAILED' : 'COMPLETED', { arrayIndex: i, start: T, end: '2026-11-22T05:00:04.000Z' }));
    const html = renderReport(summarize(ev)!, ev);
    assert.match(html, /small\[0\]/);
    assert.match(html, /small\[2\]/);
    assert.doesNotMatch(html, /big\[/);
    assert.match(html, new RegExp(`big \\(${big} tasks\\): ${big - 1} COMPLETED, 1 FAILED, 4.0 s from the first start to the last end`));
  });
});
