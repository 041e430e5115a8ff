import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from './args';
import { selectRun } from './run-select';
import { UserError } from '../user-error';

export const LOGS_USAGE = `Usage: shifterflow logs [RUN] JOB [--err] [-f]

Prints a job's output (its latest attempt; every array task in order) from the latest run or RUN.

Options:
  --err          standard error instead of standard output
  -f, --follow   keep printing as the job writes, until the run ends`;

export async function logsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { err: { type: 'boolean' }, follow: { type: 'boolean', short: 'f' } }, LOGS_USAGE);
  if (values.help) {
    process.stdout.write(LOGS_USAGE + '\n');
    return 0;
  }
  if (positionals.length === 0 || positionals.length > 2) throw new UserError(`give a job name\n\n${LOGS_USAGE}`);
  const [runId, job] = positionals.length === 2 ? positionals : [undefined, positionals[0]];
  const { dir, summary } = selectRun(process.cwd(), runId);
  const j = summary.jobs.find((x) => x.key === job);
  if (!j) throw new UserError(`run ${summary.runId} has no job "${job}" (jobs: ${summary.jobs.map((x) => x.key).join(', ')})`);
  if (j.attempt === 0) throw new UserError(`job "${job}" was not submitted in run ${summary.runId}`);
  const suffix = values.err ? '.err' : '.out';
  const prefix = `${job}.${j.attempt}.`;
  const files = () =>
    (existsSync(dir.logs) ? readdirSync(dir.logs) : [])
      .filter((f) => f.startsWith(prefix) && f.endsWith(suffix))
      .sort((a, b) => Number(a.slice(prefix.length).split('.')[0]) - Number(b.slice(prefix.length).split('.')[0]) || a.localeCompare(b))
      .map((f) => join(dir.logs, f));
  if (!values.follow) {
    for (const f of files()) await pipe(f, 0);
    return 0;
  }
  return follow(files, () => selectRun(process.cwd(), summary.runId).summary.status !== 'RUNNING', dir.logs);
}

function pipe(path: string, from: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const size = statSync(path).size;
    if (size <= from) return resolve(from);
    createReadStream(path, { start: from, end: size - 1 }).on('error', reject).on('end', () => resolve(size)).pipe(process.stdout, { end: false });
  });
}

async function follow(files: () => string[], ended: () => boolean, logsDir: string): Promise<number> {
  // chokidar watches the logs directory (files appear per attempt and array task) so output shows as it is written.
  const { watch } = await import('chokidar');
  const offsets = new Map<string, number>();
  let busy = Promise.resolve();
  const flush = () => {
    busy = busy.then(async () => {
      for (const f of files()) offsets.set(f, await pipe(f, offsets.get(f) ?? 0));
    });
    return busy;
  };
  const watcher = watch(logsDir, { ignoreInitial: true, awaitWriteFinish: false });
  watcher.on('add', flush).on('change', flush);
  await flush();
  while (!ended()) await new Promise((r) => setTimeout(r, 500));
  await flush();
  await watcher.close();
  return 0;
}
