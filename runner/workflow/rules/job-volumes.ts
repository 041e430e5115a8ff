// SF023 SF025: the volumes of one job taken together (a step's own: step-volumes.ts). They all go into one `#SBATCH --volume`
// directive, which needs `#SBATCH --image` beside it and can mount only one thing at each target.

import type { Finding } from '../finding';
import { trimSlashes } from './paths';
import { asArray, asRecord, asString, effective, hasUnknownKey, type JobRule } from './rule';
import { jobVolumes } from './volume-lookup';

export const jobVolumesRule: JobRule = ({ value, profile }, entry) => {
  const findings: Finding[] = [];
  const seen = new Map<string, string>();
  for (const v of jobVolumes(value, entry)) {
    const target = asString(v.volume.target);
    if (target === undefined) continue;
    const key = trimSlashes(target);
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, v.name);
      continue;
    }
    findings.push({
      code: 'SF023',
      message: `Job "${entry.name}" mounts volumes "${first}" and "${v.name}" both at ${key}; only one of them would be visible there. Give one of them another target, or mount only one in this job.`,
      path: [...entry.path, 'volumes', v.index],
    });
  }
  // `#SBATCH --image` names the job's image, else its first step's; with neither, there is none.
  const stepImage = asArray(entry.job.steps).some((s) => asRecord(s)?.image !== undefined);
  if (profile.engine !== 'none' && asArray(entry.job.volumes).length > 0 && effective(value, entry, 'image') === undefined && !stepImage && !hasUnknownKey(entry.job)) {
    findings.push({
      code: 'SF025',
      message: `Job "${entry.name}" mounts volumes but names no image: its volumes become #SBATCH --volume, which sbatch refuses without #SBATCH --image ("Cannot specify shifter volumes without specifying the image first!"). Set image: on the job or in defaults.`,
      path: [...entry.path, 'volumes'],
      anchor: 'key',
    });
  }
  return findings;
};
