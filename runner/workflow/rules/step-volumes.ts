// SF023 SF057: the volumes of one step (a step's own `volumes:`, the guide's workers with their data).
// They go on the step's own `shifter --volume=...` line, and the first --volume there discards the
// job's mounts (SHIFTER_VOLUME), so the line carries the job's volumes and the step's together: one
// target each. A volume map of its own also makes shifter build that step a container of its own, so
// a perNodeCache on that line is a new one for each of the step's processes (shifter.c loadImage ->
// setupUserMounts), never the one per node that the #SBATCH line prepares for the whole job.

import type { Finding } from '../finding';
import { trimSlashes } from './paths';
import { asRecord, asString, type JobRule } from './rule';
import { jobVolumes, stepVolumes } from './volume-lookup';

export const stepVolumesRule: JobRule = ({ value }, entry) => {
  const steps = stepVolumes(value, entry);
  if (steps.length === 0) return [];
  const findings: Finding[] = [];
  const ofJob = jobVolumes(value, entry);
  const jobTargets = new Map<string, string>();
  for (const v of ofJob) {
    const target = asString(v.volume.target);
    if (target !== undefined && !jobTargets.has(trimSlashes(target))) jobTargets.set(trimSlashes(target), v.name);
  }
  const jobCache = ofJob.find((v) => asRecord(v.volume.perNodeCache));
  const exclusive = (entry.job.exclusive ?? asRecord(value.defaults)?.exclusive) === true;
  const job = `job "${entry.name}"`;

  for (const { label, uses, index } of steps) {
    const seen = new Map(jobTargets);
    for (const use of uses) {
      if (!use.volume) continue; // SF031's
      if (asRecord(use.volume.perNodeCache)) {
        findings.push({
          code: 'SF057',
          message: `Volume "${use.name}" is a perNodeCache, which the ${label} of ${job} cannot mount on its own: on shifter's command line every shifter process of the step (each task) makes its own cache, gone when it ends. A cache per node, shared by the steps of an exclusive job, is made only from the job's #SBATCH --volume line (Shifter's Slurm plugin prepares it with the allocation). Mount "${use.name}" on the job instead.`,
          path: use.path,
        });
        continue;
      }
      const target = asString(use.volume.target);
      if (target === undefined) continue;
      const key = trimSlashes(target);
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, use.name);
        continue;
      }
      const fromJob = jobTargets.get(key) === first;
      findings.push(
        first === use.name && fromJob
          ? { code: 'SF023', message: `The ${label} of ${job} mounts volume "${use.name}", which the job already mounts for every step. Remove it from the step.`, path: use.path }
          : {
              code: 'SF023',
              message: `The ${label} of ${job} mounts volume "${use.name}" at ${key}, where ${fromJob ? `the job mounts "${first}"` : `the step already mounts "${first}"`}: the step's shifter line carries both, and only one would be visible there. Give one of them another target.`,
              path: use.path,
            },
      );
    }
    if (jobCache && exclusive && uses.some((u) => u.volume && !asRecord(u.volume.perNodeCache))) {
      findings.push({
        code: 'SF057',
        message: `The ${label} of ${job} mounts volumes of its own, so its shifter line repeats the job's, the perNodeCache "${jobCache.name}" among them. With a volume map of its own the step gets a container of its own, and there "${jobCache.name}" is a new, empty cache per task, not the node's cache the other steps of this exclusive job share. Mount the step's volumes on the job, or keep what the steps share on a plain volume.`,
        path: [...entry.path, 'steps', index, 'volumes'],
        anchor: 'key',
      });
    }
  }
  return findings;
};
