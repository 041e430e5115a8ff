// Declared files (`inputs:`/`outputs:`): each array task's paths, absolute on the host, and the edges
// they add to the job graph. An input that another job declares as an output makes the reader need
// the writer, like `needs:`; when the writer is a matrix the wait is narrowed to the elements read
// (see TaskNeed). Pure: paths are resolved as text, nothing is looked up on disk.

import { resolve } from 'node:path';
import type { Job } from '../workflow/generated/schema-types';
import { substituteMatrix } from './matrix';
import { PlanError } from './plan-error';
import type { JobArray, PlannedFiles, PlannedFileSet, TaskNeed } from './types';

/** A path with `*`, `?` or `[` is a glob pattern (only inputs, only for files there before the run). */
export function isGlobPattern(path: string): boolean {
  return /[*?[]/.test(path);
}

/** The host path a declared path names: matrix values substituted, resolved against the workflow file's directory. */
export function hostPath(written: string, values: JobArray['values'][number] | undefined, workflowDir: string): string {
  const text = written.includes('${{') ? substituteMatrix(written, values) : written;
  // A workflow names thousands of files (bench P7: 10,000, resolved by the rules, the plan and SF056):
  // path.resolve normalizes each from scratch, a join of two normal paths needs no normalizing.
  if (text.charCodeAt(0) === SLASH) return isNormal(text, 0) ? text : resolve(text);
  return isNormal(workflowDir, 0) && isNormal(text, -1) ? (workflowDir === '/' ? '/' + text : workflowDir + '/' + text) : resolve(workflowDir, text);
}

const SLASH = 47;
const DOT = 46;

/**
 * Whether path.resolve would leave `p` as it is: no empty, `.` or `..` segment, no trailing slash.
 * `from` 0: an absolute path (`/` itself is normal); -1: the relative part of a join (not empty).
 */
export function isNormal(p: string, from: 0 | -1): boolean {
  if (from === 0 ? p.charCodeAt(0) !== SLASH : p.length === 0) return false;
  if (p.length === 1 && from === 0) return true;
  // Each segment starts after a slash (or at 0 for a relative part).
  let start = from === 0 ? 1 : 0;
  for (let i = start; i <= p.length; i++) {
    const c = i === p.length ? SLASH : p.charCodeAt(i);
    if (c !== SLASH) continue;
    const n = i - start;
    if (n === 0) return false;
    if (p.charCodeAt(start) === DOT && (n === 1 || (n === 2 && p.charCodeAt(start + 1) === DOT))) return false;
    start = i + 1;
  }
  return true;
}

/** `files[i]` for array task i, one entry for a job without a matrix. */
export function planFiles(jobName: string, job: Job, array: JobArray | undefined, workflowDir: string): PlannedFiles[] {
  const tasks = array ? array.values : [undefined];
  return tasks.map((values) => {
    const sets = (declared: Job['inputs']): PlannedFileSet[] =>
      Object.entries(declared ?? {}).map(([name, written]) => {
        try {
          return { name, paths: (typeof written === 'string' ? [written] : written).map((p) => hostPath(p, values, workflowDir)) };
        } catch (e) {
          if (e instanceof PlanError) throw new PlanError(`job ${jobName}: ${e.message} (in ${name})`);
          throw e;
        }
      });
    return { inputs: sets(job.inputs), outputs: sets(job.outputs) };
  });
}

/** What fileEdges reads of a planned job. */
export interface FileNode {
  key: string;
  needs: readonly string[];
  files: readonly PlannedFiles[];
  array?: { size: number };
}

/** Who writes a path: the job, and its array task when it has a matrix. */
export interface Producer {
  job: string;
  task?: number;
}

/** Every declared output path -> the job (and task) that writes it; the first writer when several do (SF rule refuses that). */
export function producers(jobs: readonly FileNode[]): Map<string, Producer> {
  const out = new Map<string, Producer>();
  for (const j of jobs) {
    j.files.forEach((f, i) => {
      for (const set of f.outputs) for (const p of set.paths) if (!out.has(p)) out.set(p, j.array ? { job: j.key, task: i } : { job: j.key });
    });
  }
  return out;
}

/**
 * The jobs each job needs through its files (key -> producers in order of first mention, itself
 * left out) and how narrowly it waits for each: `corresponding` when both are matrices of one size
 * and element i reads only what element i writes; the elements read, for a job without a matrix
 * that reads only some elements; otherwise (absent) the whole job.
 */
export function fileEdges(jobs: readonly FileNode[]): Map<string, { needs: string[]; taskNeeds: TaskNeed[] }> {
  const written = producers(jobs);
  const size = new Map(jobs.map((j) => [j.key, j.array?.size]));
  const result = new Map<string, { needs: string[]; taskNeeds: TaskNeed[] }>();
  for (const j of jobs) {
    // producer -> [reader task, producer task] pairs
    const reads = new Map<string, [number, number | undefined][]>();
    j.files.forEach((f, c) => {
      for (const set of f.inputs) {
        for (const p of set.paths) {
          const w = written.get(p);
          if (!w || w.job === j.key) continue;
          let list = reads.get(w.job);
          if (!list) reads.set(w.job, (list = []));
          list.push([c, w.task]);
        }
      }
    });
    const taskNeeds: TaskNeed[] = [];
    for (const [producer, pairs] of reads) {
      const producerSize = size.get(producer);
      if (producerSize === undefined || j.needs.includes(producer)) continue;
      const tasks = [...new Set(pairs.map(([, t]) => t!))].sort((a, b) => a - b);
      if (j.array === undefined) {
        if (tasks.length < producerSize) taskNeeds.push({ job: producer, scope: tasks });
      } else if (j.array.size === producerSize && pairs.every(([c, t]) => c === t)) {
        taskNeeds.push({ job: producer, scope: 'corresponding' });
      }
    }
    result.set(j.key, { needs: [...reads.keys()].filter((k) => !j.needs.includes(k)), taskNeeds });
  }
  return result;
}

/** Whether a job reads one of its own outputs (a cycle Slurm could never start). */
export function readsOwnOutput(job: FileNode): string | undefined {
  const own = new Set(job.files.flatMap((f) => f.outputs.flatMap((s) => s.paths)));
  for (const f of job.files) for (const set of f.inputs) for (const p of set.paths) if (own.has(p)) return p;
  return undefined;
}
