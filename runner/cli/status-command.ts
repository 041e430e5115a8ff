import { refreshRun } from '../run/refresh';
import { taskAttempts, type JobSummary } from '../run/run-summary';
import { liveRunner } from '../run/runner-lock';
import { parse } from './args';
import { makeTracker } from './executors';
import { selectRun } from './run-select';

export const STATUS_USAGE = `Usage: shifterflow status [RUN] [--json]

Shows each job of a run (the latest run when RUN is omitted) with its Slurm id and state.
Exits 0 when the run completed, 1 when it failed or was cancelled, 3 while it is still going.`;

export async function statusCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, STATUS_USAGE);
  if (values.help) {
    process.stdout.write(STATUS_USAGE + '\n');
    return 0;
  }
  let { dir, summary } = selectRun(process.cwd(), positionals[0]);
  // Nobody follows a --detach run: ask the scheduler (one query) and record what changed.
  if (summary.status === 'RUNNING' && summary.executor === 'slurm' && liveRunner(dir.root) === undefined) {
    const tracker = makeTracker(summary.executor);
    try {
      await refreshRun(dir, tracker);
    } finally {
      await tracker.close();
    }
    ({ dir, summary } = selectRun(process.cwd(), summary.runId));
  }
  if (values.json) {
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  } else {
    process.stdout.write(`run ${summary.runId}: ${summary.workflow} ${summary.status} (${summary.executor})\n`);
    const width = Math.max(...summary.jobs.map((j) => j.key.length), 3);
    for (const j of summary.jobs) {
      const fromCache = j.cached?.filter((c) => c.index !== undefined && !j.tasks.some((t) => t.index === c.index)).length ?? 0;
      const tasks = j.arraySize ? `  ${j.tasks.filter((t) => t.state === 'COMPLETED').length + fromCache}/${j.arraySize} tasks${fromCache > 0 && j.state !== 'CACHED' ? ` (${fromCache} CACHED)` : ''}` : '';
      const exit = j.exitCode !== undefined && j.state !== 'COMPLETED' ? `  exit ${j.exitCode}` : '';
      process.stdout.write(`  ${j.key.padEnd(width)}  ${String(j.externalId ?? '-').padEnd(10)}  ${j.state}${exit}${tasks}${attemptsText(j)}${j.state === 'CACHED' ? `  from run ${[...new Set(j.cached!.map((c) => c.fromRun))].join(', ')}` : ''}\n`);
    }
  }
  return summary.status === 'COMPLETED' ? 0 : summary.status === 'RUNNING' ? 3 : 1;
}

/** `  attempt 2`, or per task for an array retried in part: `  attempts 1 (997 tasks), 2 (3 tasks)`. */
function attemptsText(j: JobSummary): string {
  const text = taskAttempts(j);
  if (text.includes('(')) return `  attempts ${text}`;
  return j.attempt > 1 ? `  attempt ${j.attempt}` : '';
}
