// Job settings with the workflow's defaults merged in: a job's own value wins over `defaults:`; env
// is merged key by key, workflow env < defaults env < job env (< step env, in steps.ts).

import type { Env, Job, Workflow } from '../workflow/generated/schema-types';
import type { RetryPolicy } from './types';

/** The retry states when `retry.on` is not given (the schema's default). */
export const DEFAULT_RETRY_ON: RetryPolicy['on'] = ['NODE_FAIL', 'PREEMPTED', 'BOOT_FAIL'];

/** A job's settings, job else defaults; `nodes` is what the file asks for, `image` as written. */
export interface JobSettings extends Pick<Job, 'qos' | 'account' | 'partition' | 'constraint' | 'time' | 'mem' | 'nodes' | 'image'> {
  exclusive: boolean;
  env: [string, string][];
  modules?: string[];
  retry?: RetryPolicy;
}

export function mergeDefaults(workflow: Workflow, job: Job): JobSettings {
  const d = workflow.defaults ?? {};
  const settings: JobSettings = { exclusive: job.exclusive ?? d.exclusive ?? false, env: mergeEnv(workflow.env, d.env, job.env) };
  const copy = <K extends 'qos' | 'account' | 'partition' | 'constraint' | 'time' | 'mem' | 'nodes' | 'image'>(key: K) => {
    const v = job[key] ?? d[key];
    if (v !== undefined) (settings as unknown as Record<string, unknown>)[key] = v;
  };
  for (const key of ['qos', 'account', 'partition', 'constraint', 'time', 'mem', 'nodes', 'image'] as const) copy(key);
  const modules = job.modules ?? d.modules;
  if (modules) settings.modules = [...modules];
  const retry = job.retry ?? d.retry;
  if (retry) settings.retry = { attempts: retry.attempts, on: [...(retry.on ?? DEFAULT_RETRY_ON)] };
  return settings;
}

/**
 * Later layers win; a variable keeps the position where it first appeared. Values become text as YAML
 * parsed them (`4` -> "4", `true` -> "true").
 */
export function mergeEnv(...layers: (Env | readonly [string, string][] | undefined)[]): [string, string][] {
  const merged = new Map<string, string>();
  for (const layer of layers) {
    if (!layer) continue;
    const entries = Array.isArray(layer) ? (layer as readonly [string, string][]) : Object.entries(layer as Env);
    for (const [name, value] of entries) merged.set(name, String(value));
  }
  return [...merged.entries()];
}
