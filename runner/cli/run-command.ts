import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { formatDiagnostic, hasErrors } from '../workflow/diagnostic';
import { validateText } from '../workflow/validate';
import { isProfileName, type ProfileName } from '../profiles/profile';
import { planWorkflow } from '../plan';
import { PlanError } from '../plan/plan-error';
import { selectJobs } from '../plan/select';
import { cacheKey } from '../plan/cache-key';
import { openCache } from '../cache/open-cache';
import { renderTaskScripts } from '../cache/task-script';
import { event } from '../run/events';
import { EngineError } from '../engines';
import { RenderError, renderGroup, renderJob } from '../render';
import { LocalExecutor } from '../local/local-executor';
import { prepareLocalRun } from '../local/prepare-local';
import { registryOpener } from '../imagecheck/registry-open';
import { createRunDir, runDirOf, listRuns } from '../run/run-dir';
import { preflightSubmitHost } from '../run/preflight';
import { missingInputs } from '../run/missing-inputs';
import { globPaths, withInputGlobsExpanded } from '../run/glob-paths';
import { StatPass } from '../cache/stat-pass';
import { sha256Hex } from '../cache/job-key';
import type { DryRunShortcuts } from './dry-run';
import { memoEnabled, memoKey, writeMemo } from './plan-memo';
import { scriptPath } from '../run/job-submission';
import { runWorkflow, type RenderedGroup } from '../run/run-workflow';
import { groupScriptPath } from '../run/group-submissions';
import type { RunDir } from '../run/run-dir';
import type { Plan } from '../plan/types';
import type { Profile } from '../profiles/profile';
import { claimRun, releaseRun } from '../run/runner-lock';
import { makeExecutor, pullShifterImages, scriptEngine } from './executors';
import { parse } from './args';
import { RUN_OPTIONS } from './run-options';
import { jsonLines, liveDisplay, plainLines } from './progress';
import { readWorkflowFile } from './read-workflow';
import { UserError } from '../user-error';
import { checkWorkflowImages } from './workflow-image-check';

export const RUN_USAGE = `Usage: shifterflow run FILE [--job NAME]... [--profile nersc|slurm|local] [--detach] [--json] [--resume [RUN]] [--fresh] [--dry-run] [--no-image-check]

Validates the workflow, makes every image ready, submits every job with its dependencies and
follows them to the end. Writes .shifterflow/runs/<run-id>/ (scripts, journal, logs, trace.tsv).
Exits 0 when every job completed, 1 when one failed, 130 when cancelled.

A job (an array task) is taken from the cache (.shifterflow/cache/) when an earlier run completed it
with the same script, image id, input contents and upstream, and the outputs it wrote are still there
unchanged. A job without outputs, or with 'cache: false', always runs.

Options:
  --job NAME     run only this job and the jobs it needs (repeatable)
  --profile P    run with this built-in profile instead of the file's (local: this machine)
  --detach       return once everything is submitted
  --json         one JSON event per line on stdout
  --resume [RUN] continue a run (the latest when RUN is omitted): finished jobs are not run again
  --fresh        take nothing from the cache (what completes is still recorded)
  --dry-run      pull and submit nothing: print per job "cached (RUN)" or "runs: WHY" (with --json, as data)
  --no-image-check
                 on Slurm, skip checking the images against Shifter's rules before the pull (as
                 'shifterflow images check': an error stops the run, warnings are printed)
  -h, --help`;

/** `--resume` takes an optional RUN: a bare one (at the end, or before an option or the workflow file) means the latest. */
function withResumeValue(argv: string[]): string[] {
  return argv.flatMap((a, i) => {
    if (a !== '--resume') return [a];
    const next = argv[i + 1];
    return next === undefined || next.startsWith('-') || /\.ya?ml$/.test(next) ? ['--resume='] : [a];
  });
}

