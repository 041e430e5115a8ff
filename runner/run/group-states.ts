// One Slurm job runs a whole group (render/group-script.ts); the run follows each of its jobs apart.
// Slurm reports the group's job; the markers each job leaves beside its logs tell which of the jobs
// have started and how they ended. memberStatuses is pure; markersIn reads the files.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskStatus } from './executor';
import type { StatusRow } from './job-tracker';
import { isFinal, type JobState } from './job-state';

/** What the markers of one job of a group say (seconds since the epoch). */
export interface GroupMarkers {
  started?: number;
  ended?: { status: number; at: number };
}

/** Reads `<job>.<attempt>.started` ("SECONDS") and `.ended` ("STATUS SECONDS") texts; undefined: no file. */
export function parseMarkers(started: string | undefined, ended: string | undefined): GroupMarkers {
  const out: GroupMarkers = {};
  // Digits only, as `date +%s` writes them: Number('') is 0, and '0x10' or '1e9' are numbers too.
  const s = started === undefined ? null : /^(\d+)\s*$/.exec(started);
  if (s) out.started = Number(s[1]);
  const m = ended === undefined ? null : /^(\d+) (\d+)\s*$/.exec(ended);
  if (m) out.ended = { status: Number(m[1]), at: Number(m[2]) };
  return out;
}

/**
 * The status of each job of a group submission (`members`: the jobs it runs, in order), from the
 * group's Slurm row and the jobs' markers: ended jobs by their exit status; the first job that has
 * not ended is the one the group is at (PENDING/RUNNING while the group is, else the group's final
 * state: it was running when the group timed out, failed or was cancelled); the jobs after a failed
 * one, or after the one the group ended in, never ran: CANCELLED.
 */
export function memberStatuses(row: TaskStatus, members: readonly string[], markers: (job: string) => GroupMarkers): { job: string; status: TaskStatus }[] {
  const out: { job: string; status: TaskStatus }[] = [];
  const groupEnded = isFinal(row.state);
  let stopped = false;
  let current = false;
  for (const job of members) {
    const base: TaskStatus = { externalId: row.externalId, state: 'PENDING' };
    if (row.submitTime !== undefined) base.submitTime = row.submitTime;
    if (stopped || current) {
      out.push({ job, status: { ...base, state: stopped || groupEnded ? 'CANCELLED' : 'PENDING', reason: 'an earlier job of its group did not complete' } });
      continue;
    }
    const mk = markers(job);
    const status: TaskStatus = { ...base };
    if (row.nodes !== undefined) status.nodes = row.nodes;
    if (mk.started !== undefined) status.startTime = iso(mk.started);
    if (mk.ended) {
      status.state = mk.ended.status === 0 ? 'COMPLETED' : 'FAILED';
      status.exitCode = mk.ended.status;
      status.endTime = iso(mk.ended.at);
      if (mk.started !== undefined) status.elapsedSeconds = Math.max(0, mk.ended.at - mk.started);
      if (status.state === 'FAILED') stopped = true;
      out.push({ job, status });
      continue;
    }
    current = true;
    status.state = currentState(row.state, mk);
    if (groupEnded) {
      if (row.exitCode !== undefined) status.exitCode = row.exitCode;
      if (row.endTime !== undefined) status.endTime = row.endTime;
      if (row.reason !== undefined) status.reason = row.reason;
    } else if (status.startTime === undefined && row.startTime !== undefined && status.state === 'RUNNING') status.startTime = row.startTime;
    if (status.state === 'PENDING') delete status.nodes;
    out.push({ job, status });
  }
  return out;
}

function currentState(group: JobState, mk: GroupMarkers): JobState {
  if (!isFinal(group)) return group === 'PENDING' || mk.started === undefined && group !== 'RUNNING' ? group : 'RUNNING';
  // The group's script exits 0 only after every job ended: a COMPLETED group with a job that has no
  // end marker lost it (the log directory was not writable): a failure, not a success.
  return group === 'COMPLETED' ? 'FAILED' : group;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}

/** The markers of a group submission's jobs, read from the run's log directory. */
export function markersIn(logs: string, attempt: number): (job: string) => GroupMarkers {
  const read = (job: string, ext: string) => {
    try {
      return readFileSync(join(logs, `${job}.${attempt}.${ext}`), 'utf8');
    } catch {
      return undefined;
    }
  };
  return (job) => parseMarkers(read(job, 'started'), read(job, 'ended'));
}

/** What expandGroupRows needs to know of a job of the run (a tracked job, or one from the journal). */
export interface GroupedJob {
  key: string;
  group?: string;
  externalId?: string;
  attempt: number;
}

/**
 * Each group's Slurm row as one row per job of that submission (named by `job`), read from their
 * markers in `logs`; other rows as they are. `jobs` in plan order, which is each group's order. The
 * runner and `status` of a run nobody follows read a group's row this one way.
 */
export function expandGroupRows(rows: TaskStatus[], jobs: Iterable<GroupedJob>, logs: string): StatusRow[] {
  const byId = new Map<string, GroupedJob[]>();
  for (const j of jobs) {
    if (j.group === undefined || j.externalId === undefined) continue;
    const list = byId.get(j.externalId);
    if (list) list.push(j);
    else byId.set(j.externalId, [j]);
  }
  if (byId.size === 0) return rows;
  const out: StatusRow[] = [];
  for (const row of rows) {
    const members = byId.get(row.externalId);
    if (!members) out.push(row);
    else for (const { job, status } of memberStatuses(row, members.map((m) => m.key), markersIn(logs, members[0].attempt))) out.push({ ...status, job });
  }
  return out;
}
