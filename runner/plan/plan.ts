// workflow + profile -> plan: jobs in a stable topological order with defaults merged, images and
// volumes resolved, steps normalized, task counts computed, matrices expanded and declared files
// resolved (their edges joined to `needs`). Pure: no I/O.

import type { Profile } from '../profiles/profile';
import type { Job, Workflow } from '../workflow/generated/schema-types';
import { topologicalOrder } from './dag';
import { mergeDefaults } from './defaults';
import { planGroups } from './groups';
import { distinctImages, resolveImage } from './images';
import { expandMatrix, matrixRefs } from './matrix';
import { fileEdges, planFiles, readsOwnOutput } from './files';
import { PlanError } from './plan-error';
import { planSteps } from './steps';
import type { Plan, PlanOptions, PlannedJob, SlurmOptions } from './types';
import { resolveVolumes } from './volumes';

export function planWorkflow(workflow: Workflow, profile: Profile, options: PlanOptions = {}): Plan {
  const workflowDir = options.workflowDir ?? process.cwd();
  const inFileOrder = Object.entries(workflow.jobs).map(([name, job]) => planJob(workflow, name, job, profile, workflowDir));
  // Reading another job's output needs it, as `needs:` does; the order then follows both.
  const edges = fileEdges(inFileOrder);
  for (const j of inFileOrder) {
    const own = readsOwnOutput(j);
    if (own !== undefined) throw new PlanError(`job ${j.key} reads its own output ${own}`);
    const e = edges.get(j.key)!;
    j.needs = [...j.needs, ...e.needs];
    j.taskNeeds = e.taskNeeds;
  }
  const byKey = new Map(inFileOrder.map((j) => [j.key, j]));
  const planned = topologicalOrder(inFileOrder.map((j) => ({ name: j.key, needs: j.needs }))).map((k) => byKey.get(k)!);
  const plan: Plan = {
    workflow: workflow.name,
    profile,
    jobs: planned,
    images: distinctImages(planned.flatMap((j) => [j.image, ...j.steps.map((s) => s.image)])),
    groups: planGroups(workflow.name, planned),
  };
  if (options.logDir !== undefined) plan.logDir = options.logDir;
  return plan;
}

export function planJob(workflow: Workflow, name: string, job: Job, profile: Profile, workflowDir: string = process.cwd()): PlannedJob {
  if (job.command !== undefined && job.steps !== undefined) throw new PlanError(`job ${name} has both command and steps`);
  if (job.command === undefined && job.steps === undefined) throw new PlanError(`job ${name} has neither command nor steps`);
  const settings = mergeDefaults(workflow, job);
  const imageText = settings.image ?? job.steps?.find((s) => s.image !== undefined)?.image;
  if (imageText === undefined) throw new PlanError(`job ${name} has no image: give it one, or one in defaults`);
  const image = resolveImage(workflow, imageText);
  const s = planSteps(workflow, job, settings, image, profile);

  const slurm: SlurmOptions = { exclusive: settings.exclusive };
  for (const key of ['qos', 'account', 'partition', 'constraint', 'time', 'mem'] as const) {
    const v = settings[key];
    if (v !== undefined) slurm[key] = v;
  }
  if (s.slurmNodes !== undefined) slurm.nodes = s.slurmNodes;
  if (s.ntasksPerNode !== undefined) slurm.ntasksPerNode = s.ntasksPerNode;
  if (s.cpusPerTask !== undefined) slurm.cpusPerTask = s.cpusPerTask;

  const volumes = resolveVolumes(workflow, name, job);
  const out: PlannedJob = {
    key: name,
    slurmName: `${workflow.name}.${name}`,
    needs: [...(job.needs ?? [])],
    image,
    images: [...new Set([image.ref, ...s.steps.map((st) => st.image.ref)])],
    slurm,
    nodes: s.nodes,
    modules: s.modules,
    volumes,
    steps: s.steps,
    inputs: volumes.filter((v) => v.readOnly && !v.perNodeCache).map((v) => v.source),
    taskNeeds: [],
    files: [],
    cache: job.cache !== false && Object.keys(job.outputs ?? {}).length > 0,
  };
  if (job.description !== undefined) out.description = job.description;
  if (job.group !== undefined) out.group = job.group;
  if (settings.retry) out.retry = settings.retry;
  if (job.matrix) out.array = expandMatrix(job.matrix, job.maxParallel);
  out.files = planFiles(name, job, out.array, workflowDir);
  checkMatrixRefs(out);
  return out;
}

/** Every `${{ matrix.NAME }}` must name a key of the job's matrix (the validator says where). */
function checkMatrixRefs(job: PlannedJob): void {
  const keys = new Set(job.array?.keys ?? []);
  for (const step of job.steps) {
    const texts = [step.command, step.workdir ?? '', ...step.env.map(([, v]) => v)];
    for (const ref of texts.flatMap(matrixRefs)) {
      if (!keys.has(ref)) {
        throw new PlanError(job.array ? `job ${job.key}: \${{ matrix.${ref} }} names no key of its matrix` : `job ${job.key}: \${{ matrix.${ref} }} is used in a job without a matrix`);
      }
    }
  }
}
