// Engines by name: Shifter, and podman-hpc and Apptainer for other centres. bwrap, podman, docker
// and none are the local executor's (runner/local/engines): they run the Shifter scripts locally.

import type { Engine, Profile } from '../profiles/profile';
import { EngineError, type ContainerEngine } from './engine';
import { apptainerEngine } from './apptainer';
import { podmanHpcEngine } from './podman-hpc';
import { shifterEngine } from './shifter';

export type { ContainerEngine, ContainerEngineWithReadiness, InteractiveTarget, ReadinessCheck, SbatchDirective, StepLaunch, Word } from './engine';
export { EngineError, hasReadiness } from './engine';
export { shifterEngine, shifterVolumeEntry, shifterVolumeMap } from './shifter';
export { podmanHpcEngine } from './podman-hpc';
export { apptainerEngine, sifPath } from './apptainer';

const ENGINES: Partial<Record<Engine, ContainerEngine>> = {
  shifter: shifterEngine,
  'podman-hpc': podmanHpcEngine,
  apptainer: apptainerEngine,
};

export function implementedEngines(): string[] {
  return Object.keys(ENGINES);
}

export function engineNamed(name: Engine): ContainerEngine {
  const engine = ENGINES[name];
  if (!engine) throw new EngineError(`engine ${name} cannot render sbatch scripts yet (implemented: ${implementedEngines().join(', ')})`);
  return engine;
}

/**
 * The engine a profile's sbatch scripts are written for. On the local executor they are Shifter
 * scripts (its own `srun` and `shifter` run them on this machine, whatever isolates the commands), and
 * `auto` means shifter too; on Slurm the profile's engine decides.
 */
export function engineForProfile(profile: Pick<Profile, 'engine' | 'executor'>): ContainerEngine {
  if (profile.executor === 'local' || profile.engine === 'auto') return shifterEngine;
  return engineNamed(profile.engine);
}
