// A job's or a step's `volumes:` names resolved to the top-level definitions, in the order listed.

import type { Workflow } from '../workflow/generated/schema-types';
import { PlanError } from './plan-error';
import type { PlannedJob, PlannedVolume } from './types';

/** `owner` names who mounts them in an error: `job simulate`, `step workers of job simulate`. */
export function resolveVolumes(workflow: Workflow, owner: string, names: readonly string[] | undefined): PlannedVolume[] {
  const defined = workflow.volumes ?? {};
  return (names ?? []).map((name) => {
    if (!Object.prototype.hasOwnProperty.call(defined, name)) throw new PlanError(`${owner} mounts volume ${name}, which is not defined under volumes:`);
    const v = defined[name];
    const planned: PlannedVolume = { name, source: v.source, target: v.target, readOnly: v.readOnly ?? false };
    if (v.perNodeCache) planned.perNodeCache = { ...v.perNodeCache };
    return planned;
  });
}

/** What a read-only, non-cache volume reads: a declared input of the job (part of its cache key). */
export function inputsOf(volumes: readonly PlannedVolume[]): string[] {
  return volumes.filter((v) => v.readOnly && !v.perNodeCache).map((v) => v.source);
}

/** Everything a job mounts anywhere: its own volumes, then each step's own (a volume once). */
export function mountedVolumes(job: PlannedJob): PlannedVolume[] {
  const seen = new Set<string>();
  return [...job.volumes, ...job.steps.flatMap((s) => s.volumes)].filter((v) => !seen.has(v.name) && seen.add(v.name));
}
