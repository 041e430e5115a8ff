// What one scan of an image leaves: its platform and config, sizes, every entry of the merged view
// and the captured contents, as plain data. The rules read only this; the per-digest cache stores it,
// so a second check of the same image needs no layer at all.

import type { CapturedValue } from './captures';
import type { EntryType, ViewEntry } from './merged-view';

export const FACTS_VERSION = 1;

export interface ImageConfig {
  env: string[];
  workdir?: string;
  entrypoint?: string[];
  cmd?: string[];
}

/** path, type, mode, uid, gid, size, link ('' when none), layer, packaged (1: the package database lists it). */
export type EntryRow = [string, EntryType, number, number, number, number, string, number, 0 | 1];

export interface ImageFacts {
  version: typeof FACTS_VERSION;
  /** The registry reference checked (`host/name:tag`). */
  reference: string;
  /** Digest of the image manifest (the linux/amd64 one of a list). */
  digest: string;
  platform: { os: string; architecture: string; variant?: string };
  config: ImageConfig;
  /** Sum of the layer blobs as the registry stores them. */
  compressedSize: number;
  /** Sum of the file sizes in every layer's tar (what unpacking writes, before whiteouts). */
  uncompressedSize: number;
  layers: number;
  entries: EntryRow[];
  /** Captured file contents by path, reduced (dpkg/apk file lists are folded into `packaged`). */
  captured: Record<string, CapturedValue>;
}

export function toRow(path: string, e: ViewEntry): EntryRow {
  return [path, e.type, e.mode, e.uid, e.gid, e.size, e.link ?? '', e.layer, e.packaged ? 1 : 0];
}

export function fromRow(row: EntryRow): ViewEntry {
  const e: ViewEntry = { type: row[1], mode: row[2], uid: row[3], gid: row[4], size: row[5], layer: row[7] };
  if (row[6] !== '') e.link = row[6];
  if (row[8] === 1) e.packaged = true;
  return e;
}
