// The Slurm executor: sbatch to submit, ONE sacct per poll (squeue for what sacct does not know yet),
// scancel to cancel. A controller that does not answer is retried with backoff, and a submission is
// never repeated before squeue has shown that the first one did not get through.

import { SubmissionInterrupted, type Executor, type Submission, type TaskStatus } from '../run/executor';
import { isFinal } from '../run/job-state';
import { ExecFileRunner, describeFailure, mergeEnv, type CommandResult, type CommandRunner } from './command-runner';
import { SlurmCommandError, SlurmSubmitError, SlurmUnavailableError, isTransientSlurmError } from './errors';
import { assertJobIds, parseJobId } from './job-id';
import { Backoff, DEFAULT_RETRY, realClock, type Clock, type RetryPolicy } from './retry';
import { readTail, srunLaunchFailure } from './launch-failure';
import { parseSacct, sacctArgv, type SacctMemo } from './sacct';
import { parseSbatchOutput, sbatchArgv, taskDependencyArgvs } from './sbatch';
import { isInvalidJobIdMessage, parseSqueueComments, parseSqueueStatus, squeueCommentArgv, squeueStatusArgv } from './squeue';

export type SlurmCommand = 'sbatch' | 'squeue' | 'sacct' | 'scancel' | 'scontrol';

export type SlurmCallCounts = Record<SlurmCommand, number> & { total: number };

export interface RetryInfo {
  command: SlurmCommand;
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  /** What Slurm printed (or why the command did not answer). */
  slurmMessage: string;
}

export interface SlurmExecutorOptions {
  runner?: CommandRunner;
  /** Added to every command's environment (e.g. SLURM_CONF), over this process's own. */
  env?: Record<string, string>;
  /** Program paths (default: the names, found on PATH). */
  commands?: Partial<Record<SlurmCommand, string>>;
  /** `--clusters=` on every command (multi-cluster sites). */
  cluster?: string;
  /** Extra sbatch options before the script (the script's own `#SBATCH` lines are the usual place). */
  sbatchArgs?: string[];
  retry?: Partial<RetryPolicy>;
  /** Told before each wait, e.g. "Slurm controller unreachable (...); retrying sbatch for wf.a in 2 s". */
  onRetry?: (message: string, info: RetryInfo) => void;
  /** Told when something Slurm refused leaves a job running, only less well (a task dependency not narrowed). */
  onWarning?: (message: string) => void;
  clock?: Clock;
  /** Each command is stopped after this long and counted as a transient failure (default 120 s). */
  commandTimeoutMs?: number;
  /** Whether sacct stores job comments (AccountingStoreFlags=job_comment); asked of scontrol once when unset. */
  accountingComments?: boolean;
  /** How far back findByComment looks in sacct (default 7 days). */
  commentLookbackDays?: number;
}

type Attempt<T> = { ok: true; value: T } | { ok: false; message: string };

export class SlurmExecutor implements Executor {
  readonly name = 'slurm';
  /** sbatch waits mostly on the controller (and the SPANK image lookup): a few at once hide that wait. */
  readonly submitConcurrency = 4;
  private readonly runner: CommandRunner;
  private readonly policy: RetryPolicy;
  private readonly clock: Clock;
  private readonly counts: SlurmCallCounts = { sbatch: 0, squeue: 0, sacct: 0, scancel: 0, scontrol: 0, total: 0 };
  private readonly abort = new AbortController();
  private accountingComments: boolean | undefined;
  /** Set when sacct said accounting is disabled: polls then use squeue alone. */
  private noAccounting = false;
  /** When this executor submitted each job: accounting learns of a job a moment after sbatch. */
  private readonly submittedAt = new Map<string, number>();
  /** Last poll's sacct lines: an unchanged line is not parsed again. */
  private readonly sacctMemo: SacctMemo = { lines: new Map() };

  constructor(private readonly opts: SlurmExecutorOptions = {}) {
    this.runner = opts.runner ?? new ExecFileRunner();
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.clock = opts.clock ?? realClock;
    this.accountingComments = opts.accountingComments;
  }

  /** How many times each Slurm command was started (benchmarks report it); a copy. */
  callCounts(): SlurmCallCounts {
    return { ...this.counts };
  }

