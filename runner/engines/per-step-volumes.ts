// Engines without a Slurm plugin (podman-hpc, apptainer) mount the job's volumes on every step's
// command line, and a step's own volumes after them on that step's alone. What they share:
// - a bind is `SOURCE:TARGET[:ro]` and both engines split it on ":" (apptainer also splits a list
//   on ","), so such paths cannot be carried; the validator refuses them for Shifter anyway;
// - perNodeCache has no equivalent: each container gets its own fresh scratch. Shifter gives each
//   container of a shared job a fresh one too, but an --exclusive job ONE per node for all its
//   steps and tasks; so in an exclusive job the data would not be where the workflow expects it,
//   and that job is refused with the reason instead of rendered wrong.

import type { PlannedJob, PlannedVolume } from '../plan/types';
import { EngineError } from './engine';

export function bindSpec(engine: string, v: PlannedVolume, separators: RegExp): string {
  for (const [what, p] of [['source', v.source], ['target', v.target]] as const) {
    if (separators.test(p)) throw new EngineError(`volume ${v.name} ${what} ${JSON.stringify(p)} cannot be given to ${engine}: it splits mounts on ${separators.source.replace(/[[\]]/g, '')}`);
  }
  return `${v.source}:${v.target}${v.readOnly ? ':ro' : ''}`;
}

export function checkPerNodeCache(engine: string, job: PlannedJob): void {
  if (!job.slurm.exclusive) return;
  const cached = job.volumes.filter((v) => v.perNodeCache);
  if (cached.length === 0) return;
  throw new EngineError(
    `volume ${cached.map((v) => v.name).join(', ')} uses perNodeCache in an --exclusive job: Shifter gives each node one cache for all steps and tasks, ${engine} gives each container its own, so the data would not be shared. Use a plain volume on a scratch directory with ${engine}.`,
  );
}
