// Groups (`group:` in the file): jobs that run one after another in one allocation. The planner
// lists each group's jobs in the order they run; whoever submits (render's submit.sh, the run loop)
// submits a group as one unit, after every job any of its jobs needs and before every job that needs
// one of them.

import { PlanError } from './plan-error';
import type { Plan, PlannedGroup, PlannedJob } from './types';

/** The groups of planned jobs (in plan order, which is each chain's order: SF049 refuses anything else). */
export function planGroups(workflow: string, jobs: PlannedJob[]): PlannedGroup[] {
  const groups = new Map<string, PlannedGroup>();
  for (const job of jobs) {
    if (job.group === undefined) continue;
    if (job.array) throw new PlanError(`job ${job.key} has a matrix and cannot run in group ${job.group}`);
    const group = groups.get(job.group);
    if (!group) {
      groups.set(job.group, { name: job.group, slurmName: `${workflow}.${job.group}`, members: [job.key] });
      continue;
    }
    const before = group.members[group.members.length - 1];
    if (!job.needs.includes(before)) throw new PlanError(`job ${job.key} of group ${job.group} does not need ${before}: the jobs of a group must form a chain`);
    group.members.push(job.key);
  }
  return [...groups.values()];
}

/** What is submitted: a job of its own, or a whole group. */
export type SubmissionUnit = { kind: 'job'; job: PlannedJob } | { kind: 'group'; group: PlannedGroup; jobs: PlannedJob[] };

/** The keys of the jobs outside the unit that it waits for (afterok), in order of first mention. */
export function unitNeeds(unit: SubmissionUnit): string[] {
  if (unit.kind === 'job') return unit.job.needs;
  const inside = new Set(unit.group.members);
  return [...new Set(unit.jobs.flatMap((j) => j.needs).filter((n) => !inside.has(n)))];
}

/**
 * The plan as units in an order where each comes after every unit it waits for: the plan's order,
 * except that a group waits until the jobs all of its members need are placed. A job outside a group
 * that needs one of its jobs while another of its jobs needs it cannot be placed: an error.
 */
export function submissionUnits(plan: Plan): SubmissionUnit[] {
  const groupOf = new Map<string, PlannedGroup>();
  for (const g of plan.groups) for (const m of g.members) groupOf.set(m, g);
  const byKey = new Map(plan.jobs.map((j) => [j.key, j]));
  const units: SubmissionUnit[] = [];
  const unitOf = new Map<string, SubmissionUnit>();
  for (const job of plan.jobs) {
    const g = groupOf.get(job.key);
    if (!g) {
      const unit: SubmissionUnit = { kind: 'job', job };
      units.push(unit);
      unitOf.set(job.key, unit);
    } else if (g.members[0] === job.key) {
      const unit: SubmissionUnit = { kind: 'group', group: g, jobs: g.members.map((m) => byKey.get(m)!) };
      units.push(unit);
      for (const m of g.members) unitOf.set(m, unit);
    }
  }
  // Without groups the plan's order is already right (it is topological).
  if (plan.groups.length === 0) return units;
  // Kahn's algorithm over units, taking the earliest ready unit each time (plan order when possible).
  const placed = new Set<SubmissionUnit>();
  const out: SubmissionUnit[] = [];
  const waitsFor = new Map(units.map((u) => [u, new Set(unitNeeds(u).map((n) => unitOf.get(n)).filter((x): x is SubmissionUnit => x !== undefined && x !== u))]));
  while (out.length < units.length) {
    const next = units.find((u) => !placed.has(u) && [...waitsFor.get(u)!].every((w) => placed.has(w)));
    if (!next) {
      const stuck = units.find((u) => !placed.has(u) && u.kind === 'group')!;
      const g = (stuck as Extract<SubmissionUnit, { kind: 'group' }>).group;
      throw new PlanError(`group ${g.name} waits for a job that itself waits for the group (${[...waitsFor.get(stuck)!].filter((w) => !placed.has(w)).map(unitName).join(', ')}): take that job into the group, or the group's jobs out of it`);
    }
    placed.add(next);
    out.push(next);
  }
  return out;
}

function unitName(u: SubmissionUnit): string {
  return u.kind === 'job' ? `job ${u.job.key}` : `group ${u.group.name}`;
}
