// How the run submits groups (render/group-script.ts: one Slurm job runs a group's jobs one after
// another): in which order, under which file names, and what a resume must know of a submission
// whose job-submitted events a killed runner did not finish writing.

import { join } from 'node:path';
import { submissionUnits } from '../plan/groups';
import type { Plan } from '../plan/types';
import { groupScriptName } from '../render/submit-script';
import type { TrackedJob } from './job-tracker';
import type { RunDir } from './run-dir';

/** `list` in the plan's submission order (plan/groups.ts): a group after whatever its jobs need. */
export function inSubmissionOrder(plan: Plan, list: TrackedJob[]): TrackedJob[] {
  if (!list.some((j) => j.group !== undefined)) return list;
  const rank = new Map<string, number>();
  submissionUnits(plan).forEach((unit, i) => {
    for (const key of unit.kind === 'job' ? [unit.job.key] : unit.group.members) rank.set(key, i);
  });
  return list.map((j, i) => ({ j, i })).sort((a, b) => (rank.get(a.j.key) ?? 0) - (rank.get(b.j.key) ?? 0) || a.i - b.i).map(({ j }) => j);
}

/**
 * A group goes as one submission, journaled job by job: a runner killed in between left the first
 * jobs of it journaled and not the others. A submission runs its group from one job to the end, all
 * with the same attempt, so a later job of the group with an older attempt and no event of this one
 * (`journaled`: "job|attempt") was in it: it is that Slurm job's, not one to submit again. Those jobs
 * are given the submission and returned, for their events to be journaled now.
 */
export function adoptCutGroupSubmissions(jobs: Iterable<TrackedJob>, journaled: ReadonlySet<string>): TrackedJob[] {
  const found: TrackedJob[] = [];
  const last = new Map<string, TrackedJob>();
  for (const j of jobs) {
    if (j.group === undefined) continue;
    const before = last.get(j.group);
    if (before?.externalId !== undefined && j.attempt < before.attempt && !journaled.has(`${j.key}|${before.attempt}`)) {
      j.attempt = before.attempt;
      j.externalId = before.externalId;
      j.tasks = new Map();
      j.settled = undefined;
      found.push(j);
    }
    last.set(j.group, j);
  }
  return found;
}

export function groupScriptPath(dir: RunDir, name: string): string {
  return join(dir.scripts, groupScriptName(name));
}

/** The group's own output (its jobs write theirs, as the run's logPaths names them, from the script). */
export function groupLogPaths(dir: RunDir, name: string, attempt: number): { stdout: string; stderr: string } {
  return { stdout: join(dir.logs, `${name}@group.${attempt}.out`), stderr: join(dir.logs, `${name}@group.${attempt}.err`) };
}
