// Runs batch scripts on this machine with Slurm's semantics: afterok dependencies (a failed
// dependency cancels the dependents, as --kill-on-invalid-dep=yes does), job arrays, time limits,
// at most `slots` scripts at once, and the SLURM_* variables a program expects. The scripts call
// `srun` and `shifter`: here those are shifterflow's local runtime (libexec/), which starts the
// tasks and wraps each command in the local engine with Shifter's semantics.

import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root';
import { parseArraySpec } from '../plan/array-indices';
import { parseSlurmTime } from '../plan/slurm-time';
import type { Executor, Submission, TaskStatus } from '../run/executor';
import { isFinal, type JobState } from '../run/job-state';
import { readDirectives } from './directives';
import { defaultScratchRoot } from './scratch';

interface LocalTask {
  index?: number;
  state: JobState;
  exitCode?: number;
  signal?: number;
  submitTime: string;
  startTime?: string;
  endTime?: string;
  reason?: string;
  child?: ChildProcess;
  killedAs?: JobState;
}

interface LocalJob {
  id: string;
  submission: Submission;
  tasks: LocalTask[];
  maxParallel: number;
  timeSeconds?: number;
  env: Record<string, string>;
}

export interface LocalExecutorOptions {
  /** Scripts running at once; the machine's cores by default. */
  slots: number;
  /** Engine the local `shifter` uses: bwrap, podman, docker or none (`auto` until useEngine decides). */
  engine: string;
  /** Extra environment for every job (engine settings, image store...). */
  env?: Record<string, string>;
  /** Where perNodeCache directories of exclusive jobs live (removed with the job). */
  scratchRoot?: string;
}

/** Where the local `srun` and `shifter` live. */
export const LIBEXEC = join(packageRoot(), 'libexec');

export class LocalExecutor implements Executor {
  readonly name = 'local';
  private readonly jobs = new Map<string, LocalJob>();
  private running = 0;
  private nextId = 1;
  private closed = false;
  private readonly runtimeDir: string;

  constructor(private options: LocalExecutorOptions, runtimeDir = LIBEXEC) {
    this.runtimeDir = runtimeDir;
  }

  /** The engine chosen once the images are prepared (prepare-local.ts), before anything is submitted. */
  useEngine(engine: string, env: Record<string, string>): void {
    this.options = { ...this.options, engine, env: { ...(this.options.env ?? {}), ...env } };
  }

  get engine(): string {
    return this.options.engine;
  }

  private get scratchRoot(): string {
    return this.options.scratchRoot ?? defaultScratchRoot();
  }

  async submit(submission: Submission): Promise<string> {
    const script = readFileSync(submission.scriptPath, 'utf8');
    const d = readDirectives(script);
    const id = String(process.pid * 1000 + this.nextId++);
    const now = new Date().toISOString();
    // As sbatch does: an --array given with the submission (part of the array) wins over the script's.
    const array = submission.array !== undefined ? parseArraySpec(submission.array) : d.array;
    const indices = array?.indices;
    const tasks: LocalTask[] = indices ? indices.map((index) => ({ index, state: 'PENDING', submitTime: now })) : [{ state: 'PENDING', submitTime: now }];
    const env: Record<string, string> = { ...(submission.env ?? {}) };
    if (d.image) env.SHIFTER_IMAGEREQUEST = d.image;
    if (d.volume) env.SHIFTER_VOLUME = d.volume;
    if (d.module) env.SHIFTER_MODULE = d.module;
    // An exclusive job keeps its perNodeCache across steps (Shifter prepares it once per node).
    if (d.raw.exclusive !== undefined) env.SF_LOCAL_EXCLUSIVE = '1';
    // As sbatch does: a --time given with the submission wins over the script's.
    const timeSeconds = submission.time !== undefined ? parseSlurmTime(submission.time) : d.timeSeconds;
    this.jobs.set(id, { id, submission, tasks, maxParallel: array?.maxParallel ?? Infinity, timeSeconds, env });
    for (const dep of [...submission.dependsOn, ...(submission.dependsOnCorresponding ?? [])]) if (!this.jobs.has(dep.split('_')[0])) throw new Error(`sbatch: error: Batch job submission failed: Job dependency problem (unknown job ${dep})`);
    setImmediate(() => this.schedule());
    return id;
  }

