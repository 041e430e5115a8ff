// A plan cut down to some jobs and everything they need (`run --job NAME`).

import { PlanError } from './plan-error';
import type { Plan } from './types';

export function selectJobs(plan: Plan, wanted: readonly string[]): Plan {
  const byKey = new Map(plan.jobs.map((j) => [j.key, j]));
  const keep = new Set<string>();
  const visit = (key: string) => {
    if (keep.has(key)) return;
    const job = byKey.get(key);
    if (!job) throw new PlanError(`no job "${key}" in workflow ${plan.workflow} (jobs: ${plan.jobs.map((j) => j.key).join(', ')})`);
    keep.add(key);
    job.needs.forEach(visit);
  };
  wanted.forEach(visit);
  const jobs = plan.jobs.filter((j) => keep.has(j.key));
  const refs = new Set(jobs.flatMap((j) => j.images));
  // A job's needs are kept, so what is kept of a group is the start of its chain: still a chain.
  const groups = plan.groups.map((g) => ({ ...g, members: g.members.filter((m) => keep.has(m)) })).filter((g) => g.members.length > 0);
  return { ...plan, jobs, images: plan.images.filter((i) => refs.has(i.ref)), groups };
}
