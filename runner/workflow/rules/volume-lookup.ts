// The volumes a workflow defines and the ones each job (and each step on its own) mounts. Shared by
// the volume rules.

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

/** A volume name as written in a `volumes:` list: where it is, and its definition when there is one. */
export interface VolumeUse {
  name: string;
  /** The name's place in the list (for positions and fixes). */
  path: JsonPath;
  volume?: Record<string, unknown>;
}

/** The names of a `volumes:` list at `listPath`. */
function usesIn(value: Record<string, unknown>, list: unknown, listPath: JsonPath): VolumeUse[] {
  const defined = asRecord(value.volumes);
  const out: VolumeUse[] = [];
  asArray(list).forEach((n, i) => {
    const name = asString(n);
    if (name === undefined) return;
    const use: VolumeUse = { name, path: [...listPath, i] };
    const volume = hasKey(defined, name) ? asRecord(defined![name]) : undefined;
    if (volume) use.volume = volume;
    out.push(use);
  });
  return out;
}

export interface StepVolumes {
  /** `step "workers"` or `step #2`. */
  label: string;
  step: Record<string, unknown>;
  index: number;
  uses: VolumeUse[];
}

/** Every step of the job with volumes of its own (a step's `volumes:`). */
export function stepVolumes(value: Record<string, unknown>, entry: JobEntry): StepVolumes[] {
  const out: StepVolumes[] = [];
  asArray(entry.job.steps).forEach((s, index) => {
    const step = asRecord(s);
    if (!step || step.volumes === undefined) return;
    const name = asString(step.name);
    out.push({ label: name !== undefined ? `step "${name}"` : `step #${index + 1}`, step, index, uses: usesIn(value, step.volumes, [...entry.path, 'steps', index, 'volumes']) });
  });
  return out;
}