  async submit(sub: Submission, interrupt?: AbortSignal): Promise<string> {
    const argv = sbatchArgv(sub, { sbatch: this.cmd('sbatch'), cluster: this.opts.cluster, extraArgs: this.opts.sbatchArgs });
    const backoff = new Backoff(this.policy, this.clock);
    for (;;) {
      if (interrupt?.aborted) throw new SubmissionInterrupted(sub.job, sub.comment);
      const r = await this.exec('sbatch', argv, sub.env);
      if (r.code === 0) {
        const answer = parseSbatchOutput(r.stdout);
        if (answer) {
          this.submittedAt.set(answer.jobId, this.clock.now());
          await this.narrowTaskDependencies(sub, answer.jobId);
          return answer.jobId;
        }
        throw new SlurmCommandError(`sbatch accepted job ${sub.name} but printed no job id`, argv, `${r.stdout}${r.stderr}`.trim());
      }
      let message = failureText(argv, r);
      if (!isTransient(r)) {
        if (r.spawnError || r.aborted) throw new SlurmCommandError(`could not run sbatch for job ${sub.name}: ${describeFailure(argv, r)}`, argv, r.stderr.trim());
        throw new SlurmSubmitError(sub.name, message, argv);
      }
      // The controller may have taken the job and failed to say so: look before submitting again.
      for (;;) {
        await this.waitBeforeRetry(backoff, 'sbatch', `retrying sbatch for ${sub.name}`, message, () =>
          new SlurmUnavailableError(
            `could not submit job ${sub.name}: Slurm did not answer for ${Math.round(backoff.elapsedMs() / 1000)} s (${backoff.attempts + 1} attempts). ` +
              `The job may have been accepted all the same: look for the comment "${sub.comment}" with squeue --me -t all -o '%i %k'`,
            message,
            backoff.attempts + 1,
          ),
          interrupt,
        );
        if (interrupt?.aborted) throw new SubmissionInterrupted(sub.job, sub.comment);
        const found = await this.squeueComment(sub.comment);
        if (found.ok) {
          if (found.value !== undefined) {
            await this.narrowTaskDependencies(sub, found.value);
            return found.value;
          }
          break; // not there: the first submission did not get through
        }
        message = found.message;
      }
    }
  }

  /**
   * The tasks of a new array that must not wait for all of an aftercorr array (Submission
   * correspondingByTask) get their own dependency. Not under --hold: a runner killed between sbatch
   * and the release would leave the array held for good. Without it, a failed update (told through
   * onWarning) or a task of the aftercorr array failing in the moment before the update leaves those
   * tasks as sbatch alone has them: after the whole array.
   */
  private async narrowTaskDependencies(sub: Submission, jobId: string): Promise<void> {
    for (const argv of taskDependencyArgvs(sub, jobId, { scontrol: this.cmd('scontrol'), cluster: this.opts.cluster })) {
      let refused: string | undefined;
      try {
        refused = await this.retrying('scontrol', `setting the dependencies of tasks of ${sub.name}`, async () => {
          const r = await this.exec('scontrol', argv);
          if (r.code === 0) return { ok: true, value: undefined };
          if (isTransient(r)) return { ok: false, message: failureText(argv, r) };
          return { ok: true, value: failureText(argv, r) };
        });
      } catch (e) {
        refused = (e as Error).message;
      }
      const tasks = argv.find((a) => a.startsWith('JobId='))!.slice('JobId='.length);
      if (refused !== undefined) this.opts.onWarning?.(`${tasks} (${sub.name}) still wait for all of ${sub.dependsOnCorresponding?.join(', ')}: scontrol update did not take (${refused.split('\n')[0]})`);
    }
  }

