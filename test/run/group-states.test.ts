// memberStatuses: the state of each job of a group from the group's one Slurm row and the markers its
// script leaves beside the jobs' logs; parseMarkers: those markers' text, whatever a crash left.
import assert from 'node:assert/strict';
import type { TaskStatus } from '../../runner/run/executor';
import { memberStatuses, parseMarkers, type GroupMarkers } from '../../runner/run/group-states';
import type { JobState } from '../../runner/run/job-state';

const MEMBERS = ['a', 'b', 'c'];
const T = 1_790_000_000; // seconds since the epoch
const iso = (s: number) => new Date(s * 1000).toISOString();

function row(state: JobState, extra: Partial<TaskStatus> = {}): TaskStatus {
  return { externalId: '42', state, submitTime: iso(T - 100), ...extra };
}

/** Markers by job: [started] or [started, status, ended]. */
function markers(m: Record<string, [number] | [number, number, number]>): (job: string) => GroupMarkers {
  return (job) => {
    const x = m[job];
    if (!x) return {};
    return x.length === 1 ? { started: x[0] } : { started: x[0], ended: { status: x[1], at: x[2] } };
  };
}

/** [job, state, exitCode] per job: the part every case checks. */
function states(r: { job: string; status: TaskStatus }[]): [string, JobState, number | undefined][] {
  return r.map(({ job, status }) => [job, status.state, status.exitCode]);
}

describe('run: states of the jobs of a group', () => {
  it('a pending group: every job PENDING, none on a node, all with the group\'s id and submit time', () => {
    const r = memberStatuses(row('PENDING', { reason: 'Priority' }), MEMBERS, markers({}));
    assert.deepEqual(states(r), [['a', 'PENDING', undefined], ['b', 'PENDING', undefined], ['c', 'PENDING', undefined]]);
    for (const { status } of r) {
      assert.equal(status.externalId, '42');
      assert.equal(status.submitTime, iso(T - 100));
      assert.equal(status.nodes, undefined);
      assert.equal(status.startTime, undefined);
    }
  });

  it('running at the second job, the first ended: COMPLETED, RUNNING, PENDING', () => {
    const r = memberStatuses(row('RUNNING', { nodes: 'nid001', startTime: iso(T) }), MEMBERS, markers({ a: [T, 0, T + 5], b: [T + 5] }));
    assert.deepEqual(states(r), [['a', 'COMPLETED', 0], ['b', 'RUNNING', undefined], ['c', 'PENDING', undefined]]);
    assert.deepEqual([r[0].status.startTime, r[0].status.endTime, r[0].status.elapsedSeconds], [iso(T), iso(T + 5), 5]);
    assert.equal(r[1].status.startTime, iso(T + 5), 'its own start, not the group\'s');
    assert.equal(r[1].status.nodes, 'nid001');
    assert.equal(r[2].status.nodes, undefined);
    assert.equal(r[2].status.reason, 'an earlier job of its group did not complete');
  });

  it('running, the current job not started yet (between two jobs): RUNNING with the group\'s start', () => {
    const r = memberStatuses(row('RUNNING', { nodes: 'nid001', startTime: iso(T) }), MEMBERS, markers({ a: [T, 0, T + 5] }));
    assert.deepEqual(states(r).map((s) => s[1]), ['COMPLETED', 'RUNNING', 'PENDING']);
    assert.equal(r[1].status.startTime, iso(T));
  });

  it('a COMPLETED group with every job ended: each COMPLETED with its own times', () => {
    const r = memberStatuses(row('COMPLETED', { exitCode: 0, nodes: 'nid001', startTime: iso(T), endTime: iso(T + 30) }), MEMBERS, markers({ a: [T, 0, T + 5], b: [T + 5, 0, T + 25], c: [T + 25, 0, T + 30] }));
    assert.deepEqual(states(r), [['a', 'COMPLETED', 0], ['b', 'COMPLETED', 0], ['c', 'COMPLETED', 0]]);
    assert.deepEqual(r.map(({ status }) => status.elapsedSeconds), [5, 20, 5]);
    assert.deepEqual(r.map(({ status }) => status.nodes), ['nid001', 'nid001', 'nid001']);
  });

  it('a group that timed out while the second job ran: that job TIMEOUT, the third CANCELLED', () => {
    const r = memberStatuses(row('TIMEOUT', { exitCode: 0, startTime: iso(T), endTime: iso(T + 600), reason: 'TimeLimit' }), MEMBERS, markers({ a: [T, 0, T + 5], b: [T + 5] }));
    assert.deepEqual(states(r), [['a', 'COMPLETED', 0], ['b', 'TIMEOUT', 0], ['c', 'CANCELLED', undefined]]);
    assert.equal(r[1].status.endTime, iso(T + 600), 'it ended when the group did');
    assert.equal(r[1].status.reason, 'TimeLimit');
    assert.equal(r[2].status.reason, 'an earlier job of its group did not complete');
  });

  it('the first job failed: FAILED with its exit code, the others CANCELLED, even while the group row still says RUNNING', () => {
    for (const state of ['RUNNING', 'COMPLETING', 'FAILED'] as JobState[]) {
      const r = memberStatuses(row(state, { exitCode: state === 'FAILED' ? 7 : undefined }), MEMBERS, markers({ a: [T, 7, T + 2] }));
      assert.deepEqual(states(r), [['a', 'FAILED', 7], ['b', 'CANCELLED', undefined], ['c', 'CANCELLED', undefined]], state);
    }
  });

  it('a COMPLETED group with a job that left no end marker: FAILED, not COMPLETED', () => {
    const r = memberStatuses(row('COMPLETED', { exitCode: 0 }), MEMBERS, markers({ a: [T, 0, T + 1], b: [T + 1, 0, T + 2] }));
    assert.deepEqual(states(r).map((s) => s[1]), ['COMPLETED', 'COMPLETED', 'FAILED']);
    const none = memberStatuses(row('COMPLETED', { exitCode: 0 }), MEMBERS, markers({}));
    assert.deepEqual(states(none).map((s) => s[1]), ['FAILED', 'CANCELLED', 'CANCELLED']);
  });

  it('a group cancelled before it started (its dependency failed): every job CANCELLED', () => {
    const r = memberStatuses(row('CANCELLED', { exitCode: 0, reason: 'DependencyNeverSatisfied' }), MEMBERS, markers({}));
    assert.deepEqual(states(r), [['a', 'CANCELLED', 0], ['b', 'CANCELLED', undefined], ['c', 'CANCELLED', undefined]]);
    assert.equal(r[0].status.reason, 'DependencyNeverSatisfied');
  });

  it('a group that failed at the node level while a job ran: that job takes the group\'s state and exit code', () => {
    const r = memberStatuses(row('NODE_FAIL', { exitCode: 1 }), MEMBERS, markers({ a: [T] }));
    assert.deepEqual(states(r), [['a', 'NODE_FAIL', 1], ['b', 'CANCELLED', undefined], ['c', 'CANCELLED', undefined]]);
  });

  it('a resubmission from the second job: only the jobs it runs are asked about', () => {
    const asked: string[] = [];
    const r = memberStatuses(row('RUNNING'), ['b', 'c'], (job) => {
      asked.push(job);
      return job === 'b' ? { started: T } : {};
    });
    assert.deepEqual(states(r).map((s) => s.slice(0, 2)), [['b', 'RUNNING'], ['c', 'PENDING']]);
    assert.deepEqual(asked, ['b'], 'nothing is read for the jobs after the current one');
  });
});

