// The container-engine seam (after Nextflow's ContainerBuilder): everything that differs between
// Shifter, podman-hpc, Apptainer, bubblewrap or podman lives behind this interface, so the renderer
// knows Slurm and shell but no engine. An engine says
//   (a) which #SBATCH directives a job gets (Shifter: --image, ONE --volume with every mount, --module),
//   (b) which words run one step's command in its image (Shifter: `shifter [--image=..] [--env=..] ...`),
//   (c) how an interactive allocation gets its image and how a shell is started inside it.
// Engines return raw words; the renderer does all quoting (render/shell-quote.ts).

import type { PlannedImage, PlannedJob, PlannedStep, PlannedVolume } from '../plan/types';

/** Something an engine cannot express (a path its option syntax cannot carry). */
export class EngineError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineError';
  }
}

/** `#SBATCH --name=value`; `doubleQuote` writes the value in double quotes (sbatch removes them). */
export interface SbatchDirective {
  name: string;
  value?: string;
  doubleQuote?: boolean;
}

/** A word of a command line: plain, or an option and its value (rendered `--opt=` + quoted value). */
export type Word = string | { option: string; value: string };

/** One step about to be written, its matrix placeholders already replaced in env and workdir. */
export interface StepLaunch {
  job: PlannedJob;
  step: PlannedStep;
  env: [string, string][];
  workdir?: string;
}

export interface InteractiveTarget {
  image: PlannedImage;
  volumes: PlannedVolume[];
  modules: string[];
}

export interface ContainerEngine {
  readonly name: string;
  /** Directives that prepare the job's image and mounts (after Slurm's own options). */
  jobDirectives(job: PlannedJob): SbatchDirective[];
  /**
   * Words before the step's command, which follows them plain or as `/bin/sh -c '...'`
   * (render/command-form.ts): they run it in the image, once per task, with that task's SLURM_*.
   */
  commandPrefix(launch: StepLaunch): Word[];
  /** Options for `salloc` that give the allocation its image and mounts. */
  allocationOptions(target: InteractiveTarget): string[];
  /** The words, after `srun --pty`, that start an interactive shell in the image. */
  shellCommand(target: InteractiveTarget): string[];
}

/** Optional: how to tell, before submitting, that an image is ready, and what to do when it is not. */
export interface ReadinessCheck {
  /** A command that succeeds when the image can be used at submission. */
  check: string[];
  /** What a person runs to make it ready. */
  remedy: string[];
}

export interface ContainerEngineWithReadiness extends ContainerEngine {
  readiness(image: PlannedImage): ReadinessCheck;
}

export function hasReadiness(engine: ContainerEngine): engine is ContainerEngineWithReadiness {
  return typeof (engine as Partial<ContainerEngineWithReadiness>).readiness === 'function';
}
