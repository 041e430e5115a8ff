// The volumes a workflow defines and the ones each job mounts. Shared by the volume rules.

import type { JsonPath } from '../finding';
import { asArray, asRecord, asString, hasKey, type JobEntry } from './rule';

export interface VolumeEntry {
  name: string;
  volume: Record<string, unknown>;
  path: JsonPath;
}

export function volumesOf(value: Record<string, unknown>): VolumeEntry[] {
  const out: VolumeEntry[] = [];
  for (const [name, v] of Object.entries(asRecord(value.volumes) ?? {})) {
    const volume = asRecord(v);
    if (volume) out.push({ name, volume, path: ['volumes', name] });
  }
  return out;
}

/** The defined volumes a job mounts, each with the index of its name in the job's `volumes:` list. */
export function jobVolumes(value: Record<string, unknown>, entry: JobEntry): (VolumeEntry & { index: number })[] {
  const defined = asRecord(value.volumes);
  const out: (VolumeEntry & { index: number })[] = [];
  asArray(entry.job.volumes).forEach((n, index) => {
    const name = asString(n);
    const volume = name !== undefined && hasKey(defined, name) ? asRecord(defined![name]) : undefined;
    if (name !== undefined && volume) out.push({ name, volume, path: ['volumes', name], index });
  });
  return out;
}
