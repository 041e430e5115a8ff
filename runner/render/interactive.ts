// An interactive shell in an image: `salloc -N 1 [-q QOS] [-A ACCOUNT] [-C FEATURES] -t TIME <engine's
// image options>`, then, inside the allocation, `srun --pty <engine's shell>`: for Shifter
// `srun --pty shifter /bin/bash` (a bare `shifter` typed in the salloc shell runs on the login node, not
// on the allocated one: docs/shifter.md, "Interactive"). Both are argv lists, for a terminal or a spawn.

import { engineForProfile, engineNamed } from '../engines';
import type { ContainerEngine, InteractiveTarget } from '../engines/engine';
import { normalizeImageRef } from '../images/image-ref';
import type { Plan } from '../plan/types';
import type { Profile } from '../profiles/profile';
import { RenderError } from './render-error';

export interface InteractiveOptions {
  /** With a plan: the job whose image, mounts, account and features to use (default: the first). */
  job?: string;
  /** Default: `interactive` on the nersc profile, none elsewhere. */
  qos?: string;
  account?: string;
  partition?: string;
  constraint?: string;
  /** Default 00:30:00. */
  time?: string;
  /** For an image reference (a plan brings its own). */
  profile?: Profile;
  engine?: ContainerEngine;
}

export interface InteractiveCommand {
  salloc: string[];
  inside: string[];
}

export function renderInteractive(target: Plan | string, options: InteractiveOptions = {}): InteractiveCommand {
  let what: InteractiveTarget;
  let profile = options.profile;
  let account = options.account;
  let partition = options.partition;
  let constraint = options.constraint;
  if (typeof target === 'string') {
    what = { image: { ref: normalizeImageRef(target), users: [], groups: [] }, volumes: [], modules: [] };
  } else {
    profile = target.profile;
    const job = options.job !== undefined ? target.jobs.find((j) => j.key === options.job) : target.jobs[0];
    if (!job) throw new RenderError(options.job !== undefined ? `no job ${options.job} in workflow ${target.workflow}` : `workflow ${target.workflow} has no jobs`);
    what = { image: job.image, volumes: job.volumes, modules: job.modules };
    account ??= job.slurm.account;
    partition ??= job.slurm.partition;
    constraint ??= job.slurm.constraint;
  }
  const engine = options.engine ?? (profile ? engineForProfile(profile) : engineNamed('shifter'));
  const qos = options.qos ?? (profile?.name === 'nersc' ? 'interactive' : undefined);
  const salloc = ['salloc', '-N', '1'];
  if (qos !== undefined) salloc.push('-q', qos);
  if (partition !== undefined) salloc.push('-p', partition);
  if (account !== undefined) salloc.push('-A', account);
  if (constraint !== undefined) salloc.push('-C', constraint);
  salloc.push('-t', options.time ?? '00:30:00', ...engine.allocationOptions(what));
  return { salloc, inside: ['srun', '--pty', ...engine.shellCommand(what)] };
}
