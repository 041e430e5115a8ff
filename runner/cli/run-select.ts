// Finds the run a command is about: the one named, or the latest under the current directory.

import { existsSync } from 'node:fs';
import { readJournal } from '../run/journal';
import { listRuns, runDirOf, type RunDir } from '../run/run-dir';
import { summarize, type RunSummary } from '../run/run-summary';
import { UserError } from '../user-error';

export function selectRun(base: string, id?: string): { dir: RunDir; summary: RunSummary } {
  const runId = id ?? listRuns(base).at(-1);
  if (!runId) throw new UserError(`no runs under ${base}/.shifterflow/runs`);
  if (!/^[A-Za-z0-9._-]+$/.test(runId)) throw new UserError(`"${runId}" is not a run id`);
  const dir = runDirOf(base, runId);
  if (!existsSync(dir.journal)) throw new UserError(`no run "${runId}" under ${base}/.shifterflow/runs`);
  const summary = summarize(readJournal(dir.journal));
  if (!summary) throw new UserError(`run "${runId}" has an empty journal`);
  return { dir, summary };
}
