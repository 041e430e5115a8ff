// One cache entry: a task that completed, under its key, with what it read and what it wrote. Stored
// as JSON with a checksum over its own content, so a truncated, hand-edited or bit-rotten entry is
// refused (and ignored with a warning) instead of read as a smaller truth. Holds paths and digests
// only: never the script text, env values or anything else that could carry a credential.

import { canonicalJson, sha256Hex, type KeyParts } from './job-key';
import type { Scalar } from '../plan/types';

export const ENTRY_VERSION = 1;

export interface RecordedFile {
  path: string;
  digest: string;
}

export interface CacheEntry {
  version: number;
  key: string;
  job: string;
  /** The array index it had in the run that wrote it (matrix jobs). */
  index?: number;
  matrix?: Record<string, Scalar>;
  runId: string;
  /** ISO time the entry was written. */
  recordedAt: string;
  parts: KeyParts;
  /** Output name -> what the task wrote there. */
  outputs: Record<string, RecordedFile[]>;
}

export function serializeEntry(entry: CacheEntry): string {
  const body = canonicalJson(entry);
  return `{"sum":${JSON.stringify(sha256Hex(body))},"entry":${body}}\n`;
}

export class EntryError extends Error {}

/** The entry in `text`, or an EntryError saying why it cannot be trusted. */
export function parseEntry(text: string, expectedKey?: string): CacheEntry {
  let data: { sum?: unknown; entry?: unknown };
  try {
    data = JSON.parse(text) as typeof data;
  } catch {
    throw new EntryError(text.length === 0 ? 'empty' : 'not JSON (cut short or damaged)');
  }
  if (typeof data !== 'object' || data === null || typeof data.sum !== 'string' || typeof data.entry !== 'object' || data.entry === null) throw new EntryError('not a cache entry');
  // The body was written canonical (serializeEntry) and JSON.parse keeps key order, so stringifying
  // it again gives the same text without sorting anything; an entry whose keys were reordered by hand
  // fails the check and is ignored, which is safe.
  if (sha256Hex(JSON.stringify(data.entry)) !== data.sum) throw new EntryError('checksum does not match its content');
  const e = data.entry as CacheEntry;
  if (e.version !== ENTRY_VERSION) throw new EntryError(`entry version ${String(e.version)}, expected ${ENTRY_VERSION}`);
  if (typeof e.key !== 'string' || typeof e.job !== 'string' || typeof e.runId !== 'string' || typeof e.parts !== 'object' || typeof e.outputs !== 'object') throw new EntryError('fields missing');
  if (expectedKey !== undefined && e.key !== expectedKey) throw new EntryError(`holds key ${e.key.slice(0, 12)}, not ${expectedKey.slice(0, 12)}`);
  return e;
}
