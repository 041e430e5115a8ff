import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Submission } from '../../runner/run/executor';
import { isTransientSlurmError } from '../../runner/slurm/errors';
import { assertJobIds, expandArrayRange, parseJobId } from '../../runner/slurm/job-id';
import { Backoff } from '../../runner/slurm/retry';
import { parseExitCode, parseSacct, sacctArgv, type SacctMemo } from '../../runner/slurm/sacct';
import { parseSbatchOutput, sbatchArgv, taskDependencyArgvs } from '../../runner/slurm/sbatch';
import { parseDuration, parseSqueueComments, parseSqueueStatus, squeueCommentArgv, squeueStatusArgv } from '../../runner/slurm/squeue';
import * as rec from './recorded';
import { FakeClock } from './scripted-runner';

const sub: Submission = {
  job: 'simulate',
  attempt: 1,
  name: 'tomo.simulate',
  comment: 'shifterflow:run-20260101-abc:simulate:1',
  scriptPath: '/runs/r1/simulate.sbatch',
  dependsOn: ['101', '102'],
  stdoutPath: '/runs/r1/logs/simulate-%j.out',
  stderrPath: '/runs/r1/logs/simulate-%j.err',
  workdir: '/global/homes/a/alice/wf',
};

describe('slurm: job ids', () => {
  it('reads plain, array task, pending-array, step and het ids', () => {
    assert.deepEqual(parseJobId('123'), { jobId: '123' });
    assert.deepEqual(parseJobId('123_4'), { jobId: '123', arrayIndex: 4 });
    assert.deepEqual(parseJobId('123_[0-3]'), { jobId: '123', pendingIndices: [0, 1, 2, 3] });
    assert.deepEqual(parseJobId('123.batch'), { jobId: '123', step: 'batch' });
    assert.deepEqual(parseJobId('7_3.batch'), { jobId: '7', arrayIndex: 3, step: 'batch' });
    assert.deepEqual(parseJobId('123_4.0'), { jobId: '123', arrayIndex: 4, step: '0' });
    assert.deepEqual(parseJobId('123+1'), { jobId: '123', hetOffset: 1 });
    assert.equal(parseJobId('abc'), undefined);
    assert.equal(parseJobId(''), undefined);
  });

  it('expands Slurm array ranges: lists, ranges, steps, throttles', () => {
    assert.deepEqual(expandArrayRange('[0-9]'), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(expandArrayRange('[0,2]'), [0, 2]);
    assert.deepEqual(expandArrayRange('[2-5%2]'), [2, 3, 4, 5]);
    assert.deepEqual(expandArrayRange('[1,3,5-7]'), [1, 3, 5, 6, 7]);
    assert.deepEqual(expandArrayRange('[0-10:5]'), [0, 5, 10]);
    assert.deepEqual(expandArrayRange('[3,1,3]'), [1, 3]);
    assert.equal(expandArrayRange('[5-1]'), undefined);
    assert.equal(expandArrayRange('[x]'), undefined);
    assert.equal(expandArrayRange('[0-99999999]'), undefined, 'refuses absurd sizes instead of allocating');
  });

  it('refuses anything but 123 or 123_4 as an argument', () => {
    assert.doesNotThrow(() => assertJobIds(['1', '22_3']));
    assert.throws(() => assertJobIds(['--me']), TypeError);
    assert.throws(() => assertJobIds(['1;2']), TypeError);
    assert.throws(() => assertJobIds(['']), TypeError);
  });
});

describe('slurm: sbatch', () => {
  it('builds the argv in the documented order, dependencies joined with :', () => {
    assert.deepEqual(sbatchArgv(sub), [
      'sbatch',
      '--parsable',
      '--kill-on-invalid-dep=yes',
      '--dependency=afterok:101:102',
      '--job-name=tomo.simulate',
      '--comment=shifterflow:run-20260101-abc:simulate:1',
      '--output=/runs/r1/logs/simulate-%j.out',
      '--error=/runs/r1/logs/simulate-%j.err',
      '--chdir=/global/homes/a/alice/wf',
      '/runs/r1/simulate.sbatch',
    ]);
  });

  it('passes a partly cached array as --array=LIST before the script, and refuses anything else there', () => {
    const argv = sbatchArgv({ ...sub, array: '1,4,7%2' });
    assert.equal(argv[argv.length - 2], '--array=1,4,7%2');
    assert.ok(sbatchArgv({ ...sub, array: '0-3,9' }).includes('--array=0-3,9'));
    for (const bad of ['', '1;rm -rf /', '1,', '$(x)', '1 2', '--wrap=x']) assert.throws(() => sbatchArgv({ ...sub, array: bad }), TypeError, bad);
  });

  it('leaves out --dependency without dependencies, dedupes them, adds cluster and extra args', () => {
    const argv = sbatchArgv({ ...sub, dependsOn: [] }, { sbatch: '/usr/bin/sbatch', cluster: 'perlmutter', extraArgs: ['--account=m1234'] });
    assert.equal(argv[0], '/usr/bin/sbatch');
    assert.ok(!argv.some((a) => a.startsWith('--dependency')));
    assert.ok(argv.includes('--clusters=perlmutter'));
    assert.equal(argv[argv.length - 2], '--account=m1234');
    assert.ok(sbatchArgv({ ...sub, dependsOn: ['5', '5', '6'] }).includes('--dependency=afterok:5:6'));
  });

  it('waits for single array tasks (afterok:ID_T) and corresponding tasks (aftercorr), all of them together', () => {
    assert.ok(sbatchArgv({ ...sub, dependsOn: ['5_2', '6'], dependsOnCorresponding: ['7'] }).includes('--dependency=afterok:5_2:6,aftercorr:7'));
    assert.ok(sbatchArgv({ ...sub, dependsOn: [], dependsOnCorresponding: ['7', '8'] }).includes('--dependency=aftercorr:7:8'));
    assert.throws(() => sbatchArgv({ ...sub, dependsOn: [], dependsOnCorresponding: ['7,afterany:1'] }), /not Slurm job ids/);
  });

  it('gives tasks that wait for fewer aftercorr arrays their own dependency, afterok kept (scontrol update per group of tasks)', () => {
    const corr = { ...sub, dependsOn: ['5_2'], dependsOnCorresponding: ['7', '8'], correspondingByTask: [{ tasks: [4, 1, 3], waitFor: ['8'] }, { tasks: [6], waitFor: [] }] };
    assert.ok(sbatchArgv(corr).includes('--dependency=afterok:5_2,aftercorr:7:8'), 'sbatch itself gives every task all of them');
    assert.deepEqual(taskDependencyArgvs(corr, '900'), [
      ['scontrol', 'update', 'JobId=900_[1,3-4]', 'Dependency=afterok:5_2,aftercorr:8'],
      ['scontrol', 'update', 'JobId=900_6', 'Dependency=afterok:5_2'],
    ]);
    // Nothing left to wait for: an empty dependency (scontrol clears it).
    assert.deepEqual(taskDependencyArgvs({ ...corr, dependsOn: [], correspondingByTask: [{ tasks: [0, 1, 2], waitFor: [] }] }, '900', { scontrol: '/opt/slurm/bin/scontrol', cluster: 'perlmutter' }), [
      ['/opt/slurm/bin/scontrol', '--clusters=perlmutter', 'update', 'JobId=900_[0-2]', 'Dependency='],
    ]);
    assert.deepEqual(taskDependencyArgvs(sub, '900'), []);
    assert.throws(() => taskDependencyArgvs({ ...corr, correspondingByTask: [{ tasks: [1], waitFor: ['8 Priority=0'] }] }, '900'), /not Slurm job ids/);
  });

  it('keeps spaces and shell characters as plain argv text, makes the script path absolute', () => {
    const argv = sbatchArgv({ ...sub, comment: 'a b; $(rm -rf ~) `x`', scriptPath: 'rel/-x.sh', dependsOn: [] });
    assert.ok(argv.includes('--comment=a b; $(rm -rf ~) `x`'));
    assert.equal(argv[argv.length - 1], path.resolve('rel/-x.sh'));
  });

  it("passes a group's arguments after the script and a time limit before it (overriding #SBATCH --time)", () => {
    const argv = sbatchArgv({ ...sub, dependsOn: [], args: ['1', '2', '/runs/x y/logs'], time: '00:20:00' });
    assert.deepEqual(argv.slice(-4), [path.resolve(sub.scriptPath), '1', '2', '/runs/x y/logs']);
    assert.ok(argv.indexOf('--time=00:20:00') < argv.indexOf(path.resolve(sub.scriptPath)));
    assert.throws(() => sbatchArgv({ ...sub, time: '1:00\n#' }), TypeError);
  });

  it('passes part of an array (--array=, overriding #SBATCH --array) before the script', () => {
    const argv = sbatchArgv({ ...sub, dependsOn: [], array: '1-3,7%10' });
    assert.ok(argv.includes('--array=1-3,7%10'));
    assert.ok(argv.indexOf('--array=1-3,7%10') < argv.indexOf(path.resolve(sub.scriptPath)));
    assert.ok(!sbatchArgv({ ...sub, dependsOn: [] }).some((a) => a.startsWith('--array')));
    assert.throws(() => sbatchArgv({ ...sub, array: '1\n#' }), TypeError);
  });

  it('refuses dependency ids that are not job ids and fields with line breaks', () => {
    assert.throws(() => sbatchArgv({ ...sub, dependsOn: ['--wrap=x'] }), TypeError);
    assert.throws(() => sbatchArgv({ ...sub, comment: 'a\nb' }), TypeError);
    assert.throws(() => sbatchArgv({ ...sub, name: '' }), TypeError);
  });

  it('reads 12345 and 12345;cluster, after warnings', () => {
    assert.deepEqual(parseSbatchOutput('12345\n'), { jobId: '12345' });
    assert.deepEqual(parseSbatchOutput('12345;perlmutter\n'), { jobId: '12345', cluster: 'perlmutter' });
    assert.deepEqual(parseSbatchOutput('sbatch: warning: something\n678\n'), { jobId: '678' });
    assert.equal(parseSbatchOutput(''), undefined);
    assert.equal(parseSbatchOutput('Submitted batch job 5\n'), undefined);
  });

  it('tells transient controller trouble from refusals', () => {
    for (const t of [rec.SBATCH_TIMEOUT, rec.SBATCH_NO_CONTROLLER, rec.SQUEUE_NO_CONTROLLER, rec.SACCT_NO_DBD, 'Zero Bytes were transmitted or received', 'Resource temporarily unavailable']) {
      assert.ok(isTransientSlurmError(t), t);
    }
    for (const t of [rec.SBATCH_INVALID_QOS, rec.SBATCH_NO_IMAGE, rec.SBATCH_BAD_VOLUME, rec.SQUEUE_INVALID_ID]) assert.ok(!isTransientSlurmError(t), t);
  });
});

describe('slurm: sacct', () => {
  it('with a memo of the last poll: the same statuses, unchanged lines not parsed again (same objects)', () => {
    const line = (i: number, state: string, exit = '0:0', end = 'Unknown') => `${900 + i}|77_${i}|${state}|${exit}|n${(i % 3) + 1}|2026-11-22T04:00:00|2026-11-22T04:00:01|${end}|5|None`;
    const poll1 = ['77_[5-9]|77_[5-9]|PENDING|0:0|None assigned|2026-11-22T04:00:00|Unknown|Unknown|0|Priority', ...[0, 1, 2, 3, 4].map((i) => line(i, 'RUNNING'))].join('\n') + '\n';
    const poll2 = [...[0, 1].map((i) => line(i, 'RUNNING')), line(2, 'COMPLETED', '0:0', '2026-11-22T04:00:09'), line(3, 'FAILED', '3:0', '2026-11-22T04:00:09'), line(4, 'RUNNING'), ...[5, 6, 7, 8, 9].map((i) => line(i, 'RUNNING'))].join('\n') + '\n';
    const memo: SacctMemo = { lines: new Map() };
    const a = parseSacct(poll1, memo);
    assert.deepEqual(a, parseSacct(poll1));
    assert.equal(memo.lines.size, 5, 'the pending [5-9] row is not kept');
    const b = parseSacct(poll2, memo);
    assert.deepEqual(b, parseSacct(poll2));
    const byIndex = (xs: typeof a) => new Map(xs.map((x) => [x.arrayIndex, x]));
    const [pa, pb] = [byIndex(a), byIndex(b)];
    for (const i of [0, 1, 4]) assert.equal(pb.get(i), pa.get(i), `task ${i} unchanged: same object`);
    for (const i of [2, 3]) assert.notEqual(pb.get(i), pa.get(i), `task ${i} changed: a new status`);
    assert.deepEqual([pb.get(3)!.state, pb.get(3)!.exitCode], ['FAILED', 3]);
    assert.equal(memo.lines.size, 10, 'the memo holds the last poll only');
    assert.deepEqual(parseSacct('', memo), []);
    assert.equal(memo.lines.size, 0);
  });

  it('asks for every id in one query', () => {
    assert.deepEqual(sacctArgv(['5', '7', '8_2']), ['sacct', '-n', '-P', '-X', '--jobs=5,7,8_2', '--format=JobIDRaw,JobID,State,ExitCode,NodeList,Submit,Start,End,ElapsedRaw,Reason']);
  });

  it('reads code:signal', () => {
    assert.deepEqual(parseExitCode('2:0'), { code: 2, signal: 0 });
    assert.deepEqual(parseExitCode('0:15'), { code: 0, signal: 15 });
    assert.equal(parseExitCode(''), undefined);
  });

  it('reads finished jobs: exit codes, CANCELLED by uid, the batch step signal, array tasks by index', () => {
    const s = parseSacct(rec.SACCT_MIXED);
    assert.deepEqual(
      s.map((x) => [x.externalId, x.arrayIndex, x.state, x.exitCode, x.signal]),
      [
        ['5', undefined, 'COMPLETED', 0, undefined],
        ['6', undefined, 'FAILED', 3, undefined],
        ['8', undefined, 'CANCELLED', 0, 15],
        ['7', 0, 'COMPLETED', 0, undefined],
        ['7', 1, 'COMPLETED', 0, undefined],
        ['7', 2, 'COMPLETED', 0, undefined],
        ['7', 3, 'COMPLETED', 0, undefined],
      ],
    );
    assert.deepEqual(s[0], {
      externalId: '5',
      state: 'COMPLETED',
      exitCode: 0,
      nodes: 'n1',
      submitTime: '2026-11-22T01:22:02',
      startTime: '2026-11-22T01:22:03',
      endTime: '2026-11-22T01:22:05',
      elapsedSeconds: 2,
    });
    assert.equal(s[3].reason, undefined, 'the stale pending reason of a finished task is not reported');
  });

  it('expands a pending-array row and lets a task row win over it', () => {
    const s = parseSacct(rec.SACCT_ARRAY_RUNNING);
    assert.deepEqual(
      s.map((x) => [x.externalId, x.arrayIndex ?? null, x.state, x.signal ?? null, x.reason ?? null]),
      [
        ['60', null, 'FAILED', 9, null],
        ['59', 0, 'COMPLETED', null, null],
        ['59', 1, 'COMPLETED', null, null],
        ['59', 2, 'PENDING', null, 'JobArrayTaskLimit'],
        ['59', 3, 'PENDING', null, 'JobArrayTaskLimit'],
        ['59', 4, 'PENDING', null, 'JobArrayTaskLimit'],
        ['59', 5, 'PENDING', null, 'JobArrayTaskLimit'],
      ],
    );
    const pending = s.find((x) => x.arrayIndex === 4)!;
    assert.equal(pending.nodes, undefined, '"None assigned" is no node');
    assert.equal(pending.startTime, undefined, '"Unknown" is no time');
    assert.equal(pending.exitCode, undefined, 'no exit code before the end');
  });

  it('reads a never-started array range cancelled by its user', () => {
    const s = parseSacct(rec.SACCT_PENDING_ARRAY_CANCELLED);
    assert.deepEqual(
      s.map((x) => [x.arrayIndex, x.state, x.startTime ?? null, x.endTime ?? null]),
      [
        [1, 'COMPLETED', '2026-11-22T01:22:24', '2026-11-22T01:22:25'],
        [0, 'CANCELLED', null, '2026-11-22T01:22:27'],
        [2, 'CANCELLED', null, '2026-11-22T01:22:27'],
      ],
    );
  });

  it('reads jobs that never ran (dependency never satisfied, launch failure)', () => {
    const s = parseSacct(rec.SACCT_NEVER_RAN);
    assert.deepEqual(s.map((x) => [x.externalId, x.state, x.nodes ?? null, x.signal ?? null]), [
      ['16', 'CANCELLED', null, null],
      ['17', 'FAILED', 'n1', 53],
    ]);
  });

  it('takes the batch script signal when the job row has none (TIMEOUT), and cut state names', () => {
    const s = parseSacct(
      [
        '40|40|TIMEOUT|0:0|n2|2026-01-01T00:00:00|2026-01-01T00:00:01|2026-01-01T00:01:02|61|None',
        '40.batch|40.batch|CANCELLED|0:15|n2|2026-01-01T00:00:01|2026-01-01T00:00:01|2026-01-01T00:01:02|61|',
        '40.extern|40.extern|COMPLETED|0:0|n2|2026-01-01T00:00:01|2026-01-01T00:00:01|2026-01-01T00:01:02|61|',
        '40.0|40.0|FAILED|1:0|n2|2026-01-01T00:00:01|2026-01-01T00:00:01|2026-01-01T00:01:02|61|',
        '41|41|OUT_OF_ME+|0:125|n3|2026-01-01T00:00:00|2026-01-01T00:00:01|2026-01-01T00:00:09|8|None',
        '42|42|RUNNING|0:0|n[1-2]|2026-01-01T00:00:00|2026-01-01T00:00:01|Unknown|30|None',
        '',
        'garbage line',
      ].join('\n'),
    );
    assert.deepEqual(s.map((x) => [x.externalId, x.state, x.exitCode ?? null, x.signal ?? null, x.endTime ?? null]), [
      ['40', 'TIMEOUT', 0, 15, '2026-01-01T00:01:02'],
      ['41', 'OUT_OF_MEMORY', 0, 125, '2026-01-01T00:00:09'],
      ['42', 'RUNNING', null, null, null],
    ]);
    assert.equal(s[2].nodes, 'n[1-2]');
    assert.equal(s[2].elapsedSeconds, 30);
  });

  it('returns nothing for an empty answer (jobs the database does not know yet)', () => {
    assert.deepEqual(parseSacct(''), []);
  });
});

describe('slurm: squeue', () => {
  it('builds the status and the comment queries', () => {
    assert.deepEqual(squeueStatusArgv(['59', '60']), ['squeue', '-h', '-t', 'all', '--jobs=59,60', '-o', '%i|%T|%N|%V|%S|%e|%M|%r']);
    assert.deepEqual(squeueCommentArgv(), ['squeue', '--me', '-h', '-t', 'all', '-o', '%i|%k']);
  });

  it('reads statuses, expands pending array rows, ignores expected start/end times', () => {
    const s = parseSqueueStatus(rec.SQUEUE_STATUS);
    assert.deepEqual(
      s.map((x) => [x.externalId, x.arrayIndex ?? null, x.state, x.reason ?? null]),
      [
        ['59', 0, 'COMPLETED', null],
        ['59', 1, 'COMPLETED', null],
        ['60', null, 'FAILED', 'JobLaunchFailure'],
        ['59', 4, 'PENDING', 'JobArrayTaskLimit'],
        ['59', 5, 'PENDING', 'JobArrayTaskLimit'],
        ['59', 2, 'RUNNING', null],
        ['59', 3, 'RUNNING', null],
      ],
    );
    const running = s[5];
    assert.equal(running.startTime, '2026-11-22T01:28:03');
    assert.equal(running.endTime, undefined, 'a running job has no end yet (%e is the limit)');
    assert.equal(running.elapsedSeconds, 1);
    assert.equal(s[0].endTime, '2026-11-22T01:28:03');
  });

  it('reads durations', () => {
    assert.equal(parseDuration('0:03'), 3);
    assert.equal(parseDuration('1:02:03'), 3723);
    assert.equal(parseDuration('2-00:00:01'), 172801);
    assert.equal(parseDuration('INVALID'), undefined);
  });

  it('reads comments (a | inside a comment included), skipping (null)', () => {
    const rows = parseSqueueComments(rec.SQUEUE_COMMENTS);
    assert.deepEqual(rows[0], { jobId: '8', comment: 'sf run1 long|x' });
    assert.ok(!rows.some((r) => r.comment === '(null)'));
    assert.deepEqual(
      rows.filter((r) => r.comment === 'sf:run1:arr').map((r) => r.jobId),
      ['7', '7', '7', '7'],
    );
    assert.deepEqual(rows.find((r) => r.comment === 'sf:held'), { jobId: '12', comment: 'sf:held' });
  });
});

describe('slurm: backoff', () => {
  it('doubles up to the cap and stops at the total budget', () => {
    const clock = new FakeClock();
    const b = new Backoff({ initialDelayMs: 1000, factor: 2, maxDelayMs: 4000, totalMs: 10_000 }, clock);
    const waits: number[] = [];
    for (let w = b.next(); w !== undefined; w = b.next()) {
      waits.push(w);
      clock.t += w;
    }
    assert.deepEqual(waits, [1000, 2000, 4000, 3000]);
    assert.equal(b.attempts, 4);
  });
});
