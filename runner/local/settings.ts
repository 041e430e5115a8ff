// What a person can set for local runs, all through the environment so that the same workflow file
// runs on a laptop, in CI and on a login node without edits:
//   SHIFTERFLOW_ENGINE              bwrap | podman | docker | none | auto: overrides the profile's engine
//   SHIFTERFLOW_REGISTRY            host[:port] that serves docker: images instead of Docker Hub
//   SHIFTERFLOW_REGISTRY_TLS_VERIFY true | false (default: false for a loopback registry, as docker
//                                   itself treats 127.0.0.0/8 as insecure; true otherwise)
//   SHIFTERFLOW_IMAGE_CACHE         where bwrap's unpacked images live (per digest)
//   SHIFTERFLOW_LOCAL_USER          UID[:GID] containers run as when shifterflow runs as root
//   SHIFTERFLOW_PODMAN_ROOT / _RUNROOT / _RUNTIME   podman's --root, --runroot, --runtime (runc)

import { homedir } from 'node:os';
import { join } from 'node:path';

export interface LocalSettings {
  engine?: string;
  registry?: string;
  tlsVerify?: boolean;
  imageCache: string;
  user?: string;
  podman: { root?: string; runroot?: string; runtime: string };
}

export function localSettings(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.() ?? 0): LocalSettings {
  const nonEmpty = (name: string) => (env[name] !== undefined && env[name] !== '' ? env[name] : undefined);
  const tls = nonEmpty('SHIFTERFLOW_REGISTRY_TLS_VERIFY');
  return {
    engine: nonEmpty('SHIFTERFLOW_ENGINE'),
    registry: nonEmpty('SHIFTERFLOW_REGISTRY')?.replace(/\/+$/, ''),
    tlsVerify: tls === undefined ? undefined : !/^(false|0|no)$/i.test(tls),
    imageCache: nonEmpty('SHIFTERFLOW_IMAGE_CACHE') ?? defaultImageCache(env, uid),
    user: nonEmpty('SHIFTERFLOW_LOCAL_USER'),
    podman: { root: nonEmpty('SHIFTERFLOW_PODMAN_ROOT'), runroot: nonEmpty('SHIFTERFLOW_PODMAN_RUNROOT'), runtime: nonEmpty('SHIFTERFLOW_PODMAN_RUNTIME') ?? 'runc' },
  };
}

// Root's home is private (0700), and as root the containers run as another uid that must read the
// unpacked images: root's cache lives in /var/cache instead.
function defaultImageCache(env: NodeJS.ProcessEnv, uid: number): string {
  if (uid === 0) return '/var/cache/shifterflow/images';
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'shifterflow', 'images');
}
