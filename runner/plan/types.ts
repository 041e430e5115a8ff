// What the planner produces: a workflow turned into jobs in dependency order, every default merged,
// every alias resolved, every count computed. The renderer and the run loop read only these shapes;
// nothing downstream looks at the workflow file again.

import type { Profile } from '../profiles/profile';
import type { Job, Retry, Volume } from '../workflow/generated/schema-types';

/** A matrix or env value as written in the file. */
export type Scalar = string | number | boolean;

export interface PlannedImage {
  /** Normalized Shifter reference, TYPE:TAG (`docker:ubuntu:22.04`, never `ubuntu:22.04` or `docker:ubuntu`). */
  ref: string;
  /** The alias from `images:` it was named by, if any. */
  alias?: string;
  /** ACL for `shifterimg --user=` / `--group=`; empty when the image is visible to everyone. */
  users: (string | number)[];
  groups: (string | number)[];
  /** How the image does MPI, when declared (`mpich`, `own`, `none`). */
  mpi?: 'mpich' | 'own' | 'none';
}

export interface PlannedVolume {
  /** Name under `volumes:`. */
  name: string;
  source: string;
  target: string;
  readOnly: boolean;
  perNodeCache?: NonNullable<Volume['perNodeCache']>;
}

/** One declared name of `inputs:`/`outputs:`: its absolute host paths (matrix values substituted; an input may be a glob pattern). */
export interface PlannedFileSet {
  name: string;
  paths: string[];
}

/** The declared files of one array task (or of the job, when it has no matrix). */
export interface PlannedFiles {
  inputs: PlannedFileSet[];
  outputs: PlannedFileSet[];
}

/**
 * How a job waits for a matrix job whose outputs it reads, when not for all of it: `corresponding`
 * (both matrices of one size, element i reads only element i: Slurm's `aftercorr`), or the array
 * tasks it reads (`afterok:ID_T` each; for a job without a matrix).
 */
export interface TaskNeed {
  job: string;
  scope: 'corresponding' | number[];
}

export type MpiPlugin = 'pmi2' | 'pmix';

/** One command run in the job's allocation: an `srun` (or, serial on a shared qos, a bare `shifter`). */
export interface PlannedStep {
  /** The step's name, or `main` for a job with `command`, or `stepN` (1-based) for an unnamed step. */
  name: string;
  /** The step's image: the job's own, or another one (then the engine switches image for this step). */
  image: PlannedImage;
  /** The command as written (trailing blanks removed); `${{ matrix.NAME }}` still in it. */
  command: string;
  /** Started with `&` and waited for at the end. */
  background: boolean;
  /** `srun`: a Slurm step; `direct`: the engine runs in the batch shell (serial job on a shared qos). */
  launch: 'srun' | 'direct';
  nodes: number;
  tasks: number;
  /** Tasks on each node when the file asked for it. */
  tasksPerNode?: number;
  cpusPerTask?: number;
  /** `srun --mpi=` plugin for MPI steps. */
  mpi?: MpiPlugin;
  /** Environment set in the container: workflow env < defaults env < job env < step env. Values may hold `${{ matrix.NAME }}`. */
  env: [string, string][];
  workdir?: string;
  /** Engine modules for this step, site MPI module included when it applies. */
  modules: string[];
  /** Run the image ENTRYPOINT (`true`) or this program instead. */
  entrypoint?: true | string;
}

/** A matrix job is one Slurm job array: array index -> matrix values (cartesian product, keys in file order). */
export interface JobArray {
  keys: string[];
  /** `values[i]` are the matrix values of array task i. */
  values: Record<string, Scalar>[];
  size: number;
  /** At most this many tasks at once (`--array=0-N%M`). */
  maxParallel?: number;
}

/** The #SBATCH options as the file writes them (types from the schema), with what the planner decides. */
export interface SlurmOptions extends Pick<Job, 'qos' | 'account' | 'partition' | 'constraint' | 'time' | 'mem'> {
  exclusive: boolean;
  /** `--nodes`, when the file asked for nodes or a step needs more than one. */
  nodes?: number;
  /** `--ntasks-per-node`, when some step runs more than one task per node. */
  ntasksPerNode?: number;
  /** `--cpus-per-task`. */
  cpusPerTask?: number;
}

export interface RetryPolicy {
  attempts: number;
  on: NonNullable<Retry['on']>;
}

export interface PlannedJob {
  /** The job's name in the workflow; the key of `needs`. */
  key: string;
  /** Slurm job name: `<workflow>.<job>`. */
  slurmName: string;
  description?: string;
  /**
   * Keys of the jobs this one waits for (`afterok`): those of `needs:`, then those whose outputs it
   * reads (plan/files.ts), in order of first mention.
   */
  needs: string[];
  /**
   * Jobs of `needs` waited for less than whole (only through files; absent here = all of it).
   * `afterok:ID_T` per listed task, or `aftercorr:ID` for `corresponding`.
   */
  taskNeeds: TaskNeed[];
  /** The job's image (`#SBATCH --image`): its own, the defaults', or its first step's. */
  image: PlannedImage;
  /** Every distinct image reference the job uses (the job's first). */
  images: string[];
  slurm: SlurmOptions;
  /** Nodes of the allocation (Slurm's default 1 when not asked for). */
  nodes: number;
  /** Engine modules for the whole job (`#SBATCH --module`). */
  modules: string[];
  volumes: PlannedVolume[];
  steps: PlannedStep[];
  /** Present for a matrix job. */
  array?: JobArray;
  retry?: RetryPolicy;
  /**
   * Sources of the job's read-only volumes (not per-node caches); part of the resume key
   * (cache-key.ts). Not the declared `inputs:` of the file: those are `files[i].inputs`.
   */
  inputs: string[];
  /** `files[i]` for array task i; exactly one entry for a job without a matrix. */
  files: PlannedFiles[];
  /** False when the file says `cache: false` or the job declares no output (nothing could prove it ran). */
  cache: boolean;
  /** The group whose allocation this job runs in, one after the other jobs of the group. */
  group?: string;
}

/** Jobs run one after another in one allocation (`group:` in the file): one Slurm job for all of them. */
export interface PlannedGroup {
  name: string;
  /** Slurm job name: `<workflow>.<group>`. */
  slurmName: string;
  /** The jobs' keys in the order they run (each needs the one before it). */
  members: string[];
}

export interface Plan {
  /** The workflow's name. */
  workflow: string;
  profile: Profile;
  /** In a stable topological order: every job after the jobs it needs, otherwise in file order. */
  jobs: PlannedJob[];
  /** Every distinct image the jobs use, once, in order of first use: what to pull before submitting. */
  images: PlannedImage[];
  /** Groups of jobs that share one allocation, in the order of their first job. */
  groups: PlannedGroup[];
  /** Where Slurm writes job output (`--output`/`--error`), when set. */
  logDir?: string;
}

export interface PlanOptions {
  /** Directory for `#SBATCH --output/--error`; absolute, or relative to where sbatch runs. */
  logDir?: string;
  /**
   * The workflow file's directory: relative `inputs:`/`outputs:` paths are resolved against it.
   * Absent, the current directory (as for a file given by a bare name).
   */
  workflowDir?: string;
}
