// sbatch: the command line for one submission and the reading of its `--parsable` answer.

import * as path from 'node:path';
import { arraySpec } from '../plan/array-indices';
import type { Submission } from '../run/executor';
import { assertJobIds } from './job-id';

export interface SbatchArgvOptions {
  /** Program to run (default `sbatch`). */
  sbatch?: string;
  /** `--clusters=` for multi-cluster sites. */
  cluster?: string;
  /** Extra options placed before the script (for example `--account=m1234`). */
  extraArgs?: readonly string[];
}

/**
 * `sbatch --parsable --kill-on-invalid-dep=yes [--dependency=afterok:1:2] --job-name=N --comment=C
 *  --output=O --error=E --chdir=W [--time=T] [--array=A] SCRIPT [ARGS]`. An argv array: nothing here passes through a shell.
 */
export function sbatchArgv(sub: Submission, opts: SbatchArgvOptions = {}): string[] {
  assertJobIds(sub.dependsOn);
  assertJobIds(sub.dependsOnCorresponding ?? []);
  for (const [what, value] of [
    ['job name', sub.name],
    ['comment', sub.comment],
    ['output path', sub.stdoutPath],
    ['error path', sub.stderrPath],
    ['working directory', sub.workdir],
    ['script path', sub.scriptPath],
    ...(sub.time !== undefined ? ([['time limit', sub.time]] as const) : []),
    ...(sub.array !== undefined ? ([['array list', sub.array]] as const) : []),
  ] as const) {
    if (!value) throw new TypeError(`sbatch: the ${what} of job ${sub.job} is empty`);
    if (/[\n\r\0]/.test(value)) throw new TypeError(`sbatch: the ${what} of job ${sub.job} contains a line break or NUL`);
  }
  if (sub.array !== undefined && !/^\d+(?:-\d+)?(?:,\d+(?:-\d+)?)*(?:%\d+)?$/.test(sub.array)) throw new TypeError(`sbatch: the array list of job ${sub.job} is not INDEX[-INDEX],...[%N]: ${JSON.stringify(sub.array)}`);
  const argv = [opts.sbatch ?? 'sbatch', '--parsable', '--kill-on-invalid-dep=yes'];
  if (sub.noRequeue) argv.push('--no-requeue');
  if (opts.cluster) argv.push(`--clusters=${opts.cluster}`);
  const dependency = dependencyValue(sub.dependsOn, sub.dependsOnCorresponding ?? []);
  if (dependency) argv.push(`--dependency=${dependency}`);
  argv.push(
    `--job-name=${sub.name}`,
    `--comment=${sub.comment}`,
    `--output=${sub.stdoutPath}`,
    `--error=${sub.stderrPath}`,
    `--chdir=${sub.workdir}`,
    // On the command line, it overrides the script's #SBATCH --time.
    ...(sub.time !== undefined ? [`--time=${sub.time}`] : []),
    // Likewise over #SBATCH --array: part of the array (its failed tasks, or those the cache could not serve).
    ...(sub.array !== undefined ? [`--array=${sub.array}`] : []),
    ...(opts.extraArgs ?? []),
    // sbatch reads a relative script path from its own cwd (ours), and a leading '-' would be an option.
    path.resolve(sub.scriptPath),
    // After the script, sbatch passes every word to it unread.
    ...(sub.args ?? []),
  );
  return argv;
}

/** `afterok:1:2_3,aftercorr:4` (several kinds comma-separated: all must hold), or '' for none. */
export function dependencyValue(afterok: readonly string[], corresponding: readonly string[]): string {
  const deps = [...new Set(afterok)];
  const corr = [...new Set(corresponding)];
  return [...(deps.length ? [`afterok:${deps.join(':')}`] : []), ...(corr.length ? [`aftercorr:${corr.join(':')}`] : [])].join(',');
}

/**
 * After sbatch, one `scontrol update JobId=ID_[TASKS] Dependency=...` per entry of the submission's
 * correspondingByTask: those tasks keep its afterok and only the aftercorr they still need (the
 * update splits them off the pending array; sacct and squeue still show them as ID_T).
 */
export function taskDependencyArgvs(sub: Submission, jobId: string, opts: { scontrol?: string; cluster?: string } = {}): string[][] {
  assertJobIds([jobId, ...sub.dependsOn, ...(sub.dependsOnCorresponding ?? [])]);
  return (sub.correspondingByTask ?? []).map(({ tasks, waitFor }) => {
    assertJobIds(waitFor);
    const spec = arraySpec(tasks);
    return [opts.scontrol ?? 'scontrol', ...(opts.cluster ? [`--clusters=${opts.cluster}`] : []), 'update', `JobId=${jobId}_${/^\d+$/.test(spec) ? spec : `[${spec}]`}`, `Dependency=${dependencyValue(sub.dependsOn, waitFor)}`];
  });
}

export interface SbatchAnswer {
  jobId: string;
  cluster?: string;
}

/** `12345` or `12345;cluster` (the last such line: sbatch may print warnings before it). */
export function parseSbatchOutput(stdout: string): SbatchAnswer | undefined {
  const lines = stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^(\d+)(?:;(\S+))?$/.exec(lines[i]);
    if (m) return m[2] ? { jobId: m[1], cluster: m[2] } : { jobId: m[1] };
  }
  return undefined;
}
