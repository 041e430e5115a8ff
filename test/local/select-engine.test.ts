// Engine selection as a pure function over probed facts: what the driver does next, and the choice.

import assert from 'node:assert/strict';
import { decideEngine, type Facts } from '../../runner/local/select-engine';

const ok = (detail = 'v1') => ({ ok: true as const, detail });
const no = (reason: string) => ({ ok: false as const, reason });

/** Plays the driver: answers probes and prepares from a table, returns the decisions in order. */
function play(requested: Parameters<typeof decideEngine>[0], table: Record<string, { binary: boolean; images?: boolean }>) {
  const facts: Facts = {};
  const steps: string[] = [];
  for (;;) {
    const d = decideEngine(requested, facts);
    if (d.next === 'probe') {
      steps.push(`probe ${d.engine}`);
      facts[d.engine] = { binary: table[d.engine]?.binary ? ok(`${d.engine} 1.0`) : no(`${d.engine} not found`) };
    } else if (d.next === 'prepare') {
      steps.push(`prepare ${d.engine}`);
      facts[d.engine]!.images = table[d.engine]?.images ? ok('') : no('registry unreachable');
    } else return { steps, decision: d };
  }
}

describe('local: engine selection (pure)', () => {
  it('auto prefers bwrap and stops there: nothing else is probed or pulled', () => {
    const { steps, decision } = play('auto', { bwrap: { binary: true, images: true }, podman: { binary: true, images: true } });
    assert.deepEqual(steps, ['probe bwrap', 'prepare bwrap']);
    assert.equal(decision.next === 'run' && decision.engine, 'bwrap');
    assert.match((decision as { message: string }).message, /^local engine bwrap: bwrap 1\.0 \(chosen by auto: bwrap > podman > docker > none\)$/);
  });

  it('auto: a working binary that cannot prepare the images does not qualify', () => {
    const { steps, decision } = play('auto', { bwrap: { binary: true, images: false }, podman: { binary: true, images: true } });
    assert.deepEqual(steps, ['probe bwrap', 'prepare bwrap', 'probe podman', 'prepare podman']);
    assert.equal(decision.next === 'run' && decision.engine, 'podman');
    assert.match((decision as { message: string }).message, /not bwrap: registry unreachable/);
  });

  it('auto: podman missing, docker works', () => {
    const { steps, decision } = play('auto', { bwrap: { binary: false }, podman: { binary: false }, docker: { binary: true, images: true } });
    assert.deepEqual(steps, ['probe bwrap', 'probe podman', 'probe docker', 'prepare docker']);
    assert.equal(decision.next === 'run' && decision.engine, 'docker');
  });

  it('auto on a machine with nothing but Node: none, saying why not the others', () => {
    const { steps, decision } = play('auto', {});
    assert.deepEqual(steps, ['probe bwrap', 'probe podman', 'probe docker']);
    assert.equal(decision.next, 'run');
    assert.equal((decision as { engine: string }).engine, 'none');
    assert.equal((decision as { message: string }).message, 'local engine none (the last choice of auto: bwrap > podman > docker > none); not bwrap: bwrap not found; not podman: podman not found; not docker: docker not found; to run in the images, install bubblewrap (apt-get install bubblewrap)');
  });

  it('auto with binaries but no registry: none after every prepare failed', () => {
    const { steps, decision } = play('auto', { bwrap: { binary: true, images: false }, podman: { binary: true, images: false }, docker: { binary: false } });
    assert.deepEqual(steps, ['probe bwrap', 'prepare bwrap', 'probe podman', 'prepare podman', 'probe docker']);
    assert.equal((decision as { engine: string }).engine, 'none');
  });

  it('a named engine never falls back: missing binary', () => {
    const { steps, decision } = play('podman', { bwrap: { binary: true, images: true } });
    assert.deepEqual(steps, ['probe podman']);
    assert.deepEqual(decision, { next: 'fail', message: 'engine podman does not work on this machine: podman not found' });
  });

  it('a named engine never falls back: images that cannot be prepared', () => {
    const { decision } = play('bwrap', { bwrap: { binary: true, images: false }, podman: { binary: true, images: true } });
    assert.deepEqual(decision, { next: 'fail', message: 'engine bwrap cannot prepare the images: registry unreachable' });
  });

  it('named none runs at once, probing nothing', () => {
    const { steps, decision } = play('none', {});
    assert.deepEqual(steps, []);
    assert.deepEqual(decision, { next: 'run', engine: 'none', message: 'local engine none (as requested)' });
  });

  it('named engine that works', () => {
    const { decision } = play('docker', { docker: { binary: true, images: true } });
    assert.deepEqual(decision, { next: 'run', engine: 'docker', message: 'local engine docker: docker 1.0 (as requested)' });
  });
});
