// The image check of a workflow against the test cluster's real registry, with images these tests
// push: `validate --images` positions findings at the line naming the image and reads a checked image
// again with one manifest request (its blobs deleted, the check still answers); `run` on the Slurm
// profile refuses a bad image before anything is pulled or submitted, and `--no-image-check` goes on.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cluster, clusterWorkflow, clusterWorkspace, journalOf, runAsUser, runDirs, sacctJobs, slurm, unique, type Cluster } from '../e2e/cluster';
import { fixtureImages } from './fixture-images';
import { deleteImage, pushImage, TEST_REGISTRY, type PushedImage } from './push-image';
import { requireTestRegistry, validateImages } from './registry-support';

const CLI = join(__dirname, '..', '..', 'runner', 'cli', 'main.js');

const workflowText = (bad: string, good: string) => `version: 1
name: wi
profile: nersc
defaults: { account: m1, qos: regular, time: "00:05:00" }
images:
  tools: docker:${bad}
jobs:
  prep:
    image: tools
    command: python3 /opt/prep.py
  report:
    image: docker:${good}
    command: python3 -c 1
`;

describe('workflow image check against the real registry @cluster', function () {
  this.timeout(600_000);
  const prefix = `sfwi${process.pid}`;
  const images = fixtureImages(prefix);
  const pushed: PushedImage[] = [];
  let work: string;

  const validate = (args: string[]) => validateImages(work, args);

  before(async () => {
    await requireTestRegistry();
    work = mkdtempSync(join(tmpdir(), 'sf-wi-'));
    for (const f of [images.SI001, images.clean]) pushed.push(await pushImage(f.spec));
  });

  after(async () => {
    for (const p of pushed) await deleteImage(p).catch(() => undefined);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('validate --images: the bad image\'s error at its images: entry, file:line:col and code; --json has it; exit 1', () => {
    writeFileSync(join(work, 'wf.yaml'), workflowText(images.SI001.spec.name, images.clean.spec.name));
    const r = validate(['wf.yaml']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^wf\.yaml:6:3: error SI001 image docker:sfwi\d+-si001:1: .*\/usr\/local\/bin\/rootonly/m);
    // The clean image, used inline, has nothing to say.
    assert.doesNotMatch(r.stdout, /clean/);
    const j = JSON.parse(validate(['wf.yaml', '--json']).stdout);
    const d = j.files[0].diagnostics.find((x: { code: string }) => x.code === 'SI001');
    assert.deepEqual([d.severity, d.range.start.line, d.range.start.character, d.path], ['error', 5, 2, ['images', 'tools']]);
    assert.equal(j.errors, 1);
  });

  it('a second validate --images reads no layer: with every blob deleted from the registry, the same findings', async () => {
    writeFileSync(join(work, 'wf.yaml'), workflowText(images.SI001.spec.name, images.clean.spec.name));
    const first = validate(['wf.yaml', '--json']);
    // Blobs only: the manifests stay, so the check still finds the digests; any layer or config read would now 404.
    for (const p of pushed) for (const b of p.blobs) await fetch(`http://${TEST_REGISTRY}/v2/${p.repository}/blobs/${b}`, { method: 'DELETE' });
    const probe = await fetch(`http://${TEST_REGISTRY}/v2/${pushed[0].repository}/blobs/${pushed[0].blobs[0]}`, { method: 'HEAD' });
    assert.equal(probe.status, 404, 'the blobs are gone');
    const again = validate(['wf.yaml', '--json']);
    assert.equal(again.stderr, '');
    assert.deepEqual(JSON.parse(again.stdout), JSON.parse(first.stdout));
    // A fresh cache cannot check without the layers: the first answer really came from the cache.
    const fresh = validateImages(work, ['wf.yaml'], 'cache2');
    assert.equal(fresh.status, 1);
    assert.match(fresh.stderr, /^shifterflow: wf\.yaml:6:3: /);
    // Pushed again for the run tests.
    pushed.length = 0;
    for (const f of [images.SI001, images.clean]) pushed.push(await pushImage(f.spec));
  });

  it('run on the local profile does not check the image (engine none: nothing pulled either)', () => {
    const dir = mkdtempSync(join(work, 'local-'));
    writeFileSync(join(dir, 'wf.yaml'), `version: 1\nname: wl\nprofile: local\njobs:\n  a:\n    image: docker:${images.SI001.spec.name}\n    command: "true"\n`);
    const cache = join(dir, 'cache');
    const r = spawnSync(process.execPath, [CLI, 'run', 'wf.yaml'], { cwd: dir, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cache, SHIFTERFLOW_REGISTRY: TEST_REGISTRY, SHIFTERFLOW_IMAGE_CHECK_CACHE: '', SHIFTERFLOW_ENGINE: 'none' }, timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /SI0\d\d/);
    assert.equal(existsSync(join(cache, 'shifterflow', 'image-check')), false, 'no image was checked');
  });

  describe('run on the Slurm profile', () => {
    let c: Cluster;
    before(() => {
      c = cluster();
    });

    const runWorkflow = (wf: string) => clusterWorkspace(c, { 'wf.yaml': clusterWorkflow(wf, `jobs:\n  a:\n    image: docker:${images.SI001.spec.name}\n    command: "true"\n`) });

    it('refuses an image with an error before any pull: positioned message, exit 1, no image event, nothing in sacct', async () => {
      const wf = unique('wibad');
      const dir = runWorkflow(wf);
      const r = runAsUser(c, dir, ['run', 'wf.yaml']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /wf\.yaml:11:12: error SI001 image docker:sfwi\d+-si001:1: /);
      assert.match(r.stderr, /nothing was pulled or submitted/);
      for (const id of runDirs(dir)) assert.deepEqual(journalOf(dir, id).filter((e) => e.type === 'image' || e.type === 'job-submitted'), []);
      await new Promise((res) => setTimeout(res, 2000)); // accounting lag: a job would show by now
      assert.deepEqual(sacctJobs(c, wf), []);
    });

    it('--no-image-check pulls and submits it', () => {
      const wf = unique('wiskip');
      const dir = runWorkflow(wf);
      const r = runAsUser(c, dir, ['run', 'wf.yaml', '--no-image-check', '--detach']);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /SI001/);
      const events = journalOf(dir, runDirs(dir)[0]);
      assert.ok(events.some((e) => e.type === 'image' && e.status === 'READY'), JSON.stringify(events));
      const submitted = events.filter((e) => e.type === 'job-submitted');
      assert.equal(submitted.length, 1);
      slurm(c, ['scancel', ...submitted.map((e) => (e as { externalId: string }).externalId)]);
    });
  });
});
