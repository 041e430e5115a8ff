// PlannedJob -> sbatch script text. Shape (see docs/design.md and docs/shifter.md):
//
//   #!/bin/bash
//   #SBATCH --job-name=<workflow>.<job>          then the engine's directives (image, volume, module),
//   ...                                          then Slurm's options; never a $VARIABLE (not expanded)
//   srun -N n -n t shifter CMD                   one foreground step: its status is the script's
//   srun -N n -n t shifter /bin/sh -c 'CMD'      the same, CMD using shell syntax (see below)
//   shifter CMD                                  serial job on a shared qos: no srun (NERSC's guide)
//
// Several steps, or a background one: each foreground step's status is checked at once (a failure
// kills the background steps and exits with that status), background steps get `--overlap` (without
// it the next srun waits for them) and are all waited for at the end; the script exits non-zero when
// any step failed, because Slurm records the batch script's exit status as the job's state.
//
// A matrix job is one array job: a step whose line depends on the matrix values sits in a
// `case "${SLURM_ARRAY_TASK_ID:-}"` with one arm per array index, its placeholders replaced by the
// quoted values (shell-quote.ts, substituteInShell).
//
// Never written, by design: `#!/usr/bin/shifter /bin/bash` (fails where slurmd's spool directory is not
// visible in the image) and `srun --image=` (ignored inside an allocation: the engine's `shifter
// --image=` switches image).
//
// The user's `command:` runs in the image, all of it, once per task (command-form.ts): a plain one (a
// program and its words) is written as is, the guide's `srun -n 32 shifter python hello.py args`;
// one with any shell syntax (redirects, pipes, `&&`, `$VAR`, `$(...)`, globs, `~`, several lines)
// becomes `shifter /bin/sh -c '<the command>'`, so the image's /bin/sh reads it in each task, with
// that task's SLURM_PROCID, and the batch shell on the host expands nothing of it. Every step is
// therefore one line. The generated helper functions turn `set -u` on for themselves only
// (`local -`, bash >= 4.4).

import { engineForProfile } from '../engines';
import { EngineError, type ContainerEngine, type Word } from '../engines/engine';
import { PLACEHOLDER, placeholderValue, substitutePlaceholders } from '../plan/file-refs';
import { jobPaths } from '../plan/job-view';
import { PlanError } from '../plan/plan-error';
import type { Plan, PlannedFiles, PlannedJob, PlannedStep, Scalar } from '../plan/types';
import { commandForm } from './command-form';
import { outputCheckLines, outputPrepareLines } from './output-lines';
import { RenderError } from './render-error';
import { QuoteError, quote, quoteOption, sbatchLine, substituteInShell } from './shell-quote';

const INDENT = '  ';

/**
 * How commands name declared files: as the image sees them (through the job's volumes), or as the
 * host does (the local engine `none` runs commands on the host and mounts no volume).
 */
export interface FileView {
  siteFileSystems: readonly string[];
  onHost: boolean;
}

/** The sbatch script of one job; `engine` defaults to the plan's profile's (shifter). */
export function renderJob(job: PlannedJob, plan: Plan, engine: ContainerEngine = engineForProfile(plan.profile), options: { filesOnHost?: boolean } = {}): string {
  try {
    const view: FileView = { siteFileSystems: plan.profile.siteFileSystems, onHost: options.filesOnHost === true };
    return [...directives(job, plan, engine), '', ...header(job, plan), ...body(job, engine, view)].join('\n') + '\n';
  } catch (err) {
    throw asRenderError(job, err);
  }
}

/** The job's #SBATCH lines, refused as renderJob refuses them (`run --dry-run` renders the rest per task for the cache's key). */
export function renderDirectives(job: PlannedJob, plan: Plan, engine: ContainerEngine): string[] {
  try {
    return directives(job, plan, engine);
  } catch (err) {
    throw asRenderError(job, err);
  }
}

function asRenderError(job: PlannedJob, err: unknown): unknown {
  if (err instanceof QuoteError || err instanceof PlanError || err instanceof EngineError || err instanceof RenderError) return new RenderError(`job ${job.key}: ${err.message}`);
  return err;
}