  async poll(externalIds: string[]): Promise<TaskStatus[]> {
    const ids = [...new Set(externalIds)];
    if (ids.length === 0) return [];
    assertJobIds(ids);
    return this.retrying('squeue', `polling ${ids.length} job(s)`, async () => {
      let statuses: TaskStatus[] = [];
      if (!this.noAccounting) {
        const argv = sacctArgv(ids, { sacct: this.cmd('sacct'), cluster: this.opts.cluster });
        const r = await this.exec('sacct', argv, undefined, true);
        if (r.code === 0) statuses = parseSacct(r.stdout, this.sacctMemo);
        else if (!isTransient(r) && /accounting storage is disabled|not running a supported accounting_storage plugin/i.test(r.stderr)) this.noAccounting = true;
        // Any other sacct failure (slurmdbd down): squeue answers for every job this time.
      }
      // A job this executor submitted moments ago is pending until accounting has it: reporting so
      // keeps each poll to ONE query. squeue is asked only about jobs missing for longer than that.
      const now = this.clock.now();
      const fresh = (id: string) => !this.noAccounting && now - (this.submittedAt.get(id) ?? -Infinity) < ACCOUNTING_LAG_MS;
      for (const id of ids) if (!covers(statuses, id) && fresh(id)) statuses.push({ externalId: id, state: 'PENDING', reason: 'submitted; not yet in accounting' });
      const missing = ids.filter((id) => !covers(statuses, id));
      if (missing.length === 0) return { ok: true, value: statuses };
      const argv = squeueStatusArgv(missing, { squeue: this.cmd('squeue'), cluster: this.opts.cluster });
      const r = await this.exec('squeue', argv, undefined, true);
      if (r.code !== 0 && !isInvalidJobIdMessage(r.stderr)) {
        if (isTransient(r)) return { ok: false, message: failureText(argv, r) };
        throw new SlurmCommandError(`squeue failed while polling jobs ${missing.join(',')}`, argv, failureText(argv, r));
      }
      let fromQueue = r.code === 0 ? parseSqueueStatus(r.stdout) : [];
      // squeue knows a job's end before accounting does, but not its exit code: with accounting on, a
      // job squeue calls finished is still "completing" until sacct has its record (a job's exit codes
      // come from sacct).
      if (!this.noAccounting) fromQueue = fromQueue.map((s) => (isFinal(s.state) ? { ...s, state: 'COMPLETING' as const } : s));
      statuses = statuses.concat(fromQueue);
      // Neither knows it (purged from the controller and never reached the database): say so.
      for (const id of missing) if (!covers(statuses, id)) statuses.push(unknownStatus(id));
      return { ok: true, value: statuses };
    });
  }

  async cancel(externalIds: string[]): Promise<void> {
    const ids = [...new Set(externalIds)];
    if (ids.length === 0) return;
    assertJobIds(ids);
    const argv = [this.cmd('scancel'), ...(this.opts.cluster ? [`--clusters=${this.opts.cluster}`] : []), ...ids];
    await this.retrying('scancel', `cancelling ${ids.join(',')}`, async () => {
      const r = await this.exec('scancel', argv);
      if (r.code === 0) return { ok: true, value: undefined };
      if (isTransient(r)) return { ok: false, message: failureText(argv, r) };
      // Already gone is what we wanted.
      if (/Invalid job id|already completing or completed|Job has already finished/i.test(r.stderr)) return { ok: true, value: undefined };
      throw new SlurmCommandError(`scancel failed for ${ids.join(',')}`, argv, failureText(argv, r));
    });
  }

  async launchFailure(stderrPaths: string[]): Promise<string | undefined> {
    for (const path of stderrPaths) {
      const line = srunLaunchFailure(readTail(path));
      if (line) return line;
    }
    return undefined;
  }

  async findByComment(comment: string): Promise<string | undefined> {
    const fromQueue = await this.retrying('squeue', 'looking for an earlier submission', () => this.squeueComment(comment));
    if (fromQueue !== undefined) return fromQueue;
    if (this.noAccounting || !(await this.commentsInAccounting())) return undefined;
    const days = this.opts.commentLookbackDays ?? 7;
    const argv = [this.cmd('sacct'), '-n', '-P', '-X', ...(this.opts.cluster ? [`--clusters=${this.opts.cluster}`] : []), `--starttime=now-${days}days`, '--format=JobID,Comment'];
    return this.retrying('sacct', 'looking for an earlier submission in the accounting', async () => {
      const r = await this.exec('sacct', argv, undefined, true);
      if (r.code === 0) return { ok: true, value: newest(parseSqueueComments(r.stdout), comment) };
      if (isTransient(r)) return { ok: false, message: failureText(argv, r) };
      throw new SlurmCommandError('sacct failed while looking for an earlier submission', argv, failureText(argv, r));
    });
  }

  async close(): Promise<void> {
    this.abort.abort();
  }

  // ------------------------------------------------------------------ internals

  private cmd(c: SlurmCommand): string {
    return this.opts.commands?.[c] ?? c;
  }

  private async exec(command: SlurmCommand, argv: string[], extraEnv?: Record<string, string>, standardTimes = false): Promise<CommandResult> {
    if (this.abort.signal.aborted) throw new Error('the Slurm executor is closed');
    this.counts[command]++;
    this.counts.total++;
    // Times as 2026-01-02T03:04:05 whatever the user's SLURM_TIME_FORMAT says (not for sbatch: the
    // job inherits sbatch's environment).
    const env = mergeEnv(this.opts.env, extraEnv, standardTimes ? { SLURM_TIME_FORMAT: 'standard' } : undefined);
    return this.runner.run(argv, { env, timeoutMs: this.opts.commandTimeoutMs ?? 120_000, signal: this.abort.signal });
  }

