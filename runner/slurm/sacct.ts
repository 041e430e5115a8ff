// sacct: the source of truth for jobs that have ended. One query for every id of a poll.
//
// Rows (`-n -P -X`): the job row (`123`, `123_4`, or `123_[0-9]` for array tasks not started yet),
// allocations only. `-X` leaves out the steps (`123.batch`, `123.extern`, `123.0`): for a 10,000-task
// array that is 10,000 rows per poll instead of 30,000+, and the runner needs only the job's state and
// exit code (docs/shifter.md: the job's state is the batch script's exit status). The parser still reads a `.batch` row when given one (output
// recorded without -X): the signal that ended the script (a cancelled job shows `0:0` on its job row
// and `0:15` on its batch row) is then kept in TaskStatus.signal.

import type { TaskStatus } from '../run/executor';
import { isFinal, parseState, type JobState } from '../run/job-state';
import { assertJobIds, parseJobId } from './job-id';

export const SACCT_FIELDS = ['JobIDRaw', 'JobID', 'State', 'ExitCode', 'NodeList', 'Submit', 'Start', 'End', 'ElapsedRaw', 'Reason'] as const;

export interface SacctArgvOptions {
  sacct?: string;
  cluster?: string;
}

export function sacctArgv(ids: readonly string[], opts: SacctArgvOptions = {}): string[] {
  assertJobIds(ids);
  const argv = [opts.sacct ?? 'sacct', '-n', '-P', '-X'];
  if (opts.cluster) argv.push(`--clusters=${opts.cluster}`);
  argv.push(`--jobs=${ids.join(',')}`, `--format=${SACCT_FIELDS.join(',')}`);
  return argv;
}

/** `2:0` -> code 2, signal 0. */
export function parseExitCode(text: string): { code: number; signal: number } | undefined {
  const m = /^(\d+):(\d+)$/.exec(text.trim());
  return m ? { code: Number(m[1]), signal: Number(m[2]) } : undefined;
}

/** Slurm's "no value" spellings become undefined. */
export function slurmValue(text: string | undefined): string | undefined {
  const t = text?.trim();
  if (!t || ['Unknown', 'None', 'NONE', 'N/A', '(null)', 'None assigned', 'INVALID'].includes(t)) return undefined;
  return t;
}

interface Row {
  jobId: string;
  arrayIndex?: number;
  state: JobState;
  exit?: { code: number; signal: number };
  nodes?: string;
  submit?: string;
  start?: string;
  end?: string;
  elapsed?: number;
  reason?: string;
  /** The status made from this row without a batch row, kept with it for the next poll. */
  status?: TaskStatus;
}

/**
 * Rows of the previous poll by their exact text. Following a 10,000-task array, nearly every line is
 * the same as last time: such a line is not split or parsed again and gives the same (read-only)
 * TaskStatus object, so a poll makes little garbage (the runner's memory, bench P6).
 */
export interface SacctMemo {
  lines: Map<string, { key: string; row: Row }>;
}

/** Pure: sacct's text -> one status per job or array task, in order of appearance. */
export function parseSacct(text: string, memo?: SacctMemo): TaskStatus[] {
  const jobs = new Map<string, Row>();
  const batch = new Map<string, { code: number; signal: number }>();
  const next: SacctMemo['lines'] | undefined = memo ? new Map() : undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) continue;
    const seen = memo?.lines.get(line);
    if (seen) {
      jobs.delete(seen.key);
      jobs.set(seen.key, seen.row);
      next!.set(line, seen);
      continue;
    }
    const f = line.split('|');
    if (f.length < SACCT_FIELDS.length) continue;
    // Reason is last: anything beyond belongs to it.
    const [, jobIdText, stateText, exitText, nodes, submit, start, end, elapsed] = f;
    const reason = f.slice(9).join('|');
    const id = parseJobId(jobIdText);
    if (!id || (id.hetOffset !== undefined && id.hetOffset !== 0)) continue;
    const exit = parseExitCode(exitText);
    if (id.step !== undefined) {
      if (id.step === 'batch' && exit && id.pendingIndices === undefined) batch.set(key(id.jobId, id.arrayIndex), exit);
      continue;
    }
    const state = parseState(stateText);
    const base: Omit<Row, 'jobId' | 'arrayIndex'> = { state };
    if (exit) base.exit = exit;
    const nodeList = slurmValue(nodes);
    if (nodeList) base.nodes = nodeList;
    const s = slurmValue(submit);
    if (s) base.submit = s;
    const st = slurmValue(start);
    if (st) base.start = st;
    const e = slurmValue(end);
    if (e) base.end = e;
    if (/^\d+$/.test(elapsed.trim())) base.elapsed = Number(elapsed);
    const r = slurmValue(reason);
    if (r) base.reason = r;
    const indices = id.pendingIndices ?? (id.arrayIndex !== undefined ? [id.arrayIndex] : [undefined]);
    for (const index of indices) {
      const k = key(id.jobId, index);
      // A task's own row wins over the `[...]` row that listed it while it was pending.
      if (id.pendingIndices && jobs.has(k)) continue;
      const row: Row = { jobId: id.jobId, ...base };
      if (index !== undefined) row.arrayIndex = index;
      jobs.delete(k); // keep the newest row for a key at the end of the order
      jobs.set(k, row);
      if (!id.pendingIndices) next?.set(line, { key: k, row });
    }
  }
  if (memo && next) memo.lines = next;
  const out: TaskStatus[] = [];
  for (const [k, row] of jobs) {
    const batchExit = batch.get(k);
    out.push(batchExit ? toStatus(row, batchExit) : (row.status ??= toStatus(row, undefined)));
  }
  return out;
}

function key(jobId: string, index: number | undefined): string {
  return index === undefined ? jobId : `${jobId}_${index}`;
}

function toStatus(row: Row, batchExit: { code: number; signal: number } | undefined): TaskStatus {
  const status: TaskStatus = { externalId: row.jobId, state: row.state };
  if (row.arrayIndex !== undefined) status.arrayIndex = row.arrayIndex;
  const final = isFinal(row.state);
  if (final && row.exit) {
    status.exitCode = row.exit.code;
    const signal = row.exit.signal || batchExit?.signal || 0;
    if (signal) status.signal = signal;
  }
  if (row.nodes) status.nodes = row.nodes;
  if (row.submit) status.submitTime = row.submit;
  if (row.start) {
    status.startTime = row.start;
    if (row.elapsed !== undefined) status.elapsedSeconds = row.elapsed;
  }
  if (final && row.end) status.endTime = row.end;
  // sacct keeps the last *pending* reason on a finished job ("Dependency" on a COMPLETED one): only
  // meaningful while the job waits.
  if (!final && row.reason) status.reason = row.reason;
  return status;
}