// ---- #SBATCH lines --------------------------------------------------------------------------------

export function directives(job: PlannedJob, plan: Plan, engine: ContainerEngine): string[] {
  const s = job.slurm;
  const lines = ['#!/bin/bash', sbatchLine('job-name', job.slurmName)];
  for (const d of engine.jobDirectives(job)) lines.push(sbatchLine(d.name, d.value, { doubleQuote: d.doubleQuote }));
  if (s.qos !== undefined) lines.push(sbatchLine('qos', s.qos));
  if (s.account !== undefined) lines.push(sbatchLine('account', s.account));
  if (s.partition !== undefined) lines.push(sbatchLine('partition', s.partition));
  if (s.constraint !== undefined) lines.push(sbatchLine('constraint', s.constraint));
  if (s.time !== undefined) lines.push(sbatchLine('time', s.time));
  if (s.mem !== undefined) lines.push(sbatchLine('mem', s.mem));
  if (s.exclusive) lines.push(sbatchLine('exclusive'));
  if (s.nodes !== undefined) lines.push(sbatchLine('nodes', String(s.nodes)));
  if (s.ntasksPerNode !== undefined) lines.push(sbatchLine('ntasks-per-node', String(s.ntasksPerNode)));
  if (s.cpusPerTask !== undefined) lines.push(sbatchLine('cpus-per-task', String(s.cpusPerTask)));
  if (job.array) lines.push(sbatchLine('array', `0-${job.array.size - 1}${job.array.maxParallel !== undefined ? `%${job.array.maxParallel}` : ''}`));
  if (plan.logDir !== undefined) {
    const dir = plan.logDir.replace(/\/+$/, '') || '/';
    if (dir.includes('%')) throw new RenderError(`log directory ${JSON.stringify(plan.logDir)} contains %, which Slurm reads as a file name pattern`);
    const base = `${dir === '/' ? '' : dir}/${job.key}-${job.array ? '%A_%a' : '%j'}`;
    lines.push(sbatchLine('output', `${base}.out`), sbatchLine('error', `${base}.err`));
  }
  return lines;
}

function header(job: PlannedJob, plan: Plan): string[] {
  const lines = [`# shifterflow: workflow ${plan.workflow}, job ${job.key}. Generated; edits are lost when it is rendered again.`];
  if (job.description !== undefined) {
    for (const line of job.description.replace(/\s+$/, '').split('\n')) lines.push(`# ${line.replace(/[\u0000-\u001f\u007f]/g, ' ')}`.trimEnd());
  }
  lines.push('');
  return lines;
}

// ---- the steps ------------------------------------------------------------------------------------

const HELPERS = `# Every step is checked: a failed foreground step stops the job at once (background steps are
# killed, with what they started); background steps are waited for at the end; the exit status is
# non-zero if any step failed, so that Slurm records the job as FAILED.
sf_names=()
sf_pids=()
sf_started() { sf_names+=("$1"); sf_pids+=("$2"); }
sf_tree() {
  local child
  echo "$1"
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do sf_tree "$child"; done
}
sf_check() {
  local -; set -u
  [ "$2" -eq 0 ] && return 0
  echo "shifterflow: step $1 failed with exit status $2" >&2
  local pid
  for pid in "\${sf_pids[@]}"; do kill $(sf_tree "$pid") 2>/dev/null; done
  exit "$2"
}
sf_wait() {
  local -; set -u
  local i status failed=0
  for i in "\${!sf_pids[@]}"; do
    wait "\${sf_pids[$i]}"
    status=$?
    if [ "$status" -ne 0 ]; then
      echo "shifterflow: step \${sf_names[$i]} failed with exit status $status" >&2
      [ "$failed" -ne 0 ] || failed=$status
    fi
  done
  exit "$failed"
}
`;

