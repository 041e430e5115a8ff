/* Generated from schemas/*.schema.json by scripts/gen-schema-code.mjs. Do not edit. */

/**
 * Shifter modules (`--module=a,b`); `none` disables the site defaults. MPI jobs on Shifter get `mpich` from the profile.
 */
export type Modules = string[];
/**
 * A Shifter image reference, TYPE:NAME:VERSION as Shifter names images (`docker:myorg/app:1.2`). TYPE is one of docker, custom, id, local; without a known TYPE the whole text is a docker tag, and a docker tag without a version means `:latest`. A private registry image names its host: `docker:registry.services.nersc.gov/alice/app:1.0`.
 */
export type ImageReference = string;

/**
 * A shifterflow workflow: images, volumes and a DAG of Slurm jobs run through Shifter.
 */
export interface Workflow {
  /**
   * File format version. Always 1.
   */
  version: 1;
  /**
   * Name of the workflow; Slurm jobs are named `<name>.<job>`.
   */
  name: string;
  /**
   * Free text for readers of the workflow.
   */
  description?: string;
  /**
   * Where and how the workflow runs. `nersc`: Slurm + Shifter with NERSC's file systems. `local`: this machine, with Shifter's semantics (bubblewrap, podman or docker). An object refines a built-in profile.
   */
  profile?: ('nersc' | 'local' | 'slurm') | ProfileSpec;
  /**
   * Settings every job inherits unless it sets its own.
   */
  defaults?: {
    /**
     * Slurm quality of service (`#SBATCH --qos`). At NERSC: regular, shared, debug, premium, interactive... `shared` runs serial jobs on part of a node without srun.
     */
    qos?: string;
    /**
     * Allocation account charged (`#SBATCH --account`).
     */
    account?: string;
    /**
     * Slurm partition (`#SBATCH --partition`).
     */
    partition?: string;
    /**
     * Node features (`#SBATCH --constraint`), such as cpu or gpu.
     */
    constraint?: string;
    /**
     * Wall-clock limit (`#SBATCH --time`): MM, HH:MM:SS or D-HH:MM:SS.
     */
    time?: string;
    /**
     * Memory per node (`#SBATCH --mem`).
     */
    mem?: string;
    /**
     * Whole nodes for this job (`#SBATCH --exclusive`). Shifter then prepares the image once per node, and perNodeCache data lasts across steps. The jgi qos needs it for Spark.
     */
    exclusive?: boolean;
    /**
     * Nodes for each job unless it says otherwise.
     */
    nodes?: number;
    env?: Env;
    modules?: Modules;
    /**
     * Image for jobs that name none (alias or reference).
     */
    image?: string;
    retry?: Retry;
  };
  /**
   * Images by alias. Each is pulled once and must be READY before any job is submitted.
   */
  images?: {
    [k: string]: ImageReference | ImageSpec;
  };
  /**
   * Volumes by name; jobs list the names they mount.
   */
  volumes?: {
    [k: string]: Volume;
  };
  env?: Env;
  /**
   * The jobs, by name. `needs` makes the DAG.
   */
  jobs: {
    [k: string]: Job;
  };
}
/**
 * A profile refined from a built-in one.
 */
export interface ProfileSpec {
  /**
   * Built-in profile to start from.
   */
  base?: 'nersc' | 'local' | 'slurm';
  /**
   * Who runs the jobs: Slurm, or this machine.
   */
  executor?: 'slurm' | 'local';
  /**
   * Container runtime that runs each command.
   */
  engine?: 'shifter' | 'podman-hpc' | 'apptainer' | 'bwrap' | 'podman' | 'docker' | 'none';
  /**
   * Roots of the file systems mounted on the compute nodes and visible in containers; volume sources must lie under one of them.
   */
  siteFileSystems?: string[];
  /**
   * Shifter module that swaps in the site's MPI for `mpi: true` jobs (`mpich` at NERSC); null for none.
   */
  mpiModule?: string | null;
  /**
   * Default `srun --mpi=` plugin.
   */
  mpiPlugin?: 'pmi2' | 'pmix';
  /**
   * Qos names whose jobs share a node: serial jobs there run without srun.
   */
  sharedQos?: string[];
}
/**
 * Environment variables set inside the container (`shifter --env=NAME=VALUE`); they take precedence over the image's ENV. Values are passed literally, never expanded by a shell.
 */
export interface Env {
  [k: string]: string | number | boolean;
}
/**
 * Resubmit the job when it ends in one of the listed states, up to `attempts` more times; its dependents are re-linked to the new attempt.
 */
export interface Retry {
  /**
   * How many extra attempts at most.
   */
  attempts: number;
  /**
   * Slurm end states that trigger a retry.
   */
  on?: ('FAILED' | 'NODE_FAIL' | 'TIMEOUT' | 'OUT_OF_MEMORY' | 'PREEMPTED' | 'BOOT_FAIL' | 'DEADLINE' | 'CANCELLED')[];
}
/**
 * An image with options.
 */
