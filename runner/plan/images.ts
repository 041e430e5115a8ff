// Image references as Shifter names them, and aliases resolved to them (contract, "Image references"):
// TYPE:TAG with TYPE docker, custom, id or local; any other text before the first `:` means the whole
// string is a docker tag; a docker tag without a version gets `:latest`, as the gateway does.

import type { Workflow } from '../spec/generated/schema-types';
import { PlanError } from './plan-error';
import type { PlannedImage } from './types';

export const IMAGE_TYPES = ['docker', 'custom', 'id', 'local'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export function splitImageRef(text: string): { type: ImageType; tag: string } {
  const colon = text.indexOf(':');
  const head = colon === -1 ? '' : text.slice(0, colon);
  if ((IMAGE_TYPES as readonly string[]).includes(head)) return { type: head as ImageType, tag: text.slice(colon + 1) };
  return { type: 'docker', tag: text };
}

/** `ubuntu:22.04` -> `docker:ubuntu:22.04`; `docker:ubuntu` -> `docker:ubuntu:latest`; others unchanged. */
export function normalizeImageRef(text: string): string {
  const { type, tag } = splitImageRef(text.trim());
  if (tag === '') throw new PlanError(`image reference "${text}" has no name`);
  if (type !== 'docker') return `${type}:${tag}`;
  const [name, digest] = splitOnce(tag, '@');
  // The version is after a `:` in the last path component (a `:` before a `/` is a registry port).
  const last = name.slice(name.lastIndexOf('/') + 1);
  const versioned = last.includes(':') || digest !== undefined;
  return `docker:${name}${versioned ? '' : ':latest'}${digest !== undefined ? `@${digest}` : ''}`;
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i === -1 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** An image as a job or step names it: an alias from `images:` first, else a reference. */
export function resolveImage(workflow: Workflow, written: string): PlannedImage {
  const images = workflow.images ?? {};
  if (Object.prototype.hasOwnProperty.call(images, written)) {
    const entry = images[written];
    if (typeof entry === 'string') return { ref: normalizeImageRef(entry), alias: written, users: [], groups: [] };
    const image: PlannedImage = { ref: normalizeImageRef(entry.ref), alias: written, users: [...(entry.users ?? [])], groups: [...(entry.groups ?? [])] };
    if (entry.mpi) image.mpi = entry.mpi;
    return image;
  }
  return { ref: normalizeImageRef(written), users: [], groups: [] };
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
