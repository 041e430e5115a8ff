// Aliases from `images:` resolved to Shifter references, and the distinct references to pull. The
// normal form itself is runner/images/image-ref.ts: the gateway, the engines and the local `shifter`
// use it too, so a reference planned here is the one they pull and run.

import type { Workflow } from '../workflow/generated/schema-types';
import { ImageRefError, normalizeImageRef } from '../images/image-ref';
import { PlanError } from './plan-error';
import type { PlannedImage } from './types';

/** An image as a job or step names it: an alias from `images:` first, else a reference. */
export function resolveImage(workflow: Workflow, written: string): PlannedImage {
  const images = workflow.images ?? {};
  if (Object.prototype.hasOwnProperty.call(images, written)) {
    const entry = images[written];
    if (typeof entry === 'string') return { ref: normalized(entry), alias: written, users: [], groups: [] };
    const image: PlannedImage = { ref: normalized(entry.ref), alias: written, users: [...(entry.users ?? [])], groups: [...(entry.groups ?? [])] };
    if (entry.mpi) image.mpi = entry.mpi;
    return image;
  }
  return { ref: normalized(written), users: [], groups: [] };
}

/** The planner's callers (render, run, the sbatch preview) handle one error type: PlanError. */
function normalized(text: string): string {
  try {
    return normalizeImageRef(text);
  } catch (err) {
    if (err instanceof ImageRefError) throw new PlanError(err.message);
    throw err;
  }
}

/** Each distinct reference once, in order of first use; ACLs of the same reference are merged. */
export function distinctImages(used: readonly PlannedImage[]): PlannedImage[] {
  const byRef = new Map<string, PlannedImage>();
  for (const image of used) {
    const seen = byRef.get(image.ref);
    if (!seen) {
      byRef.set(image.ref, { ...image, users: [...image.users], groups: [...image.groups] });
      continue;
    }
    for (const u of image.users) if (!seen.users.includes(u)) seen.users.push(u);
    for (const g of image.groups) if (!seen.groups.includes(g)) seen.groups.push(g);
    if (!seen.mpi && image.mpi) seen.mpi = image.mpi;
  }
  return [...byRef.values()];
}