  async poll(externalIds: string[]): Promise<TaskStatus[]> {
    this.schedule();
    const out: TaskStatus[] = [];
    for (const id of externalIds) {
      const job = this.jobs.get(id);
      if (!job) continue;
      for (const t of job.tasks) {
        out.push({
          externalId: id,
          arrayIndex: t.index,
          state: t.state,
          exitCode: t.exitCode,
          signal: t.signal,
          nodes: t.startTime ? 'localhost' : undefined,
          submitTime: t.submitTime,
          startTime: t.startTime,
          endTime: t.endTime,
          elapsedSeconds: t.startTime ? Math.round(((t.endTime ? Date.parse(t.endTime) : Date.now()) - Date.parse(t.startTime)) / 1000) : undefined,
          reason: t.reason,
        });
      }
    }
    return out;
  }

  /** Resolves once every cancelled task's processes are gone (SIGTERM, then SIGKILL after 5 s). */
  async cancel(externalIds: string[]): Promise<void> {
    const exits: Promise<void>[] = [];
    for (const id of externalIds) {
      const job = this.jobs.get(id);
      if (!job) continue;
      for (const t of job.tasks) {
        if (t.child && !isFinal(t.state)) exits.push(exited(t.child));
        this.stop(t, 'CANCELLED');
      }
    }
    await Promise.all(exits);
    this.schedule();
  }

  async findByComment(comment: string): Promise<string | undefined> {
    for (const job of this.jobs.values()) if (job.submission.comment === comment) return job.id;
    return undefined;
  }

  async close(): Promise<void> {
    await this.cancel([...this.jobs.keys()]);
    this.closed = true;
  }

