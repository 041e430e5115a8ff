// A job's `volumes:` names resolved to the top-level definitions, in the order the job lists them.

import type { Job, Workflow } from '../workflow/generated/schema-types';
import { PlanError } from './plan-error';
import type { PlannedVolume } from './types';

export function resolveVolumes(workflow: Workflow, jobName: string, job: Job): PlannedVolume[] {
  const defined = workflow.volumes ?? {};
  return (job.volumes ?? []).map((name) => {
    if (!Object.prototype.hasOwnProperty.call(defined, name)) throw new PlanError(`job ${jobName} mounts volume ${name}, which is not defined under volumes:`);
    const v = defined[name];
    const planned: PlannedVolume = { name, source: v.source, target: v.target, readOnly: v.readOnly ?? false };
    if (v.perNodeCache) planned.perNodeCache = { ...v.perNodeCache };
    return planned;
  });
}
