// Which local engine runs the containers: a pure function over what has been found out so far, so
// that the choice is testable without any engine installed. The driver (prepare-local.ts) asks it
// what to do next — probe an engine's binaries, prepare the images with it, or run — and feeds the
// answer back, so nothing is probed or pulled once a choice is made.
//
// `auto` (the local profile's default) prefers bwrap > podman > docker > none: an engine qualifies
// when its binaries work AND it could prepare every image; `none` always qualifies and warns. A named
// engine qualifies the same way or the run stops with the reason: never a silent fallback.

import type { LocalEngineName } from './prepared-images';

export const PREFERENCE: readonly LocalEngineName[] = ['bwrap', 'podman', 'docker', 'none'];

export type Outcome = { ok: true; detail: string } | { ok: false; reason: string };

export interface EngineFacts {
  /** Its binaries run here. */
  binary?: Outcome;
  /** It prepared every image of the run. */
  images?: Outcome;
}

export type Facts = Partial<Record<LocalEngineName, EngineFacts>>;

export type Decision =
  | { next: 'probe'; engine: LocalEngineName }
  | { next: 'prepare'; engine: LocalEngineName }
  | { next: 'run'; engine: LocalEngineName; message: string }
  | { next: 'fail'; message: string };

export function decideEngine(requested: 'auto' | LocalEngineName, facts: Facts): Decision {
  const candidates = requested === 'auto' ? PREFERENCE : [requested];
  const passed: string[] = [];
  for (const engine of candidates) {
    if (engine === 'none') {
      const why = passed.length > 0 ? `; not ${passed.join('; not ')}` : '';
      // bwrap needs nothing else (images come straight from the registry): name the one package.
      const hint = requested === 'auto' && facts.bwrap?.binary?.ok === false ? '; to run in the images, install bubblewrap (apt-get install bubblewrap)' : '';
      return { next: 'run', engine, message: `local engine none (${requested === 'auto' ? 'the last choice of auto: bwrap > podman > docker > none' : 'as requested'})${why}${hint}` };
    }
    const f = facts[engine];
    if (!f?.binary) return { next: 'probe', engine };
    if (!f.binary.ok) {
      if (requested !== 'auto') return { next: 'fail', message: `engine ${engine} does not work on this machine: ${f.binary.reason}` };
      passed.push(`${engine}: ${f.binary.reason}`);
      continue;
    }
    if (!f.images) return { next: 'prepare', engine };
    if (!f.images.ok) {
      if (requested !== 'auto') return { next: 'fail', message: `engine ${engine} cannot prepare the images: ${f.images.reason}` };
      passed.push(`${engine}: ${f.images.reason}`);
      continue;
    }
    const how = requested === 'auto' ? 'chosen by auto: bwrap > podman > docker > none' : 'as requested';
    const why = passed.length > 0 ? `; not ${passed.join('; not ')}` : '';
    return { next: 'run', engine, message: `local engine ${engine}: ${f.binary.detail} (${how})${why}` };
  }
  return { next: 'fail', message: `no local engine can run this workflow (${passed.join('; ')})` };
}
