// The hand-off between preparing images (the runner, before anything is submitted) and running
// containers (the local `shifter`, inside a job): one JSON file per run that maps each image
// reference to what the engine made of it, pinned like Shifter pins an image id at submission.

import { readFileSync, writeFileSync } from 'node:fs';

export type LocalEngineName = 'bwrap' | 'podman' | 'docker' | 'none';

/** The parts of an OCI image config that Shifter honours (ENV) or deliberately ignores unless asked. */
export interface ImageConfig {
  env: string[];
  entrypoint: string[];
  cmd: string[];
  workdir: string;
}

export interface PreparedImage {
  /** Shifter reference as planned: `docker:busybox:1.36`. */
  ref: string;
  engine: LocalEngineName;
  /** Content id (manifest or image digest, hex), Shifter's SHIFTER_IMAGE. */
  id: string;
  /** What the engine runs: bwrap's unpacked rootfs directory, podman's/docker's image id. */
  handle: string;
  config: ImageConfig;
}

export const EMPTY_CONFIG: ImageConfig = { env: [], entrypoint: [], cmd: [], workdir: '' };

export function writePreparedImages(path: string, images: readonly PreparedImage[]): void {
  writeFileSync(path, JSON.stringify({ version: 1, images }, null, 2) + '\n', { mode: 0o644 });
}

export function readPreparedImages(path: string): Map<string, PreparedImage> {
  const data = JSON.parse(readFileSync(path, 'utf8')) as { images: PreparedImage[] };
  return new Map(data.images.map((i) => [i.ref, i]));
}
