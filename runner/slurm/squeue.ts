// squeue: what the controller knows now. Used for jobs sacct does not show yet (just submitted; the
// database learns of a job a moment later) and to find a submission again by its comment. With
// `-t all` it also lists jobs that ended less than MinJobAge ago (300 s by default).

import type { TaskStatus } from '../run/executor';
import { isFinal, parseState } from '../run/job-state';
import { assertJobIds, parseJobId } from './job-id';
import { slurmValue } from './sacct';

/** id | state | nodes | submit | start | end | elapsed | reason (last: free text). */
export const SQUEUE_STATUS_FORMAT = '%i|%T|%N|%V|%S|%e|%M|%r';
/** id | comment (last: a comment may hold `|`). */
export const SQUEUE_COMMENT_FORMAT = '%i|%k';

export interface SqueueArgvOptions {
  squeue?: string;
  cluster?: string;
}

export function squeueStatusArgv(ids: readonly string[], opts: SqueueArgvOptions = {}): string[] {
  assertJobIds(ids);
  const argv = [opts.squeue ?? 'squeue', '-h', '-t', 'all'];
  if (opts.cluster) argv.push(`--clusters=${opts.cluster}`);
  argv.push(`--jobs=${ids.join(',')}`, '-o', SQUEUE_STATUS_FORMAT);
  return argv;
}

export function squeueCommentArgv(opts: SqueueArgvOptions = {}): string[] {
  const argv = [opts.squeue ?? 'squeue', '--me', '-h', '-t', 'all'];
  if (opts.cluster) argv.push(`--clusters=${opts.cluster}`);
  argv.push('-o', SQUEUE_COMMENT_FORMAT);
  return argv;
}

/** `squeue -j` with only ids the controller has forgotten exits 1 with this: not an error for a poll. */
export function isInvalidJobIdMessage(stderr: string): boolean {
  return /Invalid job id specified/i.test(stderr);
}

/** `1-02:03:04`, `02:03:04`, `3:04` -> seconds. */
export function parseDuration(text: string): number | undefined {
  const m = /^(?:(\d+)-)?(?:(\d+):)?(\d+):(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1] ?? 0) * 86400 + Number(m[2] ?? 0) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

/** Pure: `squeue -o SQUEUE_STATUS_FORMAT` text -> statuses (array rows `123_[0-3]` expanded). */
export function parseSqueueStatus(text: string): TaskStatus[] {
  const out: TaskStatus[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!line.trim()) continue;
    const f = line.split('|');
    if (f.length < 8) continue;
    const [idText, stateText, nodes, submit, start, end, elapsed] = f;
    const reason = f.slice(7).join('|');
    const id = parseJobId(idText);
    if (!id || id.step !== undefined || (id.hetOffset !== undefined && id.hetOffset !== 0)) continue;
    const state = parseState(stateText);
    const final = isFinal(state);
    const base: TaskStatus = { externalId: id.jobId, state };
    const n = slurmValue(nodes);
    if (n) base.nodes = n;
    const s = slurmValue(submit);
    if (s) base.submitTime = s;
    const st = slurmValue(start);
    // For a pending job %S is the *expected* start time; for a running one %e the expected end.
    if (st && state !== 'PENDING') {
      base.startTime = st;
      const secs = parseDuration(elapsed);
      if (secs !== undefined) base.elapsedSeconds = secs;
    }
    const e = slurmValue(end);
    if (e && final) base.endTime = e;
    const r = slurmValue(reason);
    if (r) base.reason = r;
    const indices = id.pendingIndices ?? (id.arrayIndex !== undefined ? [id.arrayIndex] : [undefined]);
    for (const index of indices) out.push(index === undefined ? { ...base } : { ...base, arrayIndex: index });
  }
  return out;
}

export interface CommentRow {
  jobId: string;
  comment: string;
}

/** Pure: `squeue -o '%i|%k'` text -> (job id, comment); jobs without a comment are left out. */
export function parseSqueueComments(text: string): CommentRow[] {
  const out: CommentRow[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const bar = line.indexOf('|');
    if (bar < 0) continue;
    const id = parseJobId(line.slice(0, bar));
    const comment = line.slice(bar + 1);
    if (!id || id.step !== undefined || comment === '(null)' || comment === '') continue;
    out.push({ jobId: id.jobId, comment });
  }
  return out;
}
