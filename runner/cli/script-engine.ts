// The engine the batch scripts are written for. The local executor runs the very scripts a cluster
// would (its `shifter` is the local runtime, whatever engine isolates the commands), so a local run
// renders Shifter scripts; on Slurm the profile's engine decides. Its own file: `run --dry-run`
// needs it without loading the executors (executors.ts re-exports it).

import { engineForProfile, shifterEngine, type ContainerEngine } from '../engines';
import type { Profile } from '../profiles/profile';

export function scriptEngine(profile: Profile): ContainerEngine {
  return profile.executor === 'local' ? shifterEngine : engineForProfile(profile);
}
