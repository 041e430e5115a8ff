// The cache for one run (or one `run --dry-run`): decides every task of the plan before anything is
// submitted, and records each task once it completed. The only part of the cache with state; the
// rules are in decide.ts, the key in job-key.ts, the files in store.ts and fingerprint.ts.
//
// When keys are computed: a task whose upstream all comes from the cache is decided before the run
// (its inputs are there). A task that runs gets its key when it is recorded, after it completed: the
// outputs of the jobs it read are only known then. Inputs that no job of the plan writes (the user's
// files) are digested before anything is submitted, and again when the task is recorded: one that
// changed in between (edited while the run went on) leaves the task unrecorded, with a warning,
// because the result may come from either content.

import type { Scalar } from '../plan/types';
import { decide, type Decision } from './decide';
import type { CacheEntry, RecordedFile } from './entry';
import { DigestMemory, MISSING } from './fingerprint';
import { expandGlob } from './glob';
import { jobKey, sha256Hex, type KeyParts } from './job-key';
import type { StatPass } from './stat-pass';
import type { CacheStore } from './store';

/** What the cache reads of a planned job (PlannedJob has all of it). */
export interface CacheJob {
  key: string;
  needs: string[];
  taskNeeds?: { job: string; scope: 'corresponding' | number[] }[];
  images: string[];
  array?: { values: Record<string, Scalar>[]; size: number };
  files?: { inputs: { name: string; paths: string[] }[]; outputs: { name: string; paths: string[] }[] }[];
  cache?: boolean;
}

export interface TaskDecision {
  /** The array index; undefined for a job without a matrix. */
  index?: number;
  decision: Decision;
}

export interface CacheSessionOptions {
  store: CacheStore;
  memory: DigestMemory;
  jobs: readonly CacheJob[];
  /** The task's script as task-script.ts renders it. */
  script: (job: CacheJob, index: number | undefined) => string;
  /** sha256 of task scripts known already (a dry run's memo of the plan, cli/plan-memo.ts), by task name: not rendered again. */
  scriptDigests?: ReadonlyMap<string, string>;
  /** Image reference -> pinned id, from the READY lookup (or given to decideAll, once images are ready). */
  imageIds?: ReadonlyMap<string, string>;
  /** `run --fresh`: nothing is taken from the cache (new entries are still written). */
  fresh?: boolean;
  warn?: (text: string) => void;
}

interface Task {
  job: CacheJob;
  index?: number;
  matrix?: Record<string, Scalar>;
  files: { inputs: { name: string; paths: string[] }[]; outputs: { name: string; paths: string[] }[] };
}

export class CacheSession {
  private readonly jobs: Map<string, CacheJob>;
  private readonly produced = new Set<string>();
  /** Digests of the user's input files before the run. */
  private readonly before = new Map<string, string>();
  private readonly keys = new Map<string, string>();
  private readonly decisions = new Map<string, TaskDecision[]>();
  private readonly scriptDigests = new Map<string, string>();
  private readonly hits = new Map<string, CacheEntry>();
  private imageIds: ReadonlyMap<string, string>;

  constructor(private readonly o: CacheSessionOptions) {
    this.jobs = new Map(o.jobs.map((j) => [j.key, j]));
    for (const [task, digest] of o.scriptDigests ?? []) this.scriptDigests.set(task, digest);
    this.imageIds = o.imageIds ?? new Map();
    for (const j of o.jobs) for (const f of j.files ?? []) for (const s of f.outputs) for (const p of s.paths) this.produced.add(p);
  }

  private tasks(job: CacheJob): Task[] {
    const files = job.files ?? [];
    const empty = { inputs: [], outputs: [] };
    if (!job.array) return [{ job, files: files[0] ?? empty }];
    return job.array.values.map((matrix, index) => ({ job, index, matrix, files: files[index] ?? empty }));
  }

  private id(job: string, index: number | undefined): string {
    return index === undefined ? job : `${job}[${index}]`;
  }

  private cacheOn(t: Task): boolean {
    return !this.o.fresh && t.job.cache !== false && t.files.outputs.some((s) => s.paths.length > 0);
  }

  /** The needed jobs' task indices this task waits for (all of them unless the plan narrowed it). */
  private neededTasks(t: Task): { job: CacheJob; indices: (number | undefined)[] }[] {
    const out: { job: CacheJob; indices: (number | undefined)[] }[] = [];
    for (const name of t.job.needs) {
      const job = this.jobs.get(name);
      if (!job) continue;
      const narrow = t.job.taskNeeds?.find((n) => n.job === name)?.scope;
      let indices: (number | undefined)[];
      if (!job.array) indices = [undefined];
      else if (narrow === 'corresponding' && t.index !== undefined) indices = [t.index];
      else if (Array.isArray(narrow)) indices = narrow;
      else indices = job.array.values.map((_, i) => i);
      out.push({ job, indices });
    }
    return out;
  }

  /**
   * Every task of the plan, in the plan's order (every job after the jobs it needs). `stats`: what
   * stat said of the inputs a moment ago, in this same decision (`run --dry-run`'s SF056 check).
   */
  decideAll(imageIds?: ReadonlyMap<string, string>, stats?: StatPass): Map<string, TaskDecision[]> {
    if (imageIds) this.imageIds = imageIds;
    this.o.memory.refresh(stats);
    for (const job of this.o.jobs) {
      const list: TaskDecision[] = [];
      for (const t of this.tasks(job)) {
        for (const s of t.files.inputs) for (const p of s.paths.flatMap(expandGlob)) if (!this.produced.has(p)) this.before.set(p, this.o.memory.digest(p));
        list.push({ index: t.index, decision: this.decideTask(t) });
      }
      this.decisions.set(job.key, list);
    }
    return this.decisions;
  }

