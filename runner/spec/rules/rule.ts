// The shape of a Shifter rule and the small helpers rules share. A rule is a pure function of the
// parsed workflow value and the profile; it must not assume the value passed the schema (every file
// gets all its errors at once), so it reads the value through these guards.

import type { Finding, JsonPath } from '../finding';
import type { Profile } from '../../profiles/profile';

export interface RuleContext {
  /** The parsed workflow, possibly not schema-valid: read it through the guards below. */
  value: Record<string, unknown>;
  profile: Profile;
}

export type Rule = (ctx: RuleContext) => Finding[];

export function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export interface JobEntry {
  name: string;
  job: Record<string, unknown>;
  path: JsonPath;
}

export function jobsOf(value: Record<string, unknown>): JobEntry[] {
  const jobs = asRecord(value.jobs);
  if (!jobs) return [];
  const out: JobEntry[] = [];
  for (const [name, job] of Object.entries(jobs)) {
    const j = asRecord(job);
    if (j) out.push({ name, job: j, path: ['jobs', name] });
  }
  return out;
}

/** A job setting with the defaults applied, and the path it came from (for positions). */
export function effective(value: Record<string, unknown>, entry: JobEntry, key: string): { value: unknown; path: JsonPath } | undefined {
  if (entry.job[key] !== undefined) return { value: entry.job[key], path: [...entry.path, key] };
  const defaults = asRecord(value.defaults);
  if (defaults && defaults[key] !== undefined) return { value: defaults[key], path: ['defaults', key] };
  return undefined;
}
