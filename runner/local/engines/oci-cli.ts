// podman and docker share one command line (docker takes the same run flags minus podman's own):
//   run --rm --read-only --user UID:GID --network=host --ipc=host --pid=host (Shifter has no
//   namespaces but the mount one) --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 --entrypoint ''
//   (the image ENTRYPOINT runs only when the spec's argv says so) --tmpfs /var (Shifter builds /var;
//   owned by the container's root, so the user cannot write there) -v FILE:/etc/NAME:ro (the site's
//   files over the image's /etc) -v SRC:DST[:ro] --workdir DIR --env NAME=VALUE (every variable:
//   the spec's environment is complete, so the image's ENV cannot win over --env-file or --env)
//   IMAGE-ID ARGV...
// -v splits on ":", so a path holding one cannot be mounted (Shifter refuses those paths anyway).

import type { ContainerSpec } from '../container-spec';
import { mountedPath } from '../container-spec';
import { ContainerSetupError } from './types';
import { statSync } from 'node:fs';

export interface OciCliFlavor {
  /** `podman` or `docker`. */
  program: string;
  /** Options before `run` (podman: --runtime, --cgroup-manager, --events-backend, --root...). */
  globals: string[];
  /** Options only this program has. */
  extraRun: string[];
  /** The tmpfs that stands for Shifter's /var. */
  varTmpfs: string;
}

function volumeArg(source: string, target: string, readOnly: boolean): string {
  for (const p of [source, target]) if (p.includes(':')) throw new ContainerSetupError(`cannot mount ${JSON.stringify(p)}: it contains ":", which separates the fields of a volume`);
  return `${source}:${target}${readOnly ? ':ro' : ''}`;
}

export function ociRunArgs(spec: ContainerSpec, flavor: OciCliFlavor): string[] {
  const a = [...flavor.globals, 'run', '--rm', '--read-only', ...flavor.extraRun, '--user', `${spec.user.uid}:${spec.user.gid}`];
  a.push('--network=host', '--ipc=host', '--pid=host', '--ulimit', 'nofile=1024:1024', '--ulimit', 'nproc=4096:4096');
  a.push('--entrypoint', '', '--tmpfs', flavor.varTmpfs);
  for (const [name, file] of Object.entries(spec.etc).sort()) a.push('-v', volumeArg(file, `/etc/${name}`, true));
  for (const m of spec.mounts) a.push('-v', volumeArg(m.source, m.target, m.readOnly));
  a.push('--workdir', spec.workdir);
  for (const [name, value] of spec.env) a.push('--env', `${name}=${value}`);
  a.push(spec.image.handle, ...spec.argv);
  return a;
}

/** A mount shows whether a directory exists; the image is not looked into (undefined: cannot tell). */
export function visibleThroughMounts(path: string, spec: Pick<ContainerSpec, 'mounts'>): boolean | undefined {
  if (path === '/') return true;
  const host = mountedPath(path, spec.mounts);
  if (host === undefined) return undefined;
  try {
    return statSync(host).isDirectory();
  } catch {
    return false;
  }
}
