// PlannedGroup -> one sbatch script running the group's jobs one after another in one allocation:
//
//   #!/bin/bash
//   #SBATCH --job-name=<workflow>.<group>       the jobs' common directives; --time the sum of theirs
//   sf_from=${1:-0} sf_attempt=${2:-1} sf_logs=${3:-.}
//   # job a (1 of 3)
//   if [ "$sf_from" -le 0 ]; then
//     sf_begin a
//     ( <a's steps, exactly as in a's own script> ) >"$sf_logs"/a."$sf_attempt".out 2>…err
//     sf_end a $?
//   fi
//
// Each job writes its own logs, named as a job of its own would have them, and two markers beside
// them: when it started, and its exit status and end time. The run reads the markers to tell the
// jobs' states apart inside one Slurm job (run/group-states.ts). A failing job ends the script with
// its status, so the jobs after it never start. The arguments are what a retry changes: the first
// job to run (the one that failed) and the attempt number in the file names.

import { engineForProfile } from '../engines';
import { EngineError, type ContainerEngine } from '../engines/engine';
import { PlanError } from '../plan/plan-error';
import { sumSlurmTimes } from '../plan/slurm-time';
import type { Plan, PlannedGroup, PlannedJob } from '../plan/types';
import { body, directives } from './job-script';
import { RenderError } from './render-error';
import { QuoteError, quote } from './shell-quote';

const MARKERS = `# Markers beside each job's logs: <job>.<attempt>.started (seconds since the epoch) and
# <job>.<attempt>.ended ("<exit status> <seconds>"), each written whole (rename) so a reader never
# sees half of one. A job that fails stops the group with its status.
sf_mark() { printf '%s\\n' "$2" >"$sf_logs/$1.tmp" && mv -f "$sf_logs/$1.tmp" "$sf_logs/$1"; }
sf_begin() { sf_mark "$1.$sf_attempt.started" "$(date +%s)"; }
sf_end() {
  sf_mark "$1.$sf_attempt.ended" "$2 $(date +%s)"
  [ "$2" -eq 0 ] || exit "$2"
}`;

/** The sbatch script of a group; every job must ask for the same allocation (only time may differ). */
export function renderGroup(group: PlannedGroup, plan: Plan, engine: ContainerEngine = engineForProfile(plan.profile), options: { filesOnHost?: boolean } = {}): string {
  try {
    const jobs = group.members.map((key) => {
      const job = plan.jobs.find((j) => j.key === key);
      if (!job) throw new RenderError(`group ${group.name} names job ${key}, which the plan does not have`);
      return job;
    });
    const lines = [...directives(asGroupJob(group, jobs, plan, engine), plan, engine), ''];
    lines.push(`# shifterflow: workflow ${plan.workflow}, group ${group.name}: jobs ${group.members.join(', ')}, one after another in this allocation. Generated; edits are lost when it is rendered again.`);
    lines.push('# Arguments (shifterflow run gives them): the first job to run (0: all), the attempt, the directory for the logs.');
    lines.push('sf_from=${1:-0}', 'sf_attempt=${2:-1}', 'sf_logs=${3:-.}', ...MARKERS.split('\n'), '');
    jobs.forEach((job, i) => {
      const log = (ext: string) => `"$sf_logs"/${quote(job.key)}."$sf_attempt".${ext}`;
      lines.push(`# job ${job.key} (${i + 1} of ${jobs.length})`);
      lines.push(`if [ "$sf_from" -le ${i} ]; then`);
      lines.push(`  sf_begin ${quote(job.key)}`);
      // A subshell: the job's own `exit` (a failed step) ends the job, not the group's script.
      lines.push('  (');
      lines.push(...body(job, engine, { siteFileSystems: plan.profile.siteFileSystems, onHost: options.filesOnHost === true }));
      lines.push(`  ) >${log('out')} 2>${log('err')}`);
      lines.push(`  sf_end ${quote(job.key)} $?`);
      lines.push('fi', '');
    });
    return lines.join('\n');
  } catch (err) {
    if (err instanceof QuoteError || err instanceof PlanError || err instanceof EngineError) throw new RenderError(`group ${group.name}: ${err.message}`);
    if (err instanceof RenderError && !err.message.startsWith(`group ${group.name}`)) throw new RenderError(`group ${group.name}: ${err.message}`);
    throw err;
  }
}

/**
 * The group as one job for its #SBATCH lines: the first job's, named after the group, asking for the
 * sum of the jobs' times (none when one of them has none: the partition's default then). Every job
 * must give the same lines apart from its name and time: they share the allocation.
 */
function asGroupJob(group: PlannedGroup, jobs: PlannedJob[], plan: Plan, engine: ContainerEngine): PlannedJob {
  const named = (job: PlannedJob, time: string | undefined): PlannedJob => {
    const slurm = { ...job.slurm };
    if (time === undefined) delete slurm.time;
    else slurm.time = time;
    return { ...job, key: group.name, slurmName: group.slurmName, slurm };
  };
  const lines = (job: PlannedJob) => directives(named(job, undefined), plan, engine);
  const [first, ...rest] = jobs;
  const expected = lines(first);
  for (const job of rest) {
    const got = lines(job);
    const differs = [...new Set([...got.filter((l) => !expected.includes(l)), ...expected.filter((l) => !got.includes(l))])];
    if (differs.length > 0) {
      throw new RenderError(
        `jobs ${first.key} and ${job.key} share the group's allocation but ask for different #SBATCH options (${differs.join('; ')}): give them the same image, volumes, modules and Slurm options, or take ${job.key} out of the group`,
      );
    }
  }
  return named(first, sumSlurmTimes(jobs.map((j) => j.slurm.time)));
}
