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
 * The engine that renders a profile's sbatch scripts. `auto` (the local profile) means shifter here:
 * the scripts are the ones the cluster would run; the local executor picks its own runtime.
 */
export function engineForProfile(profile: Profile): ContainerEngine {
  return engineNamed(profile.engine === 'auto' ? 'shifter' : profile.engine);
}