  private decideTask(t: Task): Decision {
    if (!this.cacheOn(t)) return decide({ cacheOn: false });
    for (const n of this.neededTasks(t)) {
      const runs = n.indices.some((i) => {
        const d = this.decisions.get(n.job.key)?.find((x) => x.index === i)?.decision;
        return !d?.cached;
      });
      if (runs) return decide({ cacheOn: true, neededRuns: n.job.key });
    }
    const parts = this.parts(t);
    const key = jobKey(parts);
    const hit = this.o.store.find(t.job.key, t.matrix, key);
    const decision = hit
      ? decide({ cacheOn: true, key, parts, hit, outputsNow: Object.fromEntries(Object.entries(hit.outputs).map(([n, files]) => [n, files.map((f) => this.o.memory.digest(f.path))])) })
      : decide({ cacheOn: true, key, parts, latest: this.o.store.latest(t.job.key, t.matrix) });
    if (decision.cached) {
      this.keys.set(this.id(t.job.key, t.index), key);
      this.hits.set(this.id(t.job.key, t.index), hit!);
    }
    return decision;
  }

  private scriptDigest(t: Task): string {
    const id = this.id(t.job.key, t.index);
    let d = this.scriptDigests.get(id);
    if (d === undefined) this.scriptDigests.set(id, (d = sha256Hex(this.o.script(t.job, t.index))));
    return d;
  }

  /** The key's parts as the files are now. */
  private parts(t: Task): KeyParts {
    const inputs: KeyParts['inputs'] = {};
    for (const s of t.files.inputs) inputs[s.name] = s.paths.flatMap(expandGlob).map((p) => [p, this.o.memory.digest(p)]);
    const outputs: KeyParts['outputs'] = {};
    for (const s of t.files.outputs) outputs[s.name] = [...s.paths];
    const needs: KeyParts['needs'] = {};
    for (const n of this.neededTasks(t)) needs[n.job.key] = n.indices.map((i) => this.keyOf(n.job, i));
    const images: KeyParts['images'] = {};
    for (const ref of [...t.job.images].sort()) images[ref] = this.imageIds.get(ref) ?? '';
    const parts: KeyParts = { script: this.scriptDigest(t), images, inputs, outputs, needs };
    if (t.matrix) parts.matrix = t.matrix;
    return parts;
  }

  /** A task's key: from the cache, from its record in this run, or from its parts as they are now. */
  private keyOf(job: CacheJob, index: number | undefined): string {
    const id = this.id(job.key, index);
    let k = this.keys.get(id);
    if (k === undefined) {
      const t = this.tasks(job).find((x) => x.index === index);
      if (!t) return '';
      this.keys.set(id, (k = jobKey(this.parts(t))));
    }
    return k;
  }

  /**
   * After a task completed: digests its outputs and writes its entry. Returns the entry, or undefined
   * (with a warning where it says something) when the task cannot be cached: cache off, an output
   * missing, or one of the user's inputs changed since the run began.
   */
  record(jobKey_: string, index: number | undefined, runId: string): CacheEntry | undefined {
    const job = this.jobs.get(jobKey_);
    if (!job) return undefined;
    const t = this.tasks(job).find((x) => x.index === index);
    if (!t || t.job.cache === false || !t.files.outputs.some((s) => s.paths.length > 0)) return undefined;
    const id = this.id(job.key, index);
    this.o.memory.refresh();
    const parts = this.parts(t);
    for (const files of Object.values(parts.inputs)) {
      for (const [path, digest] of files) {
        const was = this.before.get(path);
        if (was !== undefined && was !== digest) {
          this.o.warn?.(`cache: ${id} is not cached: its input ${path} changed while the run went on`);
          return undefined;
        }
      }
    }
    const outputs: Record<string, RecordedFile[]> = {};
    for (const s of t.files.outputs) {
      outputs[s.name] = s.paths.map((path) => ({ path, digest: this.o.memory.digest(path) }));
      const gone = outputs[s.name].find((f) => f.digest === MISSING);
      if (gone) return undefined; // the output check fails the job and says so
    }
    const key = jobKey(parts);
    this.keys.set(id, key);
    const entry: CacheEntry = { version: 1, key, job: job.key, runId, recordedAt: new Date().toISOString(), parts, outputs };
    if (index !== undefined) entry.index = index;
    if (t.matrix) entry.matrix = t.matrix;
    try {
      this.o.store.write(entry);
    } catch (e) {
      this.o.warn?.(`cache: could not record ${id}: ${(e as Error).message}`);
      return undefined;
    }
    return entry;
  }

  /** The entry a cached task was taken from. */
  entryOf(job: string, index: number | undefined): CacheEntry | undefined {
    return this.hits.get(this.id(job, index));
  }

  /** Saves the digests learnt (once, at the end: one write for the whole run). */
  /** Every entry file the decisions opened or looked for. */
  entryFiles(): ReadonlySet<string> {
    return this.o.store.looked;
  }

  close(): void {
    try {
      this.o.memory.save();
    } catch (e) {
      this.o.warn?.(`cache: could not save file digests: ${(e as Error).message}`);
    }
  }
}
