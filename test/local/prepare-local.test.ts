// The driver that picks the engine by probing it and preparing every image with it (fake engines).

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../runner/user-error';
import { LOCAL_ENGINES } from '../../runner/local/engines';
import type { LocalEngine } from '../../runner/local/engines/types';
import { prepareLocalRun } from '../../runner/local/prepare-local';
import type { LocalEngineName } from '../../runner/local/prepared-images';
import { localSettings } from '../../runner/local/settings';
import type { RunEvent } from '../../runner/run/events';
import { planText } from '../engines/plan-text';

const TMP = mkdtempSync(join(tmpdir(), 'sf-prep-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

const PLAN = planText('version: 1\nname: t\nprofile: local\nimages:\n  a: docker:a:1\n  b: docker:b:2\njobs:\n  j:\n    image: a\n    command: x\n  k:\n    image: b\n    command: y\n');

function fake(name: LocalEngineName, works: boolean, pulls: boolean, calls: string[]): LocalEngine {
  return {
    ...LOCAL_ENGINES.none,
    name,
    probe: async () => {
      calls.push(`probe ${name}`);
      return works ? { ok: true, detail: `${name} 1` } : { ok: false, reason: `${name} missing` };
    },
    prepare: async (ref, _s, report) => {
      calls.push(`prepare ${name} ${ref}`);
      report('PULLING');
      if (!pulls) throw new Error(`no ${ref} here`);
      return { ref, engine: name, id: `id-${ref}`, handle: `/h/${ref}`, config: { env: [], entrypoint: [], cmd: [], workdir: '' } };
    },
  };
}

async function prepare(engines: Record<LocalEngineName, LocalEngine>, env: NodeJS.ProcessEnv = {}, profileEngine = 'auto') {
  const events: RunEvent[] = [];
  const runRoot = mkdtempSync(join(TMP, 'x-'));
  try {
    const r = await prepareLocalRun({ plan: PLAN, profileEngine, runRoot, emit: (e) => events.push(e), settings: localSettings(env, 1000), engines });
    return { r, events, runRoot };
  } catch (e) {
    return { error: e as Error, events, runRoot };
  }
}

describe('local: preparing a run (engine choice by preparing the images)', () => {
  it('auto: the first engine that prepares every image; images.json for the runtime; events on the way', async () => {
    const calls: string[] = [];
    const engines = { bwrap: fake('bwrap', true, false, calls), podman: fake('podman', true, true, calls), docker: fake('docker', true, true, calls), none: LOCAL_ENGINES.none };
    const { r, events, runRoot } = await prepare(engines);
    assert.deepEqual(calls, ['probe bwrap', 'prepare bwrap docker:a:1', 'prepare bwrap docker:b:2', 'probe podman', 'prepare podman docker:a:1', 'prepare podman docker:b:2']);
    assert.equal(r!.engine, 'podman');
    const images = JSON.parse(readFileSync(r!.env.SF_LOCAL_IMAGES, 'utf8')).images;
    assert.equal(r!.env.SF_LOCAL_IMAGES, join(runRoot, 'images.json'));
    assert.deepEqual(images.map((i: { ref: string; id: string }) => [i.ref, i.id]), [['docker:a:1', 'id-docker:a:1'], ['docker:b:2', 'id-docker:b:2']]);
    const statuses = events.filter((e) => e.type === 'image' && e.ref === 'docker:a:1').map((e) => (e as { status: string }).status);
    assert.deepEqual(statuses, ['PULLING', 'FAILURE', 'PULLING', 'READY']);
    assert.ok(events.some((e) => e.type === 'message' && /^local engine podman: podman 1 .*not bwrap: no docker:a:1 here/.test(e.text)));
  });

  it('a named engine that cannot prepare the images stops the run: no fallback', async () => {
    const calls: string[] = [];
    const engines = { bwrap: fake('bwrap', true, false, calls), podman: fake('podman', true, true, calls), docker: fake('docker', true, true, calls), none: LOCAL_ENGINES.none };
    const { error } = await prepare(engines, { SHIFTERFLOW_ENGINE: 'bwrap' });
    assert.ok(error instanceof UserError);
    assert.match(error.message, /^engine bwrap cannot prepare the images: .*\nnothing was run$/);
    assert.ok(!calls.some((c) => c.includes('podman')));
  });

  it('none: the warning, SKIPPED images', async () => {
    const calls: string[] = [];
    const engines = { bwrap: fake('bwrap', false, false, calls), podman: fake('podman', false, false, calls), docker: fake('docker', false, false, calls), none: LOCAL_ENGINES.none };
    const { r, events } = await prepare(engines);
    assert.equal(r!.engine, 'none');
    assert.ok(events.some((e) => e.type === 'message' && e.level === 'warning' && /without isolation/.test(e.text)));
    assert.deepEqual(events.filter((e) => e.type === 'image').map((e) => (e as { status: string }).status), ['SKIPPED', 'SKIPPED']);
  });

  it('engines of other centres cannot run locally', async () => {
    const { error } = await prepare(LOCAL_ENGINES, {}, 'apptainer');
    assert.match(error!.message, /engine apptainer cannot run on the local executor/);
  });
});
