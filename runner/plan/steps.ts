// A job's steps, normalized: a job with `command` becomes one step named `main`; every step gets its
// image, env, workdir, modules, MPI plugin, entrypoint (step value, else the job's), its own volumes
// (the job's stay the job's) and its node and task counts; then the allocation the steps need (nodes,
// tasks per node, cpus per task).

import type { Profile } from '../profiles/profile';
import type { Job, Step, Workflow } from '../workflow/generated/schema-types';
import type { JobSettings } from './defaults';
import { mergeEnv } from './defaults';
import { resolveImage } from './images';
import type { MpiPlugin, PlannedImage, PlannedStep } from './types';
import { resolveVolumes } from './volumes';

export interface PlannedSteps {
  steps: PlannedStep[];
  /** Nodes of the allocation. */
  nodes: number;
  /** `--nodes` to ask for, when the file asked or a step needs more than one node. */
  slurmNodes?: number;
  ntasksPerNode?: number;
  cpusPerTask?: number;
  /** Job-wide modules. */
  modules: string[];
}

interface Counts {
  nodes?: number;
  tasks?: number;
  tasksPerNode?: number;
}

export function planSteps(workflow: Workflow, jobName: string, job: Job, settings: JobSettings, jobImage: PlannedImage, profile: Profile): PlannedSteps {
  const written: Step[] = job.steps ? [...job.steps] : [{ name: 'main', command: job.command ?? '' }];
  const fromJob = !job.steps;

  // Nodes of the allocation: asked for, else the widest step, else derived from the job's tasks.
  const stepNodes = fromJob ? [] : written.map((s) => s.nodes ?? 0);
  let nodes = settings.nodes ?? Math.max(1, ...stepNodes);
  if (settings.nodes === undefined && fromJob && job.tasks !== undefined && job.tasksPerNode !== undefined) nodes = Math.ceil(job.tasks / job.tasksPerNode);
  const slurmNodes = settings.nodes ?? (nodes > 1 ? nodes : undefined);

  const jobCounts: Counts = { nodes, tasks: job.tasks, tasksPerNode: job.tasksPerNode };
  const shared = settings.qos !== undefined && profile.sharedQos.includes(settings.qos);
  const jobModules = withMpiModule(settings.modules ?? [], mpiPlugin(job.mpi, profile) !== undefined, jobImage, profile);

  const names = new Set<string>();
  const steps = written.map((s, i): PlannedStep => {
    const ownCounts = s.nodes !== undefined || s.tasks !== undefined || s.tasksPerNode !== undefined;
    const counts = countTasks(ownCounts ? { nodes: s.nodes, tasks: s.tasks, tasksPerNode: s.tasksPerNode } : jobCounts, nodes);
    const image = s.image !== undefined ? resolveImage(workflow, s.image) : jobImage;
    const mpi = mpiPlugin(s.mpi ?? job.mpi, profile);
    const cpusPerTask = s.cpusPerTask ?? job.cpusPerTask;
    const workdir = s.workdir ?? job.workdir;
    const entrypoint = s.entrypoint ?? job.entrypoint;
    const name = uniqueName(names, s.name ?? `step${i + 1}`);
    const step: PlannedStep = {
      name,
      image,
      command: s.command.replace(/\s+$/, ''),
      background: s.background ?? false,
      launch: shared && counts.nodes === 1 && counts.tasks === 1 && mpi === undefined ? 'direct' : 'srun',
      nodes: counts.nodes,
      tasks: counts.tasks,
      env: mergeEnv(settings.env, s.env),
      modules: withMpiModule(s.modules ?? settings.modules ?? [], mpi !== undefined, image, profile),
      volumes: resolveVolumes(workflow, `step ${name} of job ${jobName}`, s.volumes),
    };
    if (counts.tasksPerNode !== undefined) step.tasksPerNode = counts.tasksPerNode;
    if (cpusPerTask !== undefined) step.cpusPerTask = cpusPerTask;
    if (mpi !== undefined) step.mpi = mpi;
    if (workdir !== undefined) step.workdir = workdir;
    if (entrypoint !== undefined && entrypoint !== false) step.entrypoint = entrypoint;
    return step;
  });

  // Tasks per node the allocation must hold: asked for, else the busiest srun step's (when above 1).
  const busiest = Math.max(1, ...steps.filter((s) => s.launch === 'srun').map((s) => Math.ceil(s.tasks / s.nodes)));
  const ntasksPerNode = job.tasksPerNode ?? (busiest > 1 ? busiest : undefined);
  const cpus = job.cpusPerTask ?? maxDefined(steps.map((s) => s.cpusPerTask));

  const planned: PlannedSteps = { steps, nodes, modules: jobModules };
  if (slurmNodes !== undefined) planned.slurmNodes = slurmNodes;
  if (ntasksPerNode !== undefined) planned.ntasksPerNode = ntasksPerNode;
  if (cpus !== undefined) planned.cpusPerTask = cpus;
  return planned;
}

/**
 * Nodes and tasks of one step inside an allocation of `allocNodes` nodes: tasks default to one per
 * node, or nodes x tasksPerNode; a step never spans more nodes than it has tasks.
 */
export function countTasks(c: Counts, allocNodes: number): { nodes: number; tasks: number; tasksPerNode?: number } {
  let nodes = c.nodes ?? allocNodes;
  if (c.nodes === undefined && c.tasks !== undefined && c.tasksPerNode !== undefined) nodes = Math.min(allocNodes, Math.ceil(c.tasks / c.tasksPerNode));
  const tasks = c.tasks ?? (c.tasksPerNode !== undefined ? nodes * c.tasksPerNode : nodes);
  if (tasks < nodes) nodes = tasks;
  const out: { nodes: number; tasks: number; tasksPerNode?: number } = { nodes, tasks };
  if (c.tasksPerNode !== undefined) out.tasksPerNode = c.tasksPerNode;
  return out;
}

export function mpiPlugin(mpi: Job['mpi'], profile: Profile): MpiPlugin | undefined {
  if (mpi === true) return profile.mpiPlugin;
  if (mpi === 'pmi2' || mpi === 'pmix') return mpi;
  return undefined;
}

/**
 * The site's MPI module joins an MPI step's modules unless the image brings its own MPI. `none` (no
 * site modules) gives way to it: the step asks for exactly that module.
 */
export function withMpiModule(modules: readonly string[], isMpi: boolean, image: PlannedImage, profile: Profile): string[] {
  const out = [...modules];
  const m = profile.mpiModule;
  if (!isMpi || !m || image.mpi === 'own' || out.includes(m)) return out;
  return [...out.filter((x) => x !== 'none'), m];
}

function uniqueName(taken: Set<string>, name: string): string {
  let candidate = name;
  for (let k = 2; taken.has(candidate); k++) candidate = `${name}-${k}`;
  taken.add(candidate);
  return candidate;
}

function maxDefined(values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? Math.max(...defined) : undefined;
}
