// Before a local run submits anything: check the volumes (preflight.ts), decide who the containers
// run as (run-as.ts), pick the engine (select-engine.ts) by probing it and preparing every image with
// it — progress as `image` events with Shifter's status words, so one view serves both executors —
// and write the prepared images where the local `shifter` finds them. Any failure stops the run
// with nothing started.

import { join } from 'node:path';
import { UserError } from '../user-error';
import type { Plan } from '../plan/types';
import { event, type RunEvent } from '../run/events';
import { LOCAL_ENGINES, isLocalEngineName, type LocalEngine } from './engines';
import { NONE_WARNING } from './engines/none';
import { preflightVolumes } from './preflight';
import { writePreparedImages, type LocalEngineName, type PreparedImage } from './prepared-images';
import { RunAsError, containerUser, substitutionNote, type ContainerUser } from './run-as';
import { decideEngine, type Facts, type Outcome } from './select-engine';
import { localSettings, type LocalSettings } from './settings';

export interface LocalPreparation {
  engine: LocalEngineName;
  /** For every job: where the prepared images are. */
  env: Record<string, string>;
}

export interface PrepareLocalOptions {
  plan: Plan;
  /** The profile's engine (auto for the local profile); SHIFTERFLOW_ENGINE overrides it. */
  profileEngine: string;
  /** The run directory: images.json goes there. */
  runRoot: string;
  emit: (e: RunEvent) => void;
  settings?: LocalSettings;
  engines?: Record<LocalEngineName, LocalEngine>;
}

export const IMAGES_FILE = 'images.json';

export async function prepareLocalRun(o: PrepareLocalOptions): Promise<LocalPreparation> {
  const settings = o.settings ?? localSettings();
  const engines = o.engines ?? LOCAL_ENGINES;
  const problems = preflightVolumes(o.plan);
  if (problems.length > 0) throw new UserError(`${problems.join('\n')}\nnothing was run`, 1);

  const requested = settings.engine ?? o.profileEngine;
  if (requested !== 'auto' && !isLocalEngineName(requested)) {
    throw new UserError(`engine ${requested} cannot run on the local executor (use bwrap, podman, docker, none or auto${settings.engine ? ' in SHIFTERFLOW_ENGINE' : ''})`);
  }
  let user: ContainerUser;
  try {
    user = containerUser(process.getuid?.() ?? 0, process.getgid?.() ?? 0, settings.user);
  } catch (e) {
    if (e instanceof RunAsError) throw new UserError(e.message, 1);
    throw e;
  }

  const facts: Facts = {};
  const prepared = new Map<LocalEngineName, PreparedImage[]>();
  for (;;) {
    const d = decideEngine(requested, facts);
    if (d.next === 'probe') {
      const r = await engines[d.engine].probe(settings, user);
      facts[d.engine] = { binary: r.ok ? { ok: true, detail: r.detail } : { ok: false, reason: r.reason } };
    } else if (d.next === 'prepare') {
      const { outcome, images } = await prepareAll(engines[d.engine], o.plan, settings, o.emit);
      facts[d.engine]!.images = outcome;
      prepared.set(d.engine, images);
    } else if (d.next === 'fail') {
      throw new UserError(`${d.message}\nnothing was run`, 1);
    } else {
      o.emit(event('message', { level: 'info', text: d.message }));
      let images = prepared.get(d.engine);
      if (d.engine === 'none') {
        o.emit(event('message', { level: 'warning', text: NONE_WARNING }));
        images = (await prepareAll(engines.none, o.plan, settings, o.emit)).images;
      } else if (user.substituted) {
        o.emit(event('message', { level: 'info', text: substitutionNote(user) }));
      }
      const file = join(o.runRoot, IMAGES_FILE);
      writePreparedImages(file, images ?? []);
      return { engine: d.engine, env: { SF_LOCAL_IMAGES: file } };
    }
  }
}

/** Every image of the plan, in parallel; the first failure decides the outcome. */
async function prepareAll(engine: LocalEngine, plan: Plan, settings: LocalSettings, emit: (e: RunEvent) => void): Promise<{ outcome: Outcome; images: PreparedImage[] }> {
  const results = await Promise.all(
    plan.images.map(async (img) => {
      const report = (status: string, message?: string) => emit(event('image', { ref: img.ref, status, message: engine.name === 'none' ? message : message === undefined ? engine.name : `${engine.name}: ${message}` }));
      try {
        const p = await engine.prepare(img.ref, settings, report);
        if (engine.name !== 'none') emit(event('image', { ref: img.ref, status: 'READY', id: p.id, message: engine.name }));
        return p;
      } catch (e) {
        const reason = (e as Error).message;
        emit(event('image', { ref: img.ref, status: 'FAILURE', message: `${engine.name}: ${reason}` }));
        return reason;
      }
    }),
  );
  const failures = results.filter((r): r is string => typeof r === 'string');
  if (failures.length > 0) return { outcome: { ok: false, reason: failures.join('; ') }, images: [] };
  return { outcome: { ok: true, detail: '' }, images: results as PreparedImage[] };
}
