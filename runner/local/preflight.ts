// Checks made before a local run starts anything, as sbatch with the Shifter plugin makes them at
// submission: every volume's paths are ones Shifter mounts as written, no target is one Shifter
// reserves, and every source exists and is a directory (perNodeCache volumes bring their own).
// The validator catches most of this in the file; this is the last word on this machine's disk.

import { mountedVolumes } from '../plan/volumes';
import type { Plan } from '../plan/types';
import { checkSources, pathProblem, reservedTarget } from './volume-map';

export function preflightVolumes(plan: Plan): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const job of plan.jobs) {
    for (const v of mountedVolumes(job)) {
      const key = `${v.name}\n${v.source}\n${v.target}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const where = `volume ${v.name} (job ${job.key})`;
      const source = pathProblem(v.source);
      const reserved = reservedTarget(v.target);
      const target = pathProblem(v.target) ?? (reserved ? `${v.target} ${reserved}` : undefined);
      if (source) problems.push(`${where}: source ${source}`);
      if (target) problems.push(`${where}: target ${target}`);
      if (!source && !v.perNodeCache) for (const e of checkSources([{ source: v.source, target: v.target, readOnly: v.readOnly }])) problems.push(`${where}: ${e}`);
    }
  }
  return problems;
}
