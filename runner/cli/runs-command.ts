import { readJournal } from '../run/journal';
import { listRuns, runDirOf } from '../run/run-dir';
import { summarize } from '../run/run-summary';
import { parse } from './args';

export const RUNS_USAGE = `Usage: shifterflow runs [--json]

Lists the runs under .shifterflow/runs of the current directory, oldest first.`;

export function runsCommand(argv: string[]): number {
  const { values } = parse(argv, { json: { type: 'boolean' } }, RUNS_USAGE);
  if (values.help) {
    process.stdout.write(RUNS_USAGE + '\n');
    return 0;
  }
  const base = process.cwd();
  const runs = listRuns(base).flatMap((id) => {
    const s = summarize(readJournal(runDirOf(base, id).journal));
    return s ? [s] : [];
  });
  if (values.json) {
    process.stdout.write(JSON.stringify(runs.map(({ jobs, ...r }) => ({ ...r, jobs: jobs.length, completed: jobs.filter((j) => j.state === 'COMPLETED').length, cached: jobs.filter((j) => j.state === 'CACHED').length }))) + '\n');
    return 0;
  }
  for (const r of runs) {
    const done = r.jobs.filter((j) => j.state === 'COMPLETED').length;
    const cached = r.jobs.filter((j) => j.state === 'CACHED').length;
    process.stdout.write(`${r.runId}  ${r.status.padEnd(9)}  ${r.workflow}  ${done}/${r.jobs.length} jobs${cached > 0 ? ` (${cached} CACHED)` : ''}  ${r.executor}  ${r.file}\n`);
  }
  return 0;
}