export interface ImageSpec {
  ref: ImageReference;
  /**
   * Users (names or uids) allowed to use the image (`shifterimg --user=`). Without users or groups a pulled image is visible to everyone.
   */
  users?: (string | number)[];
  /**
   * Groups (names or gids) allowed to use the image (`shifterimg --group=`).
   */
  groups?: (string | number)[];
  /**
   * How the image does MPI: `mpich` (built on plain MPICH; the site's MPICH is swapped in with --module=mpich), `own` (brings its own MPI; do not swap), `none`.
   */
  mpi?: 'mpich' | 'own' | 'none';
}
/**
 * A host directory mounted into the image (Shifter `--volume=source:target[:ro][:perNodeCache=...]`). Every volume of a job goes into ONE `#SBATCH --volume` directive, because a second directive replaces the first.
 */
export interface Volume {
  /**
   * Absolute path of a directory on the host, on one of the site's mounted file systems (at NERSC `/global/...` or your home). Written out in full: `$HOME` and `$SCRATCH` are not expanded in `#SBATCH` lines. For a perNodeCache volume it is where the site keeps the per-node backing files.
   */
  source: string;
  /**
   * Absolute path inside the image where the source appears. Shifter reserves /etc, /var (except /var/tmp), /opt/udiImage, /opt itself, /dev and /proc. A missing target is created only if its parent exists in the image; no trailing `/`.
   */
  target: string;
  /**
   * Mount read-only (Shifter's `ro` flag). Use it for inputs so a job cannot damage them.
   */
  readOnly?: boolean;
  /**
   * Give every node of the job a fresh, fast, private XFS file system of this size mounted at the target (Shifter's `perNodeCache=size=...`). Its content is gone after the job; it survives from one step to the next only in an `exclusive` job.
   */
  perNodeCache?: {
    /**
     * Capacity per node: a whole number with an optional binary suffix b k m g t p e (for example 200G).
     */
    size: string;
    /**
     * Block size of the per-node file system.
     */
    bs?: string;
    /**
     * File system type: Shifter only knows xfs.
     */
    fs?: 'xfs';
    /**
     * How the file system is provided: Shifter only knows loop.
     */
    method?: 'loop';
  };
  /**
   * Free text for readers of the workflow.
   */
  description?: string;
}
/**
 * One Slurm batch job. Either a single `command` run in the job's image, or `steps` (several commands, possibly in different images, in one allocation: the manager/worker pattern).
 */
