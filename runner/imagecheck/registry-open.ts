// runner/registry as the image check's LayerSource, with the local executor's registry settings
// (SHIFTERFLOW_REGISTRY, SHIFTERFLOW_REGISTRY_TLS_VERIFY, plain HTTP for a loopback test registry).
// Only the HEAD's part of the registry client is imported up front: a cached check loads neither the
// layer reader (zlib, tar-stream) nor node:crypto (image-at-registry.ts loads them on open).

import { localSettings } from '../local/settings';
import { RegistryError } from '../registry/errors';
import { ImageAtRegistry } from '../registry/image-at-registry';
import type { ImageCheckOptions } from './check-image';

export function registryOpener(env: NodeJS.ProcessEnv = process.env): Pick<ImageCheckOptions, 'open' | 'handle' | 'isNotAmd64'> {
  const settings = localSettings(env);
  return {
    open: (ref) => new ImageAtRegistry(ref, { settings, env }).open(),
    handle: (ref) => {
      const at = new ImageAtRegistry(ref, { settings, env });
      return {
        reference: at.location.reference,
        // A registry that will not answer a HEAD (an odd status, not a refusal or a missing tag) is
        // asked with the GETs of a first check instead.
        tagDigest: () => at.tagDigest().catch((e: unknown) => (e instanceof RegistryError && e.problem === 'registry' ? undefined : Promise.reject(e))),
        open: () => at.open(),
      };
    },
    isNotAmd64: (e): e is Error => e instanceof RegistryError && e.problem === 'unsupported' && / has no linux\/amd64 image/.test(e.message),
  };
}
