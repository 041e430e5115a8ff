// Shifter's `docker:NAME:TAG` -> the registry reference skopeo, podman and docker pull. Docker Hub
// is the default, as at NERSC; SHIFTERFLOW_REGISTRY points every unqualified name at another
// registry (a mirror, or a local one such as 127.0.0.1:5000, where names carry no `library/`). A
// name that starts with a registry host (`registry.services.nersc.gov/me/img`) is pulled from there.
// Other Shifter image types (custom, id, local) are the gateway's and cannot be prepared here.

import { dockerReference } from '../engines/docker-reference';
import { EngineError } from '../engines/engine';
import { isLoopback } from '../registry/location';
import type { LocalSettings } from './settings';

export interface RegistryImage {
  /** `host[:port]/path/name:tag`, always with the registry host. */
  reference: string;
  host: string;
  tlsVerify: boolean;
}

export class LocalImageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalImageError';
  }
}

export function registryImage(ref: string, settings: Pick<LocalSettings, 'registry' | 'tlsVerify'>): RegistryImage {
  let reference: string;
  try {
    reference = dockerReference(ref, settings.registry);
  } catch (e) {
    if (e instanceof EngineError) throw new LocalImageError(e.message);
    throw e;
  }
  const host = reference.split('/')[0];
  return { reference, host, tlsVerify: settings.tlsVerify ?? !isLoopback(host) };
}
