import { event } from '../run/events';
import { Journal } from '../run/journal';
import { liveRunner } from '../run/runner-lock';
import { parse } from './args';
import { selectRun } from './run-select';
import { makeTracker } from './executors';

export const CANCEL_USAGE = `Usage: shifterflow cancel [RUN]

Cancels a run (the latest when RUN is omitted): its runner, if one is following it, cancels every
job still pending or running; without a runner (a --detach run) the jobs are cancelled directly.`;

export async function cancelCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, {}, CANCEL_USAGE);
  if (values.help) {
    process.stdout.write(CANCEL_USAGE + '\n');
    return 0;
  }
  const { dir, summary } = selectRun(process.cwd(), positionals[0]);
  if (summary.status !== 'RUNNING') {
    process.stderr.write(`run ${summary.runId} already ended ${summary.status}\n`);
    return 0;
  }
  const runner = liveRunner(dir.root);
  if (runner !== undefined) {
    process.kill(runner, 'SIGTERM');
    process.stderr.write(`asked runner ${runner} to cancel run ${summary.runId}\n`);
    return 0;
  }
  const active = summary.jobs.filter((j) => j.externalId && (j.state === 'PENDING' || j.state === 'RUNNING')).map((j) => j.externalId!);
  const executor = makeTracker(summary.executor);
  try {
    await executor.cancel(active);
  } finally {
    await executor.close();
  }
  const journal = new Journal(dir.journal);
  journal.append(event('run-finished', { status: 'CANCELLED' }));
  journal.close();
  process.stderr.write(`cancelled ${active.length} job${active.length === 1 ? '' : 's'} of run ${summary.runId}\n`);
  return 0;
}
