// Brings the journal of a run that no runner follows (started with --detach, or whose runner died)
// up to date with the executor: one status query for every job still active. Retries are the
// runner's job: `run --resume` follows the run again with its policy.

import { event } from './events';
import type { Executor } from './executor';
import { expandGroupRows } from './group-states';
import { isFinal } from './job-state';
import { Journal, readJournal } from './journal';
import type { RunDir } from './run-dir';
import { summarize } from './run-summary';

export async function refreshRun(dir: RunDir, executor: Executor): Promise<void> {
  const summary = summarize(readJournal(dir.journal));
  if (!summary || summary.status !== 'RUNNING') return;
  const active = summary.jobs.filter((j) => j.externalId && (j.state === 'PENDING' || j.state === 'RUNNING'));
  if (active.length === 0) return;
  const rows = await executor.poll([...new Set(active.map((j) => j.externalId!))]);
  const journal = new Journal(dir.journal);
  try {
    for (const { job: named, ...row } of expandGroupRows(rows, summary.jobs, dir.logs)) {
      const job = named !== undefined ? active.find((j) => j.key === named && j.externalId === row.externalId) : active.find((j) => j.externalId === row.externalId);
      if (!job || (job.arraySize === undefined) !== (row.arrayIndex === undefined)) continue;
      const known = job.tasks.find((t) => t.index === row.arrayIndex);
      if (known && known.state === row.state && known.exitCode === row.exitCode) continue;
      journal.append(event('job-state', { job: job.key, attempt: job.attempt, externalId: row.externalId, arrayIndex: row.arrayIndex, state: row.state, exitCode: row.exitCode, nodes: row.nodes, start: row.startTime, end: row.endTime, elapsedSeconds: row.elapsedSeconds, reason: row.reason }));
    }
    const after = summarize(readJournal(dir.journal))!;
    if (after.jobs.every((j) => j.state !== 'PENDING' && j.state !== 'RUNNING' && (j.state === 'NOT_SUBMITTED' || j.state === 'CACHED' || isFinal(j.state)))) {
      journal.append(event('run-finished', { status: after.jobs.every((j) => j.state === 'COMPLETED') ? 'COMPLETED' : 'FAILED' }));
    }
  } finally {
    journal.close();
  }
}
