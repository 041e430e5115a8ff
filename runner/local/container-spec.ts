// One container run, described once with Shifter's semantics and no engine in sight; bwrap, podman
// and docker each translate it into their own argv (engines/). What it holds:
//   - the prepared image and the user (never root);
//   - the complete environment (container-env.ts);
//   - the site's /etc files laid over the image's /etc (site-etc.ts); /var is built empty;
//   - mounts, in order: the host's /tmp and /var/tmp (Shifter's are the node's), the job's working
//     directory at its own path (standing in for the site file systems, where a job starts at NERSC),
//     then the user's volumes (perNodeCache: a fresh scratch directory);
//   - where the command starts and its argv (ENTRYPOINT only when asked).

import { existsSync } from 'node:fs';
import type { ContainerUser } from './run-as';
import type { ImageConfig, PreparedImage } from './prepared-images';
import { reservedTarget } from './volume-map';

export type MountKind = 'system' | 'site' | 'volume' | 'scratch';

export interface Mount {
  kind: MountKind;
  source: string;
  target: string;
  readOnly: boolean;
}

export interface ContainerSpec {
  image: PreparedImage;
  user: ContainerUser;
  env: [string, string][];
  /** File name under /etc -> host file laid over the image's. */
  etc: Record<string, string>;
  mounts: Mount[];
  workdir: string;
  argv: string[];
}

export function systemMounts(exists: (p: string) => boolean = existsSync): Mount[] {
  const out: Mount[] = [{ kind: 'system', source: '/tmp', target: '/tmp', readOnly: false }];
  if (exists('/var/tmp')) out.push({ kind: 'system', source: '/var/tmp', target: '/var/tmp', readOnly: false });
  return out;
}

/**
 * The job's working directory, mounted at its own path: at the centre a job starts on a site file
 * system that every container sees. Not when it is one of the places Shifter builds itself, or a
 * path the engines' option syntax cannot carry (podman's `-v` splits on `:` and `,`).
 */
export function siteMount(dir: string | undefined): Mount | undefined {
  if (!dir || !dir.startsWith('/') || dir === '/' || /[:,\n]/.test(dir)) return undefined;
  if (dir === '/tmp' || dir.startsWith('/tmp/') || dir === '/sys' || dir.startsWith('/sys/')) return undefined;
  if (reservedTarget(dir) !== undefined) return undefined;
  return { kind: 'site', source: dir, target: dir, readOnly: false };
}

/**
 * Shifter runs the command as given; the image's ENTRYPOINT only with a bare --entrypoint (and a
 * program named by --entrypoint=PROG); with no command at all, /bin/sh.
 */
export function commandArgv(command: readonly string[], entrypoint: string | true | undefined, config: ImageConfig): string[] {
  let argv = [...command];
  if (entrypoint === true) argv = [...config.entrypoint, ...argv];
  else if (typeof entrypoint === 'string') argv = [...entrypoint.split(/\s+/).filter(Boolean), ...argv];
  return argv.length > 0 ? argv : ['/bin/sh'];
}

/** Whether `path` is inside one of the mounts (so it exists in the container whenever it exists on the host). */
export function mountedPath(path: string, mounts: readonly Mount[]): string | undefined {
  for (let i = mounts.length - 1; i >= 0; i--) {
    const m = mounts[i];
    if (path === m.target || path.startsWith(m.target === '/' ? '/' : `${m.target}/`)) return m.source + path.slice(m.target.length);
  }
  return undefined;
}