  /** One squeue for the newest of this user's jobs carrying the comment. */
  private async squeueComment(comment: string): Promise<Attempt<string | undefined>> {
    const argv = squeueCommentArgv({ squeue: this.cmd('squeue'), cluster: this.opts.cluster });
    const r = await this.exec('squeue', argv);
    if (r.code === 0) return { ok: true, value: newest(parseSqueueComments(r.stdout), comment) };
    if (isTransient(r)) return { ok: false, message: failureText(argv, r) };
    throw new SlurmCommandError('squeue failed while looking for an earlier submission', argv, failureText(argv, r));
  }

  private async commentsInAccounting(): Promise<boolean> {
    if (this.accountingComments === undefined) {
      const r = await this.exec('scontrol', [this.cmd('scontrol'), 'show', 'config']);
      const flags = r.code === 0 ? /^AccountingStoreFlags\s*=\s*(.*)$/m.exec(r.stdout)?.[1] ?? '' : '';
      this.accountingComments = /job_comment/i.test(flags);
    }
    return this.accountingComments;
  }

  private async retrying<T>(command: SlurmCommand, what: string, attempt: () => Promise<Attempt<T>>): Promise<T> {
    const backoff = new Backoff(this.policy, this.clock);
    for (;;) {
      const a = await attempt();
      if (a.ok) return a.value;
      await this.waitBeforeRetry(backoff, command, `retrying ${what}`, a.message, () =>
        new SlurmUnavailableError(`Slurm did not answer while ${what} for ${Math.round(backoff.elapsedMs() / 1000)} s (${backoff.attempts + 1} attempts)`, a.message, backoff.attempts + 1),
      );
    }
  }

  private async waitBeforeRetry(backoff: Backoff, command: SlurmCommand, doing: string, slurmMessage: string, giveUp: () => Error, interrupt?: AbortSignal): Promise<void> {
    const delayMs = backoff.next();
    if (delayMs === undefined) throw giveUp();
    const secs = delayMs >= 1000 ? `${Math.round(delayMs / 100) / 10} s` : `${delayMs} ms`;
    const firstLine = slurmMessage.split('\n').find((l) => l.trim()) ?? slurmMessage;
    this.opts.onRetry?.(`Slurm controller unreachable (${firstLine.trim()}); ${doing} in ${secs}`, { command, attempt: backoff.attempts, delayMs, slurmMessage });
    await this.clock.sleep(delayMs, interrupt);
    if (this.abort.signal.aborted) throw new Error('the Slurm executor is closed');
  }
}

function isTransient(r: CommandResult): boolean {
  if (r.timedOut) return true;
  if (r.spawnError || r.aborted) return false;
  return isTransientSlurmError(`${r.stderr}\n${r.stdout}`);
}

function failureText(argv: string[], r: CommandResult): string {
  const text = r.stderr.trim() || r.stdout.trim();
  if (r.timedOut) return `${describeFailure(argv, r)}${text ? `: ${text}` : ''}`;
  return text || describeFailure(argv, r);
}

/** The newest (highest id) job carrying exactly this comment. */
function newest(rows: { jobId: string; comment: string }[], comment: string): string | undefined {
  let best: string | undefined;
  for (const row of rows) {
    if (row.comment !== comment) continue;
    if (best === undefined || BigInt(row.jobId) > BigInt(best)) best = row.jobId;
  }
  return best;
}

/** Does some status answer for this requested id (`123` or `123_4`)? */
const ACCOUNTING_LAG_MS = 10_000;

function covers(statuses: readonly TaskStatus[], id: string): boolean {
  const p = parseJobId(id);
  if (!p) return false;
  return statuses.some((s) => s.externalId === p.jobId && (p.arrayIndex === undefined || s.arrayIndex === p.arrayIndex));
}

function unknownStatus(id: string): TaskStatus {
  const p = parseJobId(id);
  const s: TaskStatus = { externalId: p?.jobId ?? id, state: 'UNKNOWN', reason: 'unknown to both sacct and squeue' };
  if (p?.arrayIndex !== undefined) s.arrayIndex = p.arrayIndex;
  return s;
}