export async function runCommand(rawArgv: string[]): Promise<number> {
  const argv = withResumeValue(rawArgv);
  const { values, positionals } = parse(argv, RUN_OPTIONS, RUN_USAGE);
  if (values.help) {
    process.stdout.write(RUN_USAGE + '\n');
    return 0;
  }
  // A runner mostly waits, for hours, on a login node shared by many users, and each poll parses a
  // burst of short-lived objects (sacct rows): V8 would grow its young generation to tens of MB for
  // them. Kept at its initial size (more, cheaper scavenges), peak RSS drops by ~30 MB (bench P6).
  // Not a dry run: it allocates one burst (bench P7: 10,000 paths) and exits, and a young generation
  // kept small would scavenge and promote most of it.
  if (values['dry-run'] !== true) setFlagsFromString('--semi-space-growth-factor=1');
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UserError(`give exactly one workflow file\n\n${RUN_USAGE}`);
  const profileOverride = values.profile as string | undefined;
  if (profileOverride !== undefined && !isProfileName(profileOverride)) throw new UserError(`unknown profile "${profileOverride}" (nersc, slurm or local)`);

  const text = readWorkflowFile(file);
  const jobs = values.job as string[] | undefined;
  const base = process.cwd();
  const warn = (message: string) => process.stderr.write(`warning: ${message}\n`);
  const dry = values['dry-run'] === true;
  const printDryRun = async (planned: Plan, done: DryRunShortcuts): Promise<number> => (await import('./dry-run')).printDryRun(planned, { base, fresh: values.fresh === true, json: values.json === true, warn }, done);
  // A dry run keeps what validating, planning and rendering gave for the next one (plan-memo.ts; a
  // memo is used by dry-run-command.ts, before this module is even loaded).
  const memoKeyed = dry && memoEnabled() ? memoKey({ file, text, profile: profileOverride, jobs: jobs && jobs.length > 0 ? jobs : undefined }) : undefined;
  const stats = dry ? new StatPass() : undefined;

  const result = validateText(text, file, { profile: profileOverride as ProfileName | undefined });
  for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
  if (!result.workflow) return 1;

  let plan = planWorkflow(result.workflow, result.profile, { workflowDir: dirname(resolve(file)) });
  if (jobs && jobs.length > 0) {
    try {
      plan = selectJobs(plan, jobs);
    } catch (e) {
      if (e instanceof PlanError) throw new UserError(e.message);
      throw e;
    }
  }
  // A dry run asks for the image ids now: the lookups go on while the inputs are checked and the tasks rendered.
  const imageIds = dry ? (await import('./dry-run')).imageIdsOf(plan, base) : undefined;
  // Before the run directory exists and anything is pulled: inputs nobody writes must be there. A
  // dry run decides at once, with what this check's stat calls saw (one stat per input).
  const missing = missingInputs(plan, result.source.value, dirname(resolve(file)), stats ? { exists: (p) => stats.exists(p), glob: globPaths } : undefined);
  if (missing.length > 0) {
    for (const f of missing) process.stderr.write(formatDiagnostic({ code: f.code, severity: 'error', message: f.message, file, range: result.source.locate(f.path, 'value'), path: f.path }) + '\n');
    throw new UserError('nothing was pulled or submitted', 1);
  }
  const withoutGlobs = plan;
  plan = withInputGlobsExpanded(plan);
  let rendered: { key: string; script: string; cacheKey: string }[] = [];
  let taskScripts: Map<string, string> | undefined;
  let groups: RenderedGroup[];
  try {
    // A dry run renders each task once, as the cache's key sees it; that refuses what a run's render
    // refuses (task-script.ts). A run renders the scripts it submits.
    if (values['dry-run']) taskScripts = renderTaskScripts(plan, scriptEngine(result.profile));
    else
      rendered = plan.jobs.map((j) => {
        const script = renderJob(j, plan, scriptEngine(result.profile));
        return { key: j.key, script, cacheKey: cacheKey(j, script) };
      });
    // A group whose jobs ask for different allocations is refused here, as `render` refuses it: before
    // the run directory exists or anything is pulled.
    groups = plan.groups.map((g) => ({ name: g.name, script: renderGroup(g, plan, scriptEngine(result.profile)) }));
  } catch (err) {
    if (err instanceof RenderError || err instanceof EngineError) throw new UserError(`${file}: ${err.message}`, 1);
    throw err;
  }
  if (dry && taskScripts) {
    // Kept only without glob inputs (what they match is read from the disk, not from the file).
    if (memoKeyed !== undefined && plan === withoutGlobs) {
      const scriptDigests = Object.fromEntries([...taskScripts].map(([task, script]) => [task, sha256Hex(script)]));
      writeMemo(base, memoKeyed, { diagnostics: result.diagnostics.map(formatDiagnostic), plan, scriptDigests });
    }
    return printDryRun(plan, { stats, taskScripts, imageIds, planKey: plan === withoutGlobs ? memoKeyed : undefined, diagnostics: result.diagnostics.map(formatDiagnostic) });
  }
  let resumeId = values.resume as string | undefined;
  if (resumeId === '') resumeId = listRuns(base).at(-1);
  if (resumeId !== undefined && !existsSync(runDirOf(base, resumeId).journal)) throw new UserError(`no run "${resumeId}" under ${base}/.shifterflow/runs`);
  const dir = createRunDir(base, resumeId);

  const other = claimRun(dir.root);
  if (other !== undefined) throw new UserError(`run ${dir.id} is being followed by runner ${other}; use 'shifterflow status ${dir.id}' or 'shifterflow cancel ${dir.id}'`);
  const onEvent = values.json ? jsonLines(process.stdout) : process.stderr.isTTY && !process.env.CI ? liveDisplay(process.stderr) : plainLines(process.stderr);
  const executor = makeExecutor(result.profile.executor, result.profile.engine, onEvent);
  let cancel!: () => void;
  const cancelled = new Promise<void>((r) => (cancel = r));
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    const status = await runWorkflow({
      plan,
      file,
      rendered,
      groups,
      dir,
      executor,
      workdir: base,
      detach: values.detach === true,
      cancelled,
      pollMs: pollBounds(values['poll-ms'] as string | undefined, result.profile.executor),
      onEvent,
      cache: openCache({ base, plan, engine: scriptEngine(result.profile), fresh: values.fresh === true, warn: (text) => onEvent(event('message', { level: 'warning', text })) }),
      prepareImages: async (emit) => {
        if (executor instanceof LocalExecutor) {
          // Picks the local engine (bwrap > podman > docker > none unless the profile names one) by
          // preparing every image with it; nothing runs when that fails.
          const local = await prepareLocalRun({ plan, profileEngine: result.profile.engine, runRoot: dir.root, emit });
          executor.useEngine(local.engine, local.env);
          // Engine none runs commands on the host and mounts no volume: declared files are named by
          // their host paths there, not the volume targets the scripts were rendered with.
          if (local.engine === 'none') rewriteScriptsForHost(plan, dir, result.profile);
          return;
        }
        const problems = preflightSubmitHost(plan, base);
        if (problems.length > 0) throw new UserError(`${problems.join('\n')}\nnothing was submitted`, 1);
        if (values['no-image-check'] !== true) {
          // Read from the registry before anything is pulled: an image Shifter cannot run stops the run here.
          // An image the check cannot read (credentials only the gateway has, a registry it cannot
          // reach) is not refused here: the pull decides, with the gateway's own error.
          const found = await checkWorkflowImages({ file, source: result.source, workflow: result.workflow!, plan }, registryOpener(), (message) =>
            emit(event('message', { level: 'warning', text: `${message}; image not checked` })),
          );
          if (hasErrors(found)) {
            throw new UserError(`${found.map(formatDiagnostic).join('\n')}\nnothing was pulled or submitted (--no-image-check skips the check)`, 1);
          }
          for (const d of found) emit(event('message', { level: d.severity === 'info' ? 'info' : 'warning', text: formatDiagnostic(d) }));
        }
        if (result.profile.engine === 'shifter') return pullShifterImages(plan, emit);
        throw new UserError(`engine "${result.profile.engine}" cannot run on the Slurm executor yet`);
      },
    });
    if (!values.json) process.stderr.write(`run ${dir.id}: ${status} (${dir.root})\n`);
    return status === 'COMPLETED' ? 0 : status === 'CANCELLED' ? 130 : 1;
  } finally {
    await executor.close();
    releaseRun(dir.root);
  }
}

function pollBounds(spec: string | undefined, executor: string): { min: number; max: number } {
  if (spec) {
    const [min, max] = spec.split(',').map(Number);
    if (!(min > 0)) throw new UserError('--poll-ms takes MIN[,MAX] in milliseconds');
    return { min, max: max > 0 ? max : min * 10 };
  }
  return executor === 'local' ? { min: 100, max: 1000 } : { min: 1000, max: 15000 };
}

/** The run's scripts again, naming declared files by their host paths (local engine none). */
function rewriteScriptsForHost(plan: Plan, dir: RunDir, profile: Profile): void {
  const uses = (j: Plan['jobs'][number]) => j.files.some((f) => f.inputs.length + f.outputs.length > 0);
  for (const j of plan.jobs) if (uses(j)) writeFileSync(scriptPath(dir, j.key), renderJob(j, plan, scriptEngine(profile), { filesOnHost: true }), { mode: 0o600 });
  for (const g of plan.groups) {
    if (g.members.some((m) => uses(plan.jobs.find((j) => j.key === m)!))) writeFileSync(groupScriptPath(dir, g.name), renderGroup(g, plan, scriptEngine(profile), { filesOnHost: true }), { mode: 0o600 });
  }
}
