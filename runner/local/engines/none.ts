// No engine: the command runs on this machine, as the runner, in the job's directory, with the
// environment Shifter would give it but no image, no mounts and no isolation. The run warns once.
// It is what a fresh machine with nothing but Node can do, so that a first `shifterflow run` works.

import { statSync } from 'node:fs';
import { EMPTY_CONFIG } from '../prepared-images';
import type { LocalEngine } from './types';

export const NONE_WARNING = 'local engine "none": commands run on this machine without isolation; images are not used and volumes are not mounted';

export const noneEngine: LocalEngine = {
  name: 'none',

  probe: async () => ({ ok: true, detail: 'the host itself' }),

  prepare: async (ref, _settings, report) => {
    report('SKIPPED', 'engine none uses no image');
    return { ref, engine: 'none', id: ref, handle: '', config: EMPTY_CONFIG };
  },

  visible(path) {
    try {
      return statSync(path).isDirectory();
    } catch {
      return false;
    }
  },

  launch: (spec) => ({ file: spec.argv[0], args: spec.argv.slice(1), env: Object.fromEntries(spec.env), cwd: spec.workdir }),
};
