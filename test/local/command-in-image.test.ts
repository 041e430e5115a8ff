// The local executor runs a command in the image, all of it, once per task, as Shifter does on the
// cluster (issue 17): with the REAL bubblewrap and podman, a throwaway registry and busybox images.
// This machine has no /etc/image-release and no /results: only the image and its volume do. Each
// task's SLURM_PROCID, SLURM_LOCALID, SLURM_NODEID and SLURM_NTASKS are its own, engine `none` too.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { podmanGlobals } from '../../runner/local/engines/podman';
import { localSettings } from '../../runner/local/settings';
import { buildAndPush, testImage } from './support/images';
import { startRegistry, type Registry } from './support/registry';
import { allLogs, cli, lastRun, log, makeWorkspace, ownedDir, runDirs } from './support/runner';
import { IMAGE_TOOLS, requireTools } from './support/tools';

const TASKS = `  tasks:
    image: box
    tasks: 4
    command: echo "$SLURM_PROCID $SLURM_LOCALID $SLURM_NODEID $SLURM_NTASKS"
`;

const IN_IMAGE = `version: 1
name: inimage
profile: local
images:
  box: docker:busybox:1.36
volumes:
  out: { source: "@WS@/out", target: /results }
jobs:
  substitution:
    image: box
    command: echo "in $(cat /etc/image-release)"
  redirect:
    image: box
    volumes: [out]
    command: echo redirected > /results/redirect.txt
  pipe:
    image: box
    command: echo piped | cat - /etc/image-release
${TASKS}`;

describe('local executor: a command runs in the image, all of it, once per task @engines', function () {
  this.timeout(600_000);
  let registry: Registry | undefined;
  let base = '';
  let env: Record<string, string> = {};

  before(async function () {
    requireTools([...IMAGE_TOOLS, 'bwrap', 'podman']);
    for (const p of ['/etc/image-release', '/results']) assert.ok(!existsSync(p), `PREREQUISITE: ${p} must not exist on this machine, or the test proves nothing`);
    base = makeWorkspace(tmpdir(), 'sf-local-inimage-');
    registry = await startRegistry(join(base, 'registry'));
    buildAndPush(join(base, 'images'), registry.address, [testImage('busybox:1.36')]);
    env = {
      SHIFTERFLOW_REGISTRY: registry.address,
      SHIFTERFLOW_IMAGE_CACHE: join(base, 'cache'),
      SHIFTERFLOW_PODMAN_ROOT: join(base, 'podman', 'root'),
      SHIFTERFLOW_PODMAN_RUNROOT: join(base, 'podman', 'run'),
      TMPDIR: ownedDir(join(base, 'tmp')),
    };
    chmodSync(env.TMPDIR, 0o1777);
  });

  after(async () => {
    await registry?.stop();
    if (base && env.SHIFTERFLOW_PODMAN_ROOT) spawnSync('podman', [...podmanGlobals(localSettings(env)), 'system', 'reset', '--force'], { stdio: 'ignore', timeout: 120_000 });
    if (base) rmSync(base, { recursive: true, force: true });
  });

  const perTask = ['0 0 0 4', '1 1 0 4', '2 2 0 4', '3 3 0 4'];

  for (const engine of ['bwrap', 'podman'] as const) {
    describe(engine, () => {
      let ws = '';
      let run = '';
      before(() => {
        ws = makeWorkspace(base);
        ownedDir(join(ws, 'out'));
        writeFileSync(join(ws, 'wf.yaml'), IN_IMAGE.replace('@WS@', ws));
        const r = cli(ws, ['run', 'wf.yaml'], { ...env, SHIFTERFLOW_ENGINE: engine });
        run = runDirs(ws).length ? lastRun(ws) : '';
        assert.equal(r.code, 0, `${r.stderr}\n${run ? allLogs(run) : ''}`);
      });

      it('$(cat FILE) reads a file that exists only in the image', () => {
        assert.equal(log(run, 'substitution.1.out'), 'in shifterflow test image\n');
      });
      it('a redirect writes to a volume target this machine does not have', () => {
        assert.equal(readFileSync(join(ws, 'out', 'redirect.txt'), 'utf8'), 'redirected\n');
      });
      it('the second half of a pipe runs in the image too', () => {
        assert.equal(log(run, 'pipe.1.out'), 'piped\nshifterflow test image\n');
      });
      it("each of 4 tasks sees its own SLURM_PROCID, SLURM_LOCALID, SLURM_NODEID inside the container", () => {
        assert.deepEqual(log(run, 'tasks.1.out').trim().split('\n').sort(), perTask);
      });
    });
  }

  it('engine none (the host): each task still gets its own Slurm variables', () => {
    const ws = makeWorkspace(base);
    writeFileSync(join(ws, 'wf.yaml'), `version: 1\nname: inimage\nprofile: local\nimages:\n  box: docker:busybox:1.36\njobs:\n${TASKS}`);
    const r = cli(ws, ['run', 'wf.yaml'], { ...env, SHIFTERFLOW_ENGINE: 'none' });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(log(lastRun(ws), 'tasks.1.out').trim().split('\n').sort(), perTask);
  });
});
