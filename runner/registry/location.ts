// Where an image lives: Shifter's `docker:NAME:TAG` -> registry host, repository and tag. Docker Hub
// is the default, as at NERSC; SHIFTERFLOW_REGISTRY (the settings' `registry`, read by
// runner/local/settings.ts) points every unqualified name at another registry; a name that starts
// with a registry host is read from there (engines/docker-reference.ts, shared with every engine).
// TLS is verified unless SHIFTERFLOW_REGISTRY_TLS_VERIFY says otherwise, except for a loopback
// registry (docker itself treats 127.0.0.0/8 as insecure): there plain HTTP is allowed too.

import { dockerReference } from '../engines/docker-reference';
import { EngineError } from '../engines/engine';
import { RegistryError } from './errors';

/** The registry settings of runner/local/settings.ts (LocalSettings fits). */
export interface RegistrySettings {
  registry?: string;
  tlsVerify?: boolean;
}

export interface ImageLocation {
  /** `host[:port]/path/name:tag`, as shown to the user. */
  reference: string;
  /** The registry as named in the reference: `docker.io`, `127.0.0.1:5000`. */
  host: string;
  /** The host the API is served from (Docker Hub's is registry-1.docker.io). */
  apiHost: string;
  /** `library/ubuntu`, `myorg/workflow`. */
  repository: string;
  tag: string;
  /** Verify the registry's TLS certificate; false also allows plain HTTP (a test registry). */
  tlsVerify: boolean;
}

export function imageLocation(ref: string, settings: RegistrySettings): ImageLocation {
  let reference: string;
  try {
    reference = dockerReference(ref, settings.registry);
  } catch (e) {
    if (e instanceof EngineError) throw new RegistryError(e.message, 'unsupported');
    throw e;
  }
  const host = reference.split('/')[0];
  const rest = reference.slice(host.length + 1);
  // dockerReference always gives a tag (normalizeImageRef adds :latest).
  const colon = rest.lastIndexOf(':');
  const apiHost = host === 'docker.io' ? 'registry-1.docker.io' : host;
  return { reference, host, apiHost, repository: rest.slice(0, colon), tag: rest.slice(colon + 1), tlsVerify: settings.tlsVerify ?? !isLoopback(host) };
}

export function isLoopback(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}
