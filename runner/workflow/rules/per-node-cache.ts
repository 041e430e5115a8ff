// SF020 SF021: perNodeCache volumes. The schema already holds size, bs, fs and method to Shifter's
// syntax; what is left is what that syntax allows but cannot work: a cache no one may write, a size
// mkfs.xfs cannot format, and data expected to outlive the srun that wrote it.

import type { Finding } from '../finding';
import { asArray, asRecord, asString, hasUnknownKey, type JobRule, type Rule } from './rule';
import { jobVolumes, volumesOf } from './volume-lookup';

/** mkfs.xfs has never formatted less than 16 MiB (recent versions want 300 MiB). */
const XFS_MIN_BYTES = 16 * 1024 * 1024;
const UNITS = 'bkmgtpe';

export const perNodeCache: Rule = ({ value }) => {
  const findings: Finding[] = [];
  for (const { name, volume, path } of volumesOf(value)) {
    const cache = asRecord(volume.perNodeCache);
    if (!cache) continue;
    if (volume.readOnly === true) {
      findings.push({
        code: 'SF020',
        severity: 'warning',
        message: `Volume "${name}" is a perNodeCache and readOnly: the cache starts empty on every node, so read-only it can never hold anything. Remove readOnly.`,
        path: [...path, 'readOnly'],
        fix: { title: 'Set readOnly to false', kind: 'replaceValue', yaml: 'false' },
      });
    }
    const size = asString(cache.size);
    const m = size !== undefined ? /^([1-9][0-9]*)([bkmgtpe]?)$/i.exec(size) : null;
    if (m && Number(m[1]) * 1024 ** Math.max(0, UNITS.indexOf(m[2].toLowerCase())) < XFS_MIN_BYTES) {
      const f: Finding = {
        code: 'SF020',
        message: `perNodeCache size ${size} of volume "${name}" is ${m[2] === '' ? `${m[1]} bytes (a size without a unit counts bytes)` : 'less than 16 MiB'}: too small for the XFS file system Shifter makes on each node. Give a size such as 200G.`,
        path: [...path, 'perNodeCache', 'size'],
      };
      if (m[2] === '') f.fix = { title: `Change to ${m[1]}G`, kind: 'replaceValue', yaml: `${m[1]}G` };
      findings.push(f);
    }
  }

  return findings;
};

export const cacheAcrossSteps: JobRule = ({ value }, entry) => {
  const steps = asArray(entry.job.steps).length;
  if (steps < 2) return [];
  const cached = jobVolumes(value, entry).find((v) => asRecord(v.volume.perNodeCache));
  const exclusive = entry.job.exclusive ?? asRecord(value.defaults)?.exclusive;
  if (!cached || exclusive === true || hasUnknownKey(entry.job)) return [];
  const message = `Job "${entry.name}" mounts the perNodeCache volume "${cached.name}" and runs ${steps} steps without exclusive: true; in a shared job every srun gets a new, empty cache, so what one step writes there is gone for the next. Add exclusive: true.`;
  // Set the job's own key when it has one; a new key would be a duplicate.
  return [
    entry.job.exclusive !== undefined
      ? { code: 'SF021', message, path: [...entry.path, 'exclusive'], fix: { title: 'Set exclusive: true', kind: 'replaceValue', yaml: 'true' } }
      : { code: 'SF021', message, path: entry.path, anchor: 'key', fix: { title: 'Add exclusive: true to the job', kind: 'addKey', key: 'exclusive', yaml: 'true' } },
  ];
};
