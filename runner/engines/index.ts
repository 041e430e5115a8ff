// Engines by name. Only Shifter is implemented; podman-hpc, apptainer, bwrap and podman/docker plug in
// here by implementing ContainerEngine (engine.ts) in a file of their own.

import type { Engine, Profile } from '../profiles/profile';
import { EngineError, type ContainerEngine } from './engine';
import { shifterEngine } from './shifter';

export type { ContainerEngine, ContainerEngineWithReadiness, InteractiveTarget, ReadinessCheck, SbatchDirective, StepLaunch, Word } from './engine';
export { EngineError, hasReadiness } from './engine';
export { shifterEngine, shifterVolumeEntry, shifterVolumeMap } from './shifter';

const ENGINES: Partial<Record<Engine, ContainerEngine>> = {
  shifter: shifterEngine,
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
