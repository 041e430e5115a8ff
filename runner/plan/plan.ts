// workflow + profile -> plan: jobs in a stable topological order with defaults merged, images and
// volumes resolved, steps normalized, task counts computed and matrices expanded. Pure: no I/O.

import type { Profile } from '../profiles/profile';
import type { Job, Workflow } from '../workflow/generated/schema-types';
import { topologicalOrder } from './dag';
import { mergeDefaults } from './defaults';
import { planGroups } from './groups';
import { distinctImages, resolveImage } from './images';
import { expandMatrix, matrixRefs } from './matrix';
import { PlanError } from './plan-error';
import { planSteps } from './steps';
import type { Plan, PlanOptions, PlannedJob, SlurmOptions } from './types';
import { inputsOf, resolveVolumes } from './volumes';

export function planWorkflow(workflow: Workflow, profile: Profile, options: PlanOptions = {}): Plan {
  const jobs = workflow.jobs;
  const order = topologicalOrder(Object.entries(jobs).map(([name, job]) => ({ name, needs: job.needs ?? [] })));
  const planned = order.map((name) => planJob(workflow, name, jobs[name], profile));
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

export function planJob(workflow: Workflow, name: string, job: Job, profile: Profile): PlannedJob {
  if (job.command !== undefined && job.steps !== undefined) throw new PlanError(`job ${name} has both command and steps`);
  if (job.command === undefined && job.steps === undefined) throw new PlanError(`job ${name} has neither command nor steps`);
  const settings = mergeDefaults(workflow, job);
  const imageText = settings.image ?? job.steps?.find((s) => s.image !== undefined)?.image;
  if (imageText === undefined) throw new PlanError(`job ${name} has no image: give it one, or one in defaults`);
  const image = resolveImage(workflow, imageText);
  const s = planSteps(workflow, name, job, settings, image, profile);

  const slurm: SlurmOptions = { exclusive: settings.exclusive };
  for (const key of ['qos', 'account', 'partition', 'constraint', 'time', 'mem'] as const) {
    const v = settings[key];
    if (v !== undefined) slurm[key] = v;
  }
  if (s.slurmNodes !== undefined) slurm.nodes = s.slurmNodes;
  if (s.ntasksPerNode !== undefined) slurm.ntasksPerNode = s.ntasksPerNode;
  if (s.cpusPerTask !== undefined) slurm.cpusPerTask = s.cpusPerTask;

  const volumes = resolveVolumes(workflow, `job ${name}`, job.volumes);
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
    inputs: [...new Set([...inputsOf(volumes), ...s.steps.flatMap((st) => inputsOf(st.volumes))])],
  };
  if (job.description !== undefined) out.description = job.description;
  if (job.group !== undefined) out.group = job.group;
  if (settings.retry) out.retry = settings.retry;
  if (job.matrix) out.array = expandMatrix(job.matrix, job.maxParallel);
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
