// A local engine: how to tell it works on this machine, how it makes an image ready, and the argv
// that runs one container (container-spec.ts) with Shifter's semantics. Argv arrays only: nothing a
// user wrote ever passes through a shell here.

import type { ContainerSpec } from '../container-spec';
import type { StatusReporter } from '../image-cache';
import type { LocalEngineName, PreparedImage } from '../prepared-images';
import type { ContainerUser } from '../run-as';
import type { LocalSettings } from '../settings';

export type ProbeResult = { ok: true; detail: string } | { ok: false; reason: string };

/** The program to start, as whom (bwrap drops to the container user itself; podman maps it). */
export interface Launch {
  file: string;
  args: string[];
  uid?: number;
  gid?: number;
  /** The launched program's own environment and directory (engine none: the command's). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LocalEngine {
  readonly name: LocalEngineName;
  /** Whether the binaries this engine needs run here. */
  probe(settings: LocalSettings, user: ContainerUser): Promise<ProbeResult>;
  /** Makes one image ready (pull, unpack...); reports Shifter's status words as it goes; throws on failure. */
  prepare(ref: string, settings: LocalSettings, report: StatusReporter): Promise<PreparedImage>;
  /** Whether a directory exists inside the container (Shifter's "staying in /" rule); undefined: cannot tell. */
  visible(path: string, spec: Omit<ContainerSpec, 'workdir' | 'argv'>): boolean | undefined;
  /** The command that runs the container. Throws a ContainerSetupError when the spec cannot be honoured. */
  launch(spec: ContainerSpec, settings: LocalSettings): Launch;
}

/** A mount or layout Shifter itself would refuse (its messages). */
export class ContainerSetupError extends Error {}
