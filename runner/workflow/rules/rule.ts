// The shape of a Shifter rule and the small helpers rules share. A rule is a pure function of the
// parsed workflow value and the profile; it must not assume the value passed the schema (every file
// gets all its errors at once), so it reads the value through these guards.

import type { Finding, JsonPath } from '../finding';
import type { Profile } from '../../profiles/profile';
import { jobList } from '../job-list';
import jobSchema from '../../../schemas/job.schema.json';

export interface RuleContext {
  /** The parsed workflow, possibly not schema-valid: read it through the guards below. */
  value: Record<string, unknown>;
  profile: Profile;
  /** The workflow file's directory: relative `inputs:`/`outputs:` paths are resolved against it. */
  workflowDir: string;
}

export type Rule = (ctx: RuleContext) => Finding[];

/**
 * The part of a rule about one job. It may read the header (images, volumes, defaults, env) and the
 * profile but no other job, so that its findings can be kept while the job's text does not change:
 * re-validating a large file after an edit then re-checks the edited job only.
 */
export type JobRule = (ctx: RuleContext, entry: JobEntry) => Finding[];

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

const jobEntries = new WeakMap<object, readonly JobEntry[]>();
/** Each job's entry, kept while the job value is (an edit elsewhere in the file leaves it alone). */
const entryOfJob = new WeakMap<object, JobEntry>();

/** The jobs that are mappings, once per workflow value (every rule walks them; a file may hold thousands). */
export function jobsOf(value: Record<string, unknown>): readonly JobEntry[] {
  const jobs = asRecord(value.jobs);
  if (!jobs) return [];
  let out = jobEntries.get(jobs);
  if (!out) {
    const entries: JobEntry[] = [];
    const { names, values } = jobList(jobs);
    for (let i = 0; i < names.length; i++) {
      const name = names[i];
      const j = asRecord(values[i]);
      if (!j) continue;
      // A YAML alias can give one job value two names: the entry must have this one.
      let entry = entryOfJob.get(j);
      if (entry?.name !== name) {
        entry = { name, job: j, path: ['jobs', name] };
        entryOfJob.set(j, entry);
      }
      entries.push(entry);
    }
    out = entries;
    jobEntries.set(jobs, out);
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

/** A positive whole number, the only kind of count Slurm takes; anything else is the schema's to report. */
export function asCount(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : undefined;
}

/** An own key of a mapping: `images.constructor` must not find Object's prototype. */
export function hasKey(record: Record<string, unknown> | undefined, key: string): boolean {
  return record !== undefined && Object.prototype.hasOwnProperty.call(record, key);
}

/** A string as YAML text for a fix: plain when that reads back as the same string, else double-quoted. */
export function yamlScalar(s: string): string {
  const plain = /^[A-Za-z0-9_/.+-][A-Za-z0-9_/.+:-]*$/.test(s) && !/^(?:true|false|null|yes|no|on|off|[-+.0-9][-+.0-9eE_xXoObB]*)$/i.test(s);
  return plain ? s : JSON.stringify(s);
}

/**
 * Keeps the first finding per code and path. A value inherited from `defaults` is at fault once, not
 * once per job that inherits it.
 */
export function oncePerPath(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}|${JSON.stringify(f.path)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A value as it can be quoted in a message: line breaks and NUL shown escaped. */
export function printable(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

const KEYS = {
  job: new Set(Object.keys(jobSchema.properties)),
  step: new Set(Object.keys(jobSchema.$defs.step.properties)),
};

/**
 * True when a job (or step) has a key the schema does not know. That key may be the misspelled `command` or
 * `image` a rule would miss: the schema reports it with a rename fix, and rules about what is
 * missing wait until it is fixed rather than repeat the same mistake in other words.
 */
export function hasUnknownKey(record: Record<string, unknown>, kind: 'job' | 'step' = 'job'): boolean {
  return Object.keys(record).some((k) => !KEYS[kind].has(k));
}
