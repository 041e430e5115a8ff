// Image references, read the way Shifter reads them (docs/shifter.md, "Image references"):
//   - `TYPE:TAG` with TYPE docker, custom, id or local;
//   - any other text before the first `:` means the WHOLE string is a docker tag
//     (`ubuntu:22.04` is `docker:ubuntu:22.04`);
//   - the gateway appends `:latest` to a docker tag without a version; the version follows a `:` in
//     the last path component (a `:` before a `/` is a registry port: `host:5000/img` has none).
// Shifter silently DROPS every character outside [A-Za-z0-9_:.+-] (and `/` for docker/local) from a
// reference, so `docker:ubuntu@sha256:...` would ask the gateway for `ubuntusha256:...`: such
// references are refused here instead of pulling something else.

import { UserError } from '../user-error';

export const IMAGE_TYPES = ['docker', 'custom', 'id', 'local'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/**
 * Why a reference was refused, for callers that explain it in their own words (the validator's SF010
 * reads it, so that it refuses exactly what this file refuses, without a second copy of the rules).
 */
export type ImageRefProblem =
  | { kind: 'empty' }
  /** Characters Shifter would remove from a tag of this type. */
  | { kind: 'dropped'; type: ImageType; chars: string[] }
  /** A docker tag whose last path component has no name (`myorg/`, `myorg/:1.0`). */
  | { kind: 'no-name' };

export class ImageRefError extends UserError {
  constructor(
    message: string,
    readonly ref: string,
    readonly problem: ImageRefProblem,
  ) {
    super(message, 1);
    this.name = 'ImageRefError';
  }
}

export interface ImageRef {
  type: ImageType;
  tag: string;
}

/** Splits `TYPE:TAG` as Shifter does; the tag is returned as written (no `:latest` added). */
export function parseImageRef(text: string): ImageRef {
  const written = text.trim();
  const colon = written.indexOf(':');
  const head = colon === -1 ? '' : written.slice(0, colon);
  const known = (IMAGE_TYPES as readonly string[]).includes(head);
  const type = (known ? head : 'docker') as ImageType;
  const tag = known ? written.slice(colon + 1) : written;
  if (!tag) throw new ImageRefError(`image reference "${text}" names no image (write TYPE:NAME:VERSION, e.g. docker:ubuntu:22.04)`, text, { kind: 'empty' });
  const allowed = type === 'docker' || type === 'local' ? /[^A-Za-z0-9_:.+\-/]/g : /[^A-Za-z0-9_:.+-]/g;
  const dropped = [...new Set(tag.match(allowed) ?? [])];
  if (dropped.length) {
    const shown = dropped.map((c) => (c === ' ' ? 'space' : JSON.stringify(c))).join(', ');
    const digest = dropped.includes('@') ? ' (Shifter cannot pull by digest: use a tag)' : '';
    throw new ImageRefError(`image reference "${text}" contains ${shown}, which Shifter silently removes, so a different image would be pulled${digest}`, text, { kind: 'dropped', type, chars: dropped });
  }
  return { type, tag };
}

/**
 * The one normal form: `TYPE:TAG`, docker tags with a version.
 * `ubuntu:22.04` -> `docker:ubuntu:22.04`; `docker:ubuntu` and `ubuntu` -> `docker:ubuntu:latest`;
 * `registry.services.nersc.gov:443/me/img` -> `docker:registry.services.nersc.gov:443/me/img:latest`;
 * `custom:x`, `id:abc`, `local:/path` unchanged.
 */
export function normalizeImageRef(text: string): string {
  const { type, tag } = parseImageRef(text);
  if (type !== 'docker') return `${type}:${tag}`;
  const last = tag.slice(tag.lastIndexOf('/') + 1);
  // The name, not the whole component: `myorg/:1.0` has a version but no image to apply it to.
  if (!last.split(':')[0]) {
    const where = tag.includes('/') ? ' after its last "/"' : '';
    throw new ImageRefError(`image reference "${text}" names no image${where} (write TYPE:NAME:VERSION, e.g. docker:myorg/app:1.0)`, text, { kind: 'no-name' });
  }
  return `docker:${tag}${last.includes(':') ? '' : ':latest'}`;
}
