// `shifterflow run --dry-run`, first from the memo of the plan (plan-memo.ts): when the file, the
// options and the code are those of an earlier dry run, and every input no job writes is still there
// (SF056), the decision is made with what that one validated, planned and rendered, and the run's
// own modules (validator, planner, renderer, executors, image check) are never loaded. Anything else
// (no memo, an input missing, an option this path does not read the same way) is run-command.ts's,
// the whole way, with its messages.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { StatPass } from '../cache/stat-pass';
import { isProfileName } from '../profiles/profile';
import { idsOf, imageIdsOf, printDryRun, writeDryRun } from './dry-run';
import { dryRunFromSnapshot } from './dry-run-snapshot';
import { inputsThere, memoEnabled, memoKey, readMemo } from './plan-memo';
import { RUN_OPTIONS } from './run-options';

export async function dryRunCommand(argv: string[]): Promise<number> {
  return (await fromMemo(argv)) ?? (await import('./run-command')).runCommand(argv);
}

/** The dry run's exit status when the memo could answer, else undefined (nothing printed). */
export async function fromMemo(argv: string[]): Promise<number | undefined> {
  // Marks (performance.mark: nearly free) for bench P7's account of where a dry run's time goes.
  performance.mark('shifterflow:dry-run');
  if (!memoEnabled() || argv.includes('--resume')) return undefined;
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { help: { type: 'boolean', short: 'h' }, ...RUN_OPTIONS }, allowPositionals: true, strict: true });
  } catch {
    return undefined; // run-command.ts says what is wrong
  }
  const { values, positionals } = parsed;
  if (values.help || values['dry-run'] !== true || positionals.length !== 1) return undefined;
  const profile = values.profile;
  if (profile !== undefined && !isProfileName(profile)) return undefined;
  const file = positionals[0];
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const jobs = values.job;
  const base = process.cwd();
  const planKey = memoKey({ file, text, profile, jobs: jobs && jobs.length > 0 ? jobs : undefined });
  const fresh = values.fresh === true;
  const json = values.json === true;
  // First the last answer, if nothing it read changed; its lookups serve the memo's path otherwise.
  const fast = await dryRunFromSnapshot(base, planKey, { fresh, json }, (lookup, images) => idsOf(lookup, images, base), (kind, tasks) => writeDryRun(kind, tasks, json));
  if (fast.status !== undefined) return fast.status;
  const memo = readMemo(base, planKey);
  if (!memo) return undefined;
  performance.mark('shifterflow:memo-read');
  // The lookups run while the inputs are looked at (a memo with an input missing wastes them: rare).
  const imageIds = fast.imageIds ?? imageIdsOf(memo.plan, base);
  performance.mark('shifterflow:lookup-started');
  const stats = new StatPass();
  if (!inputsThere(memo.plan, stats)) return undefined;
  performance.mark('shifterflow:inputs-checked');
  for (const line of memo.diagnostics) process.stderr.write(line + '\n');
  const warn = (message: string) => process.stderr.write(`warning: ${message}\n`);
  return printDryRun(memo.plan, { base, fresh, json, warn }, { stats, scriptDigests: new Map(Object.entries(memo.scriptDigests)), imageIds, planKey, diagnostics: memo.diagnostics });
}