export interface Job {
  /**
   * Free text for readers of the workflow.
   */
  description?: string;
  /**
   * Jobs that must finish successfully first (Slurm `--dependency=afterok:`). If one of them fails, this job is cancelled.
   */
  needs?: string[];
  /**
   * Run this job in one allocation with the other jobs of the same group, one after another, instead of as its own Slurm job: a chain of short jobs then waits for the scheduler once, not once per link. The jobs of a group must form a chain (each one needs the one before it), must not have a matrix, and must ask for the same image, volumes, modules and Slurm options (the group asks for the sum of their times). Each job keeps its own log, state and retries: a retry runs the group again from the failed job. Jobs outside the group that need one of its jobs wait for the whole group.
   */
  group?: string;
  /**
   * The job's image: an alias from `images:` or a full reference such as docker:ubuntu:22.04. Becomes `#SBATCH --image=...`; the image must be pulled and READY before submission (shifterflow does this for you).
   */
  image?: string;
  /**
   * Shell command run inside the image (`srun ... shifter <command>`). It is shell by design and passed through as written. Shifter does NOT run the image's ENTRYPOINT: name the program. `${{ matrix.NAME }}` is replaced by the matrix value.
   */
  command?: string;
  /**
   * Several `srun` steps in one allocation, each optionally in its own image. A `background: true` step runs beside the next ones (the manager of a manager/worker job); the script waits for every step and fails if any failed.
   *
   * @minItems 1
   */
  steps?: [Step, ...Step[]];
  /**
   * Files this job reads, by name: a host path or a list of them, absolute or relative to the workflow file's directory; `${{ matrix.NAME }}` is allowed in them. An input that another job declares as an output makes this job wait for that job (as `needs:` does; a matrix element waits only for the element that writes it). An input no job writes must exist when the run starts. A glob pattern (`*`, `?`, `[...]`) is allowed only for files that exist before the run. Use it in `command` as `${{ inputs.NAME }}`: the path as the job sees it (inside the image, through its volumes), one quoted shell word per path.
   */
  inputs?: {
    /**
     * A host path, or a non-empty list of them: absolute, or relative to the workflow file's directory.
     */
    [k: string]: string | [string, ...string[]];
  };
  /**
   * Files this job writes, by name: a host path or a list of them, absolute or relative to the workflow file's directory; `${{ matrix.NAME }}` is allowed in them (no glob patterns). After the job ends COMPLETED each one must exist, or the job is FAILED and its dependents do not run. Two jobs (or matrix elements) may not write the same path. Outputs must be writable in the job's image: under a volume that is not readOnly, or on a site file system. Use it in `command` as `${{ outputs.NAME }}`.
   */
  outputs?: {
    /**
     * A host path, or a non-empty list of them: absolute, or relative to the workflow file's directory.
     */
    [k: string]: string | [string, ...string[]];
  };
  /**
   * Whether a later run may take this job from the cache instead of running it again (when its script, image, inputs and the jobs it needs are unchanged and its outputs are still there). A job without `outputs:` is never taken from the cache. `false` always runs it.
   */
  cache?: boolean;
  /**
   * Names of volumes from the top-level `volumes:` to mount in this job. All of them go into one `#SBATCH --volume` directive.
   */
  volumes?: string[];
  env?: Env;
  /**
   * Working directory inside the image (`shifter --workdir=...`). Must be visible in the container: a mounted volume or a site file system. Shifter does not use the image's WORKDIR unless asked.
   */
  workdir?: string;
  modules?: Modules;
  /**
   * Run as an MPI program: `srun --mpi=pmi2` (or the given plugin) and, on profiles that swap in the site's MPICH, `--module=mpich`. The image must be built against plain MPICH and glibc >= 2.17.
   */
  mpi?: boolean | ('pmi2' | 'pmix');
  /**
   * Shifter does not run the image ENTRYPOINT. `true` runs it (`--entrypoint`); a string runs that program instead.
   */
  entrypoint?: boolean | string;
  /**
   * Run the job once per combination of these values, as ONE Slurm job array. Use the values in `command` as `${{ matrix.NAME }}`.
   */
  matrix?: {
    /**
     * @minItems 1
     */
    [k: string]: [string | number | boolean, ...(string | number | boolean)[]];
  };
  /**
   * For a matrix job: at most this many array tasks run at once (Slurm `--array=...%N`).
   */
  maxParallel?: number;
  retry?: Retry;
  /**
   * Slurm quality of service (`#SBATCH --qos`). At NERSC: regular, shared, debug, premium, interactive... `shared` runs serial jobs on part of a node without srun.
   */
  qos?: string;
  /**
   * Allocation account charged (`#SBATCH --account`).
   */
  account?: string;
  /**
   * Slurm partition (`#SBATCH --partition`).
   */
  partition?: string;
  /**
   * Node features (`#SBATCH --constraint`), such as cpu or gpu.
   */
  constraint?: string;
  /**
   * Wall-clock limit (`#SBATCH --time`): MM, HH:MM:SS or D-HH:MM:SS.
   */
  time?: string;
  /**
   * Memory per node (`#SBATCH --mem`).
   */
  mem?: string;
  /**
   * Whole nodes for this job (`#SBATCH --exclusive`). Shifter then prepares the image once per node, and perNodeCache data lasts across steps. The jgi qos needs it for Spark.
   */
  exclusive?: boolean;
  /**
   * Nodes for the job (`#SBATCH --nodes`).
   */
  nodes?: number;
  /**
   * Total tasks (`srun -n`). Defaults to one per node, or nodes x tasksPerNode.
   */
  tasks?: number;
  /**
   * Tasks on each node (`--ntasks-per-node`).
   */
  tasksPerNode?: number;
  /**
   * CPUs for each task (`-c`).
   */
  cpusPerTask?: number;
}
/**
 * One `srun` in the job's allocation.
 */
export interface Step {
  /**
   * Name of the step, used in logs and the trace.
   */
  name?: string;
  /**
   * Image for this step (alias or reference). A different image than the job's starts a separate container (`shifter --image=...`).
   */
  image?: string;
  /**
   * Shell command run in the image, passed through as written.
   */
  command: string;
  /**
   * Start the step and go on with the next one at once (the manager of a manager/worker job). It gets `--overlap` so later steps can share its nodes; the script still waits for it.
   */
  background?: boolean;
  /**
   * Nodes for this step (`srun -N`).
   */
  nodes?: number;
  /**
   * Total tasks for this step (`srun -n`).
   */
  tasks?: number;
  /**
   * Tasks on each node for this step.
   */
  tasksPerNode?: number;
  /**
   * CPUs for each task of this step (`srun -c`).
   */
  cpusPerTask?: number;
  env?: Env;
  /**
   * Working directory inside the image for this step.
   */
  workdir?: string;
  modules?: Modules;
  /**
   * Run as an MPI program: `srun --mpi=pmi2` (or the given plugin) and, on profiles that swap in the site's MPICH, `--module=mpich`. The image must be built against plain MPICH and glibc >= 2.17.
   */
  mpi?: boolean | ('pmi2' | 'pmix');
  /**
   * Shifter does not run the image ENTRYPOINT. `true` runs it (`--entrypoint`); a string runs that program instead.
   */
  entrypoint?: boolean | string;
}
