import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EngineError, engineForProfile } from '../engines';
import { PlanError, cacheKey, planWorkflow, type Plan, type PlannedJob } from '../plan';
import { isProfileName, type ProfileName } from '../profiles/profile';
import { RenderError, groupScriptName, jobScriptName, renderGroup, renderJob, renderSubmitScript } from '../render';
import { formatDiagnostic } from '../workflow/diagnostic';
import { validateText, type ValidationResult } from '../workflow/validate';
import { parse } from './args';
import { readWorkflowFile } from './read-workflow';
import { UserError } from '../user-error';

export const RENDER_USAGE = `Usage: shifterflow render FILE [--job NAME] [--out DIR] [--profile P] [--log-dir DIR]

Validates the workflow, plans it and prints each job's sbatch script (every job, in submission
order, each after a header comment), or writes them to DIR: <job>.sbatch per job, <group>@group.sbatch
per group (its jobs one after another in one allocation), submit.sh (submits them all with their
dependencies, a group as one job, as 'shifterflow run' does) and plan.json. Nothing is submitted.
Problems found by validation are printed as 'validate' prints them (to stderr); errors exit 1.

Options:
  --job NAME      only this job
  --out DIR       write files to DIR instead of printing
  --profile P     render with this built-in profile (nersc, slurm, local) instead of the file's
  --log-dir DIR   add #SBATCH --output/--error lines writing to DIR (<job>-%j.out, arrays <job>-%A_%a.out)
  -h, --help`;

/** Validates and plans a workflow file for a CLI command; prints the diagnostics to stderr. */
export function loadPlan(file: string, profile: string | undefined, logDir?: string): { result: ValidationResult; plan?: Plan } {
  if (profile !== undefined && !isProfileName(profile)) throw new UserError(`unknown profile "${profile}" (nersc, slurm or local)`);
  const result = validateText(readWorkflowFile(file), file, { profile: profile as ProfileName | undefined });
  for (const d of result.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
  if (!result.workflow) return { result };
  try {
    return { result, plan: planWorkflow(result.workflow, result.profile, { workflowDir: dirname(resolve(file)), ...(logDir !== undefined ? { logDir } : {}) }) };
  } catch (err) {
    if (err instanceof PlanError) throw new UserError(`${file}: ${err.message}`, 1);
    throw err;
  }
}

export function renderCommand(argv: string[]): number {
  const { values, positionals } = parse(argv, { job: { type: 'string' }, out: { type: 'string' }, profile: { type: 'string' }, 'log-dir': { type: 'string' } }, RENDER_USAGE);
  if (values.help) {
    process.stdout.write(RENDER_USAGE + '\n');
    return 0;
  }
  if (positionals.length !== 1) throw new UserError(`give exactly one workflow file\n\n${RENDER_USAGE}`);
  const file = positionals[0];
  const { plan } = loadPlan(file, values.profile as string | undefined, values['log-dir'] as string | undefined);
  if (!plan) return 1;

  let jobs: PlannedJob[] = plan.jobs;
  const only = values.job as string | undefined;
  if (only !== undefined) {
    jobs = plan.jobs.filter((j) => j.key === only);
    if (jobs.length === 0) throw new UserError(`no job "${only}" in ${file} (jobs: ${plan.jobs.map((j) => j.key).join(', ')})`);
  }

  let scripts: { job: PlannedJob; script: string }[];
  let groupScripts: { name: string; slurmName: string; script: string }[] = [];
  let submit: string | undefined;
  try {
    const engine = engineForProfile(plan.profile);
    scripts = jobs.map((job) => ({ job, script: renderJob(job, plan, engine) }));
    if (only === undefined) {
      groupScripts = plan.groups.map((g) => ({ name: g.name, slurmName: g.slurmName, script: renderGroup(g, plan, engine) }));
      submit = renderSubmitScript(plan, engine);
    }
  } catch (err) {
    if (err instanceof RenderError || err instanceof EngineError) throw new UserError(`${file}: ${err.message}`, 1);
    throw err;
  }

  const out = values.out as string | undefined;
  if (out === undefined) {
    const all = [...scripts.map(({ job, script }) => ({ file: jobScriptName(job.key), slurmName: job.slurmName, script })), ...groupScripts.map((g) => ({ file: groupScriptName(g.name), slurmName: g.slurmName, script: g.script }))];
    process.stdout.write(all.map(({ file, slurmName, script }) => `# ==== ${file} (${slurmName}) ====\n${script}`).join('\n'));
    return 0;
  }
  try {
    mkdirSync(out, { recursive: true });
    const written: string[] = [];
    for (const { job, script } of scripts) {
      const path = join(out, jobScriptName(job.key));
      writeFileSync(path, script);
      written.push(path);
    }
    for (const { name, script } of groupScripts) {
      const path = join(out, groupScriptName(name));
      writeFileSync(path, script);
      written.push(path);
    }
    if (submit !== undefined) {
      const path = join(out, 'submit.sh');
      writeFileSync(path, submit);
      chmodSync(path, 0o755);
      written.push(path);
      const summary = { ...plan, jobs: plan.jobs.map((job, i) => ({ ...job, cacheKey: cacheKey(job, scripts[i].script) })) };
      const planPath = join(out, 'plan.json');
      writeFileSync(planPath, JSON.stringify(summary, null, 2) + '\n');
      written.push(planPath);
    }
    for (const path of written) process.stdout.write(`wrote ${path}\n`);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code) throw new UserError(`cannot write to ${out}: ${e.message}`, 1);
    throw err;
  }
  return 0;
}
