// The image's config blob (OCI image config / Docker image JSON): what a container starts with and
// what the image was built for. Pure: bytes in, the fields Shifter and the checks care about out.

import { RegistryError } from './errors';

export interface RemoteImageConfig {
  architecture: string;
  os: string;
  env: string[];
  entrypoint: string[];
  cmd: string[];
  workdir: string;
  /** `USER` as written (`1000`, `app:app`); '' for root. */
  user: string;
  labels: Record<string, string>;
  /** The uncompressed digests of the layers, in order (rootfs.diff_ids). */
  diffIds: string[];
}

export function parseImageConfig(bytes: Buffer, what: string): RemoteImageConfig {
  let data: {
    architecture?: string;
    os?: string;
    config?: { Env?: string[] | null; Entrypoint?: string[] | null; Cmd?: string[] | null; WorkingDir?: string | null; User?: string | null; Labels?: Record<string, string> | null } | null;
    rootfs?: { diff_ids?: string[] };
  };
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new RegistryError(`the config of ${what} is not JSON`, 'unsupported');
  }
  const c = data.config ?? {};
  return {
    architecture: data.architecture ?? '',
    os: data.os ?? '',
    env: c.Env ?? [],
    entrypoint: c.Entrypoint ?? [],
    cmd: c.Cmd ?? [],
    workdir: c.WorkingDir ?? '',
    user: c.User ?? '',
    labels: c.Labels ?? {},
    diffIds: data.rootfs?.diff_ids ?? [],
  };
}
