// Shifter (NERSC), as docs/shifter.md describes it:
// - the job's image and EVERY mount go into #SBATCH lines (`--image=REF`, ONE `--volume="a:/x:ro;b:/y"`:
//   a second --volume directive replaces the first), job-wide modules into `--module=a,b`;
// - a step runs `shifter [--image=OTHER] [--module=..] [--volume=..]... [--env=N=V]... [--workdir=P] [--entrypoint] CMD`.
//   `--image` only when the step's image differs from the job's (a separate container; `srun --image=`
//   inside a job is silently ignored, so the switch is always on shifter's command line). Env goes
//   through --env because the image's ENV overrides the inherited environment. The job's volumes are
//   inherited by every shifter in the job (SHIFTER_VOLUME), so a step without volumes of its own
//   never repeats them. A step WITH its own gets `--volume=ENTRY` per mount, the job's first: the
//   first --volume on shifter's command line discards the inherited ones (shifter.c, parse_options),
//   so without them the step would silently lose the job's mounts.

import type { PlannedImage, PlannedJob, PlannedVolume } from '../plan/types';
import { EngineError, type ContainerEngineWithReadiness, InteractiveTarget, ReadinessCheck, SbatchDirective, StepLaunch, Word } from './engine';

/**
 * A path Shifter mounts as written: absolute, only the characters it keeps ([A-Za-z0-9_.+-/]; it
 * silently drops others), no `:` or `;` (they separate fields and entries), no `..`.
 */
const SHIFTER_PATH = /^\/[A-Za-z0-9_.+\/-]*$/;

function checkPath(path: string, what: string): string {
  if (!SHIFTER_PATH.test(path) || path.split('/').includes('..')) {
    throw new EngineError(`volume ${what} ${JSON.stringify(path)} cannot be given to Shifter as written: it must be an absolute path of letters, digits and _ . + - / without ..`);
  }
  return path;
}

/** One Shifter volume map entry: `source:target[:ro][:perNodeCache=size=N[,bs=N][,fs=xfs][,method=loop]]`. */
export function shifterVolumeEntry(v: PlannedVolume): string {
  const flags: string[] = [];
  if (v.readOnly) flags.push('ro');
  const c = v.perNodeCache;
  if (c) {
    const opts = [`size=${c.size}`];
    if (c.bs !== undefined) opts.push(`bs=${c.bs}`);
    if (c.fs !== undefined) opts.push(`fs=${c.fs}`);
    if (c.method !== undefined) opts.push(`method=${c.method}`);
    flags.push(`perNodeCache=${opts.join(',')}`);
  }
  return [checkPath(v.source, `${v.name} source`), checkPath(v.target, `${v.name} target`), ...flags].join(':');
}

/** Every mount in one value, `;`-separated, as one --volume takes them. */
export function shifterVolumeMap(volumes: readonly PlannedVolume[]): string {
  return volumes.map(shifterVolumeEntry).join(';');
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export const shifterEngine: ContainerEngineWithReadiness = {
  name: 'shifter',

  jobDirectives(job: PlannedJob): SbatchDirective[] {
    const out: SbatchDirective[] = [{ name: 'image', value: job.image.ref }];
    if (job.volumes.length > 0) out.push({ name: 'volume', value: shifterVolumeMap(job.volumes), doubleQuote: true });
    if (job.modules.length > 0) out.push({ name: 'module', value: job.modules.join(',') });
    return out;
  },

  commandPrefix({ job, step, env, workdir }: StepLaunch): Word[] {
    const words: Word[] = ['shifter'];
    if (step.image.ref !== job.image.ref) words.push(`--image=${step.image.ref}`);
    // A step's own module list replaces the job's; an empty one must say so (`none`).
    if (!sameList(step.modules, job.modules)) words.push(`--module=${step.modules.length ? step.modules.join(',') : 'none'}`);
    if (step.volumes.length > 0) for (const v of [...job.volumes, ...step.volumes]) words.push({ option: '--volume=', value: shifterVolumeEntry(v) });
    for (const [name, value] of env) words.push({ option: `--env=${name}=`, value });
    if (workdir !== undefined) words.push({ option: '--workdir=', value: workdir });
    if (step.entrypoint === true) words.push('--entrypoint');
    else if (typeof step.entrypoint === 'string') words.push({ option: '--entrypoint=', value: step.entrypoint });
    return words;
  },

  allocationOptions(target: InteractiveTarget): string[] {
    const out = [`--image=${target.image.ref}`];
    if (target.volumes.length > 0) out.push(`--volume=${shifterVolumeMap(target.volumes)}`);
    if (target.modules.length > 0) out.push(`--module=${target.modules.join(',')}`);
    return out;
  },

  shellCommand(): string[] {
    // `shifter` typed in the salloc shell would run on the login node: it goes through srun --pty.
    return ['shifter', '/bin/bash'];
  },

  readiness(image: PlannedImage): ReadinessCheck {
    // The plugin looks the image up at sbatch time and refuses one that is not READY; `lookup` is that
    // same question. The pull carries the image's ACL (the long options: -u/-g are broken in 22.02).
    const acl = [...(image.users.length ? [`--user=${image.users.join(',')}`] : []), ...(image.groups.length ? [`--group=${image.groups.join(',')}`] : [])];
    return { check: ['shifterimg', 'lookup', image.ref], remedy: ['shifterimg', ...acl, 'pull', image.ref] };
  },
};
