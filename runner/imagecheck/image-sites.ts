// Where the workflow file names each image, so that its check's findings are reported at that line:
// the `images:` entry of an alias, else the first `image:` that writes the reference inline (a job's,
// a step's, then `defaults:`); and the line of a job's command, for findings about the command itself.
// Pure: the workflow and a planned image (or a job's step) in, a JSON path out.

import { resolveImage } from '../plan/images';
import type { PlannedImage } from '../plan/types';
import type { Workflow } from '../workflow/generated/schema-types';

export type ImageSite = { path: (string | number)[]; anchor: 'key' | 'value' };

export function imageSite(workflow: Workflow, image: PlannedImage): ImageSite {
  if (image.alias !== undefined) return { path: ['images', image.alias], anchor: 'key' };
  const names = (written: string | undefined) => written !== undefined && sameRef(workflow, written, image.ref);
  for (const [name, job] of Object.entries(workflow.jobs)) {
    if (names(job.image)) return { path: ['jobs', name, 'image'], anchor: 'value' };
    const i = (job.steps ?? []).findIndex((s) => names(s.image));
    if (i >= 0) return { path: ['jobs', name, 'steps', i, 'image'], anchor: 'value' };
  }
  if (names(workflow.defaults?.image)) return { path: ['defaults', 'image'], anchor: 'value' };
  return { path: [], anchor: 'key' };
}

function sameRef(workflow: Workflow, written: string, ref: string): boolean {
  try {
    const r = resolveImage(workflow, written);
    return r.alias === undefined && r.ref === ref;
  } catch {
    return false;
  }
}

/** Where the file writes the command of step `index` of job `key`: its `command:`, or its step's. */
export function commandSite(workflow: Workflow, key: string, index: number): (string | number)[] | undefined {
  const job = workflow.jobs[key];
  if (!job) return undefined;
  if (typeof job.steps?.[index]?.command === 'string') return ['jobs', key, 'steps', index, 'command'];
  if (index === 0 && typeof job.command === 'string') return ['jobs', key, 'command'];
  return undefined;
}
