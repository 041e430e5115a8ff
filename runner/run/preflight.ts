// Checks on the submit host before anything is submitted to Slurm. Shifter accepts at sbatch time a
// volume source that is a file or that the compute nodes cannot see, and then fails every step; a
// job started in a directory the container cannot see runs in `/`. So: every source exists, is a
// directory and lies on the site's file systems, and so does the directory jobs start in.

import { realpathSync } from 'node:fs';
import { preflightVolumes } from '../local/preflight';
import { mountedVolumes } from '../plan/volumes';
import type { Plan } from '../plan/types';

export function onSiteFileSystems(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => root === '/' || path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`));
}

export function preflightSubmitHost(plan: Plan, workdir: string): string[] {
  const roots = plan.profile.siteFileSystems;
  const problems = preflightVolumes(plan);
  const seen = new Set<string>();
  for (const job of plan.jobs) {
    for (const v of mountedVolumes(job)) {
      if (seen.has(v.source)) continue;
      seen.add(v.source);
      if (!onSiteFileSystems(resolved(v.source), roots)) {
        problems.push(`volume ${v.name} (job ${job.key}): source ${v.source} is not on the site's file systems (${roots.join(', ')}); the compute nodes would not find it`);
      }
    }
  }
  if (!onSiteFileSystems(resolved(workdir), roots)) {
    problems.push(`jobs would start in ${workdir}, which is not on the site's file systems (${roots.join(', ')}): run from a directory there`);
  }
  return problems;
}

function resolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
