// runner/registry as the image check's LayerSource, with the local executor's registry settings
// (SHIFTERFLOW_REGISTRY, SHIFTERFLOW_REGISTRY_TLS_VERIFY, plain HTTP for a loopback test registry).

import { localSettings } from '../local/settings';
import { openImage, RegistryError } from '../registry';
import type { ImageCheckOptions } from './check-image';

export function registryOpener(env: NodeJS.ProcessEnv = process.env): Pick<ImageCheckOptions, 'open' | 'isNotAmd64'> {
  const settings = localSettings(env);
  return {
    open: (ref) => openImage(ref, { settings, env }),
    isNotAmd64: (e): e is Error => e instanceof RegistryError && e.problem === 'unsupported' && / has no linux\/amd64 image/.test(e.message),
  };
}
