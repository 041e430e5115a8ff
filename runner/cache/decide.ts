// Whether a task is taken from the cache, and if not the FIRST reason it runs. Pure: the caller
// looked up the entries and digested the recorded outputs (cache-session.ts).
//
// Order of the reasons, from what the user turned off, to what made the key differ (in the order a
// person edits: the script, the image, the inputs, the outputs' paths, upstream), to the outputs on
// disk (the key matched but the result is gone or was changed since).

import type { CacheEntry } from './entry';
import { canonicalJson, type KeyParts } from './job-key';
import { MISSING } from './fingerprint';

export type Decision = { cached: true; runId: string; key: string } | { cached: false; reason: string };

export interface DecideInput {
  /** False with `cache: false`, without outputs, or with `run --fresh`. */
  cacheOn: boolean;
  /** A job this task waits for that runs in this run (its outputs cannot be known before). */
  neededRuns?: string;
  key?: string;
  parts?: KeyParts;
  /** The entry stored under `key`. */
  hit?: CacheEntry;
  /** The task's last entry, whatever its key (for the reason of a miss). */
  latest?: CacheEntry;
  /** Digest now of each output path the hit recorded, by name, in its order. */
  outputsNow?: Record<string, string[]>;
}

export function decide(d: DecideInput): Decision {
  if (!d.cacheOn) return { cached: false, reason: 'cache off' };
  if (d.neededRuns !== undefined) return { cached: false, reason: `needed job runs (${d.neededRuns})` };
  if (d.hit && d.key !== undefined) {
    for (const [name, files] of Object.entries(d.hit.outputs)) {
      const now = d.outputsNow?.[name] ?? [];
      for (let i = 0; i < files.length; i++) {
        if (now[i] === undefined || now[i] === MISSING) return { cached: false, reason: `output ${name} missing` };
      }
      for (let i = 0; i < files.length; i++) if (now[i] !== files[i].digest) return { cached: false, reason: `output ${name} changed` };
    }
    return { cached: true, runId: d.hit.runId, key: d.key };
  }
  if (!d.latest || !d.parts) return { cached: false, reason: 'no earlier run' };
  return { cached: false, reason: whatChanged(d.parts, d.latest.parts) };
}

/** The first part that differs between the key now and the last recorded one. */
export function whatChanged(now: KeyParts, before: KeyParts): string {
  if (now.script !== before.script) return 'script changed';
  if (!sameJson(now.images, before.images)) return 'image changed';
  for (const [name, files] of Object.entries(now.inputs)) if (!sameJson(files, before.inputs?.[name])) return `input ${name} changed`;
  for (const name of Object.keys(before.inputs ?? {})) if (!(name in now.inputs)) return `input ${name} changed`;
  for (const [name, paths] of Object.entries(now.outputs)) if (!sameJson(paths, before.outputs?.[name])) return `output ${name} changed`;
  for (const name of Object.keys(before.outputs ?? {})) if (!(name in now.outputs)) return `output ${name} changed`;
  for (const [job, keys] of Object.entries(now.needs)) if (!sameJson(keys, before.needs?.[job])) return `needed job changed (${job})`;
  for (const job of Object.keys(before.needs ?? {})) if (!(job in now.needs)) return `needed job changed (${job})`;
  // Every part is equal but no entry has the key: the entry was removed or could not be read.
  return 'no earlier run';
}

function sameJson(a: unknown, b: unknown): boolean {
  return canonicalJson(a ?? null) === canonicalJson(b ?? null);
}

/** `cached (RUN)` or `runs: WHY`, as `run --dry-run` prints it. */
export function describeDecision(d: Decision): string {
  return d.cached ? `cached (${d.runId})` : `runs: ${d.reason}`;
}