describe('run: group markers', () => {
  it('reads a start and an end', () => {
    assert.deepEqual(parseMarkers(`${T}\n`, `0 ${T + 3}\n`), { started: T, ended: { status: 0, at: T + 3 } });
    assert.deepEqual(parseMarkers(`${T}`, `137 ${T + 3}`), { started: T, ended: { status: 137, at: T + 3 } });
    assert.deepEqual(parseMarkers(`${T}\n`, undefined), { started: T });
    assert.deepEqual(parseMarkers(undefined, undefined), {});
  });

  it('ignores junk: empty, cut short, words, negative or extra fields', () => {
    // Number('') and Number(' ') are 0: an empty marker must not read as a start in 1970.
    for (const started of ['', '\n', ' ', 'abc', 'NaN', 'Infinity', '-5', '0x10', '1e9', `${T} ${T}`]) assert.equal(parseMarkers(started, undefined).started, undefined, JSON.stringify(started));
    for (const ended of ['', '\n', '0', `0 ${T} extra`, `x ${T}`, `-1 ${T}`, `0  ${T}`, ` 0 ${T}`, `0 ${T}x`, `0\n${T}`]) assert.equal(parseMarkers(undefined, ended).ended, undefined, JSON.stringify(ended));
  });

  it('an end without a start is still an end (the start marker may be lost)', () => {
    assert.deepEqual(parseMarkers(undefined, `2 ${T}\n`), { ended: { status: 2, at: T } });
    const r = memberStatuses(row('FAILED', { exitCode: 2 }), ['a'], () => parseMarkers(undefined, `2 ${T}\n`));
    assert.deepEqual(states(r), [['a', 'FAILED', 2]]);
    assert.equal(r[0].status.elapsedSeconds, undefined);
  });
});
