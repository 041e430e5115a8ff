// How a workflow names images: `images:` maps aliases to Shifter references (a string or `{ ref }`),
// and `image:` on defaults, jobs and steps holds an alias or a reference. Shared by the image rules.

import type { JsonPath } from '../finding';
import imageRefSchema from '../../../schemas/image-ref.schema.json';
import { asArray, asRecord, asString, hasKey, type JobEntry } from './rule';

export const IMAGE_TYPES = ['docker', 'custom', 'id', 'local'];

/** The schema's own grammar of a reference, so that the rules and the file format never disagree. */
export const REF_PATTERN = new RegExp(imageRefSchema.pattern);

export interface ImageRef {
  type: string;
  /** False when no known TYPE leads: Shifter then reads all of the text as a docker tag. */
  explicitType: boolean;
  tag: string;
}

/** Shifter's reading of TYPE:TAG (docs/shifter.md, "Image references"). */
export function parseRef(text: string): ImageRef {
  const i = text.indexOf(':');
  const head = i >= 0 ? text.slice(0, i) : '';
  if (IMAGE_TYPES.includes(head)) return { type: head, explicitType: true, tag: text.slice(i + 1) };
  return { type: 'docker', explicitType: false, tag: text };
}

export interface DockerName {
  /** Registry host (with port) when the first path component names one. */
  host?: string;
  repository: string;
  version?: string;
  digest?: string;
}

/** `[host[:port]/]repository[:version][@digest]`: a ':' after the last '/' starts the version. */
export function parseDockerTag(tag: string): DockerName {
  let rest = tag;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let version: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    version = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const first = rest.split('/')[0];
  const isHost = rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return isHost ? { host: first, repository: rest.slice(first.length + 1), version, digest } : { repository: rest, version, digest };
}

/** The reference text of an `images:` entry, and where it is written. */
export function entryRef(entry: unknown, path: JsonPath): { ref: string; path: JsonPath } | undefined {
  const s = asString(entry);
  if (s !== undefined) return { ref: s, path };
  const ref = asString(asRecord(entry)?.ref);
  return ref !== undefined ? { ref, path: [...path, 'ref'] } : undefined;
}

export interface ImageUse {
  text: string;
  path: JsonPath;
}

/** The image named in defaults, where it is written. */
export function defaultsImageUses(value: Record<string, unknown>): ImageUse[] {
  const text = asString(asRecord(value.defaults)?.image);
  return text !== undefined ? [{ text, path: ['defaults', 'image'] }] : [];
}

/** The images a job names, on itself and on its steps. */
export function jobImageUses(entry: JobEntry): ImageUse[] {
  const uses: ImageUse[] = [];
  const add = (v: unknown, path: JsonPath) => {
    const text = asString(v);
    if (text !== undefined) uses.push({ text, path });
  };
  add(entry.job.image, [...entry.path, 'image']);
  asArray(entry.job.steps).forEach((step, i) => add(asRecord(step)?.image, [...entry.path, 'steps', i, 'image']));
  return uses;
}

export interface ResolvedImage {
  /** Set when the name is an alias from images:. */
  alias?: string;
  ref?: string;
  /** The alias's entry when written as a mapping (users, groups, mpi). */
  spec?: Record<string, unknown>;
}

/** An alias if `images:` has it, a reference if it holds a ':', else nothing Shifter could use. */
export function resolveImage(value: Record<string, unknown>, text: string): ResolvedImage | undefined {
  const images = asRecord(value.images);
  if (hasKey(images, text)) {
    const entry = images![text];
    return { alias: text, ref: entryRef(entry, [])?.ref, spec: asRecord(entry) };
  }
  return text.includes(':') ? { ref: text } : undefined;
}

export function aliasNames(value: Record<string, unknown>): string[] {
  return Object.keys(asRecord(value.images) ?? {});
}