  private stop(t: LocalTask, as: JobState): void {
    if (isFinal(t.state)) return;
    if (t.child && t.child.pid) {
      t.killedAs = as;
      try {
        process.kill(-t.child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    } else {
      t.state = as;
      t.exitCode = 0; // never started: Slurm says 0:0 too
      t.endTime = new Date().toISOString();
    }
  }

  private removeScratch(job: { id: string }): void {
    rmSync(join(this.scratchRoot, `job_${job.id}`), { recursive: true, force: true });
  }

  private schedule(): void {
    if (this.closed) return;
    for (const job of this.jobs.values()) {
      // afterok on `ID` (every task) or `ID_T` (that task), as Slurm reads them.
      const depStates = job.submission.dependsOn.flatMap((d) => {
        const [id, task] = d.split('_');
        const tasks = this.jobs.get(id)!.tasks;
        return (task === undefined ? tasks : tasks.filter((t) => t.index === Number(task))).map((t) => t.state);
      });
      const allBroken = depStates.some((s) => isFinal(s) && s !== 'COMPLETED');
      const allReady = depStates.every((s) => s === 'COMPLETED');
      const corresponding = (job.submission.dependsOnCorresponding ?? []).map((d) => this.jobs.get(d)!);
      // Tasks whose task in some of those arrays is done elsewhere (cached, an earlier attempt) wait for fewer.
      const fewer = new Map((job.submission.correspondingByTask ?? []).flatMap(({ tasks, waitFor }) => tasks.map((t) => [t, new Set(waitFor)] as const)));
      let active = job.tasks.filter((t) => t.state === 'RUNNING').length;
      for (const t of job.tasks) {
        if (t.state !== 'PENDING') continue;
        // aftercorr: task i after task i of each listed array (a task it lacks is no wait).
        const waitFor = t.index !== undefined ? fewer.get(t.index) : undefined;
        const mine = corresponding.filter((d) => !waitFor || waitFor.has(d.id)).flatMap((d) => d.tasks.filter((u) => u.index === t.index).map((u) => u.state));
        const broken = allBroken || mine.some((s) => isFinal(s) && s !== 'COMPLETED');
        const ready = allReady && mine.every((s) => s === 'COMPLETED');
        if (broken) {
          t.state = 'CANCELLED';
          t.exitCode = 0; // as Slurm reports a job cancelled before it ran: 0:0
          t.reason = 'DependencyNeverSatisfied';
          t.endTime = new Date().toISOString();
          continue;
        }
        if (!ready) {
          t.reason = 'Dependency';
          continue;
        }
        if (this.running >= this.options.slots || active >= job.maxParallel) {
          t.reason = 'Resources';
          continue;
        }
        this.start(job, t);
        active++;
      }
    }
  }

  private start(job: LocalJob, t: LocalTask): void {
    const s = job.submission;
    const fill = (p: string) => p.replace(/%a/g, String(t.index ?? 0)).replace(/%A/g, job.id).replace(/%j/g, job.id).replace(/%x/g, s.name);
    const out = openSync(fill(s.stdoutPath), 'a', 0o600);
    const err = s.stderrPath === s.stdoutPath ? out : openSync(fill(s.stderrPath), 'a', 0o600);
    const env: Record<string, string> = {
      ...(process.env as Record<string, string>),
      ...(this.options.env ?? {}),
      ...job.env,
      PATH: `${this.runtimeDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      SF_LOCAL_ENGINE: this.options.engine === 'auto' ? 'none' : this.options.engine,
      SF_LOCAL_LIBEXEC: this.runtimeDir,
      SF_LOCAL_SCRATCH: this.scratchRoot,
      SLURM_JOB_ID: job.id,
      SLURM_JOBID: job.id,
      SLURM_JOB_NAME: s.name,
      SLURM_SUBMIT_DIR: s.workdir,
      SLURM_NNODES: '1',
      SLURM_JOB_NUM_NODES: '1',
      SLURM_NODELIST: 'localhost',
      SLURM_CLUSTER_NAME: 'local',
    };
    if (t.index !== undefined) {
      env.SLURM_ARRAY_JOB_ID = job.id;
      env.SLURM_ARRAY_TASK_ID = String(t.index);
      env.SLURM_ARRAY_TASK_COUNT = String(job.tasks.length);
    }
    t.state = 'RUNNING';
    t.reason = undefined;
    t.startTime = new Date().toISOString();
    this.running++;
    const child = spawn('/bin/bash', [s.scriptPath, ...(s.args ?? [])], { cwd: s.workdir, env, stdio: ['ignore', out, err], detached: true });
    t.child = child;
    let timer: NodeJS.Timeout | undefined;
    if (job.timeSeconds !== undefined) {
      timer = setTimeout(() => this.stop(t, 'TIMEOUT'), job.timeSeconds * 1000);
      timer.unref();
    }
    const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
      if (isFinal(t.state)) return;
      if (timer) clearTimeout(timer);
      closeSync(out);
      if (err !== out) closeSync(err);
      this.running--;
      t.child = undefined;
      t.endTime = new Date().toISOString();
      t.exitCode = code ?? (signal ? 128 + (signalNumber(signal) ?? 0) : 1);
      t.signal = signal ? signalNumber(signal) : undefined;
      t.state = t.killedAs ?? (error ? 'FAILED' : code === 0 ? 'COMPLETED' : 'FAILED');
      if (error) t.reason = error.message;
      if (job.tasks.every((x) => isFinal(x.state))) this.removeScratch(job);
      this.schedule();
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('exit', (code, signal) => finish(code, signal));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }, 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
  });
}

function signalNumber(signal: NodeJS.Signals): number | undefined {
  const table: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15, SIGUSR1: 10, SIGUSR2: 12 };
  return table[signal];
}

export const DEFAULT_STDOUT = (logs: string, job: string, array: boolean) => join(logs, array ? `${job}.%a.out` : `${job}.out`);
