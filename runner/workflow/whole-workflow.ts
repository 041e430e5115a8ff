// The checks that read the whole workflow at once: the schema's pass over the header and the job
// names (checkWorkflowSchema), and the workflow rules (image entries, volumes, references between
// jobs, cycles...). On a large file they cost as much as everything else after an edit, yet an edit
// inside one job rarely changes what they read: the header values, the profile, and per job its name,
// whether it is a mapping, its `needs`, its `group`, its matrix keys, and its `inputs:`/`outputs:` (with the matrix they expand over). When none of those changed since the
// previous validation, its findings are reused as they are (findings hold paths, not positions).

import type { Finding } from './finding';
import { jobList } from './job-list';
import type { Profile } from '../profiles/profile';
import { WORKFLOW_RULES } from './rules';
import { asRecord } from './rules/rule';
import { checkWorkflowSchema } from './schema-check';

export interface WholeWorkflowFindings {
  schema: Finding[];
  rules: Finding[];
  /** What the findings were computed from; undefined when they must not be reused. */
  inputs?: Inputs;
}

interface Inputs {
  /** The workflow's keys in order, and their values (compared by identity; `jobs` is compared below). */
  keys: string[];
  values: unknown[];
  profile: string;
  names: readonly string[];
  jobs: readonly unknown[];
}

export function checkWholeWorkflow(value: unknown, profile: Profile, previous?: WholeWorkflowFindings, workflowDir = '/'): WholeWorkflowFindings {
  const inputs = inputsOf(value, profile, workflowDir);
  if (inputs && previous?.inputs && sameInputs(previous.inputs, inputs)) return { ...previous, inputs };
  const record = asRecord(value);
  const rules: Finding[] = [];
  if (record) for (const rule of WORKFLOW_RULES) rules.push(...rule({ value: record, profile, workflowDir }));
  return { schema: checkWorkflowSchema(value), rules, inputs };
}

function inputsOf(value: unknown, profile: Profile, workflowDir: string): Inputs | undefined {
  const record = asRecord(value);
  const jobs = asRecord(record?.jobs);
  // Only a workflow whose jobs are a mapping is worth keeping; anything else is cheap to check.
  if (!record || !jobs) return undefined;
  let profileKey: string;
  try {
    profileKey = JSON.stringify([profile, workflowDir]);
  } catch {
    return undefined; // a YAML alias made the profile contain itself
  }
  const keys = Object.keys(record);
  const { names, values } = jobList(jobs);
  return { keys, values: keys.map((k) => (k === 'jobs' ? undefined : record[k])), profile: profileKey, names, jobs: values };
}

function sameInputs(a: Inputs, b: Inputs): boolean {
  if (a.profile !== b.profile || !sameList(a.keys, b.keys) || !sameList(a.values, b.values) || !sameList(a.names, b.names)) return false;
  // A job that was not edited is the same object; an edited one matters only through its graph view.
  for (let i = 0; i < a.jobs.length; i++) {
    if (a.jobs[i] === b.jobs[i]) continue;
    const view = graphView(a.jobs[i]);
    if (view === undefined || view !== graphView(b.jobs[i])) return false;
  }
  return true;
}

/** What the whole-workflow checks read of one job. */
function graphView(job: unknown): string | undefined {
  const j = asRecord(job);
  if (!j) return 'not a mapping';
  const matrix = asRecord(j.matrix);
  try {
    // The files a job declares make edges too (file-graph.ts), per matrix element.
    return JSON.stringify([j.needs, matrix ? Object.keys(matrix) : null, j.group, j.matrix !== undefined, j.inputs, j.outputs, j.inputs || j.outputs ? j.matrix : null]);
  } catch {
    return undefined; // needs that contain themselves through an alias: never the same
  }
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