export function body(job: PlannedJob, engine: ContainerEngine, view: FileView = { siteFileSystems: ['/'], onHost: false }): string[] {
  const checked = job.steps.length > 1 || job.steps.some((s) => s.background);
  const lines: string[] = [...outputPrepareLines(job)];
  if (checked) lines.push(...HELPERS.split('\n'));
  for (const step of job.steps) {
    if (checked) lines.push(`# step ${step.name}${step.background ? ' (background)' : ''}`);
    lines.push(...stepLines(job, step, engine, view));
    if (checked) lines.push(step.background ? `sf_started ${quote(step.name)} $!` : `sf_check ${quote(step.name)} $?`, '');
  }
  if (checked) lines.push('sf_wait');
  lines.push(...outputCheckLines(job));
  return lines;
}

/** The step's line: once, or in a `case` over the array index when it depends on the matrix. */
function stepLines(job: PlannedJob, step: PlannedStep, engine: ContainerEngine, view: FileView): string[] {
  const array = job.array;
  const seen = jobPaths(job.volumes, view.siteFileSystems, view.onHost);
  if (!array) return [launchText(job, step, engine, undefined, job.files[0], seen)];
  const texts = array.values.map((values, i) => launchText(job, step, engine, values, job.files[i], seen));
  if (texts.every((t) => t === texts[0])) return [texts[0]];
  const lines = ['case "${SLURM_ARRAY_TASK_ID:-}" in'];
  texts.forEach((text, index) => lines.push(`${INDENT}${index})`, `${INDENT}${INDENT}${text}`, `${INDENT}${INDENT};;`));
  lines.push(
    `${INDENT}*)`,
    `${INDENT}${INDENT}echo "shifterflow: array task \${SLURM_ARRAY_TASK_ID:-(none)} is not one of job ${job.key}'s 0-${array.size - 1}" >&2`,
    `${INDENT}${INDENT}exit 2`,
    `${INDENT}${INDENT};;`,
    'esac',
  );
  return lines;
}

/** `[srun ...] <engine words> COMMAND [&]` for one step and (matrix job) one array index: one line. */
function launchText(job: PlannedJob, step: PlannedStep, engine: ContainerEngine, values: Record<string, Scalar> | undefined, files: PlannedFiles | undefined, seen: (host: string) => string): string {
  const words: Word[] = [];
  if (step.launch === 'srun') {
    words.push('srun', '-N', String(step.nodes), '-n', String(step.tasks));
    if (step.cpusPerTask !== undefined) words.push('-c', String(step.cpusPerTask));
    if (step.mpi !== undefined) words.push(`--mpi=${step.mpi}`);
    if (step.background) words.push('--overlap');
  }
  const env = step.env.map(([name, value]): [string, string] => [name, substitutePlaceholders(value, values, files, seen)]);
  const workdir = step.workdir !== undefined ? substitutePlaceholders(step.workdir, values, files, seen) : undefined;
  words.push(...engine.commandPrefix({ job, step, env, workdir }));
  const line = `${words.map(renderWord).join(' ')} ${inImage(commandText(step, values, files, seen))}`;
  return step.background ? `${line} &` : line;
}

/** The command after the engine's words: as written when plain, else whole under the image's /bin/sh. */
function inImage(command: string): string {
  return commandForm(command).kind === 'plain' ? command : ['/bin/sh', '-c', command].map((w) => quote(w, 'the command')).join(' ');
}

function commandText(step: PlannedStep, values: Record<string, Scalar> | undefined, files: PlannedFiles | undefined, seen: (host: string) => string): string {
  const command = step.command.replace(/\s+$/, '');
  if (command === '') throw new RenderError(`step ${step.name} has an empty command`);
  const trailing = /\\+$/.exec(command)?.[0].length ?? 0;
  if (trailing % 2 === 1) throw new RenderError(`the command of step ${step.name} ends with a line continuation (\\)`);
  // `${{ matrix.X }}`, `${{ inputs.X }}`, `${{ outputs.X }}` in one pass (plan/file-refs.ts).
  return substituteInShell(command, PLACEHOLDER, (m) => placeholderValue(m[1], m[2], values, files, seen));
}

function renderWord(w: Word): string {
  return typeof w === 'string' ? quote(w) : quoteOption(w.option, w.value);
}
