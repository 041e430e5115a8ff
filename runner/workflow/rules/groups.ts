// SF049, SF050: the jobs that share a `group:` run one after another inside one allocation (see
// runner/render/group-script.ts), so they must form a chain (the order they run in) that no job
// outside the group runs in the middle of, and must be plain jobs (an array cannot run inside
// another job's allocation). Whether they ask for the same allocation is checked when the script is
// rendered, after defaults are merged.

import type { Finding } from '../finding';
import { backEdges, needEdges } from './needs-graph';
import { asArray, asString, jobsOf, type JobEntry, type Rule } from './rule';

export const groups: Rule = ({ value }) => {
  const byGroup = new Map<string, JobEntry[]>();
  for (const entry of jobsOf(value)) {
    const group = asString(entry.job.group);
    if (group === undefined) continue;
    const members = byGroup.get(group);
    if (members) members.push(entry);
    else byGroup.set(group, [entry]);
  }
  const findings: Finding[] = [];
  for (const [group, members] of byGroup) {
    for (const m of members) {
      if (m.job.matrix !== undefined) {
        findings.push({
          code: 'SF050',
          message: `Job "${m.name}" has a matrix, so it is a job array, which cannot run inside the allocation of group "${group}". Remove group: from it, or its matrix.`,
          path: [...m.path, 'group'],
        });
      }
    }
    if (members.length > 1) findings.push(...chainProblems(group, members));
  }
  if (byGroup.size > 0) findings.push(...groupCycles(jobsOf(value)));
  return findings;
};

/**
 * Where a group would wait for itself. A group is one Slurm job, submitted after every job that any
 * of its jobs needs (plan/groups.ts), so a job outside it that needs one of its jobs while another of
 * its jobs needs that job, directly or through other jobs and groups, could never start. Reported
 * once per cycle of groups and jobs, at the need that closes it, only when the jobs' own needs form a
 * DAG (SF033 reports the cycles among jobs).
 */
function groupCycles(jobs: readonly JobEntry[]): Finding[] {
  const needs = needEdges(jobs);
  if (backEdges(needs).length > 0) return [];
  // Units: one per group, one per job outside a group; an edge for each need that leaves its unit.
  const groupOf = jobs.map((j) => asString(j.job.group));
  const unitOfGroup = new Map<string, number>();
  let units = 0;
  const unit = groupOf.map((g) => {
    if (g === undefined) return units++;
    if (!unitOfGroup.has(g)) unitOfGroup.set(g, units++);
    return unitOfGroup.get(g)!;
  });
  const edges: { to: number; job: number; need: number; index: number }[][] = Array.from({ length: units }, () => []);
  needs.forEach((list, job) => {
    for (const { to, index } of list) if (unit[to] !== unit[job]) edges[unit[job]].push({ to: unit[to], job, need: to, index });
  });
  const name = (job: number) => `"${jobs[job].name}"${groupOf[job] === undefined ? '' : ` (group ${groupOf[job]})`}`;
  return backEdges(edges).map(({ edge, via }) => {
    const group = groupOf[via.map((e) => e.job).find((j) => groupOf[j] !== undefined)!];
    return {
      code: 'SF049',
      message: `Group "${group}" would wait for itself: ${via.map((e) => `${name(e.job)} needs ${name(e.need)}`).join(', ')}. A group is one Slurm job that starts after every job its jobs need, so no job outside it can run between two of its jobs. Take the jobs in between into the group, or the jobs after them out of it.`,
      path: ['jobs', jobs[edge.job].name, 'needs', edge.index],
    };
  });
}

/** Where the members do not form one chain: one first job, then each job needing the one before it. */
function chainProblems(group: string, members: JobEntry[]): Finding[] {
  const names = new Set(members.map((m) => m.name));
  const findings: Finding[] = [];
  const neededBy = new Map<string, string>();
  let first: string | undefined;
  for (const m of members) {
    const before = asArray(m.job.needs).filter((n): n is string => typeof n === 'string' && n !== m.name && names.has(n));
    const at = [...m.path, 'group'];
    if (before.length > 1) {
      findings.push({
        code: 'SF049',
        message: `Job "${m.name}" needs ${before.map((n) => `"${n}"`).join(' and ')}, all in group "${group}": a group runs its jobs one after another, so each needs only the one before it. Keep the last of them in needs, or take "${m.name}" out of the group.`,
        path: at,
      });
    } else if (before.length === 1) {
      const other = neededBy.get(before[0]);
      if (other !== undefined) {
        findings.push({
          code: 'SF049',
          message: `Jobs "${other}" and "${m.name}" both need "${before[0]}" in group "${group}": a group runs one job after another, not side by side. Make "${m.name}" need "${other}" instead, or take it out of the group.`,
          path: at,
        });
      } else neededBy.set(before[0], m.name);
    } else if (first === undefined) {
      first = m.name;
    } else {
      findings.push({
        code: 'SF049',
        message: `Jobs "${first}" and "${m.name}" of group "${group}" need no other job of the group, so the group is not one chain. Make "${m.name}" need the job it should run after, or take it out of the group.`,
        path: at,
      });
    }
  }
  return findings;
}
