// The local executor with the REAL bubblewrap and podman: a throwaway registry on 127.0.0.1, busybox
// images built here without internet, and the CLI running every example that can run on one machine
// (examples/hello.yaml, and test/local/fixtures/ for the shapes of the others) plus what Shifter
// guarantees inside a container, checked from inside one. Missing tools fail the suite (support/tools.ts).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { podmanGlobals } from '../../runner/local/engines/podman';
import { localSettings } from '../../runner/local/settings';
import { buildAndPush, testImage } from './support/images';
import { startRegistry, type Registry } from './support/registry';
import { CONTAINER_UID, ROOT, allLogs, cli, fixture, journalOf, lastRun, log, makeWorkspace, ownedDir, runDirs } from './support/runner';
import { IMAGE_TOOLS, requireTools } from './support/tools';

const CHECK_SH = `say() { echo "$1" >> /out/report.txt; }
say "id=$(id -u):$(id -g)"
for p in / /bin /etc /var /opt/app /out /tmp /newdir /cache; do
  if touch "$p/.probe-$$" 2>/dev/null; then rm -f "$p/.probe-$$"; say "write $p=yes"; else say "write $p=no"; fi
done
say "passwd=$(cat /etc/passwd)"
say "hosts-from-image=$(grep -c image-hosts /etc/hosts)"
say "image-release=$(cat /etc/image-release)"
say "var=$(ls -A /var | tr '\\n' ' ')"
say "IMAGE_ONLY=$IMAGE_ONLY OVERRIDDEN=$OVERRIDDEN HOSTONLY=$HOSTONLY"
say "PATH=$PATH"
say "FROM_STEP=$FROM_STEP"
say "SHIFTER_RUNTIME=$SHIFTER_RUNTIME SHIFTER_IMAGEREQUEST=$SHIFTER_IMAGEREQUEST"
say "SHIFTER_IMAGE=$SHIFTER_IMAGE"
say "SLURM_PROCID=$SLURM_PROCID"
say "pwd=$(pwd)"
say "cache=$(ls -A /cache | wc -l) owner $(stat -c %u /cache)"
touch /out/owned-by-user
echo through-newdir > /newdir/newdir.txt
`;

const HELLO_SH = 'echo "rank $SLURM_PROCID of $SLURM_NTASKS OMP=$OMP_NUM_THREADS image=$SF_IMAGE_NAME" > /out/rank.$SLURM_PROCID\n';

function reportOf(ws: string): Map<string, string> {
  const lines = readFileSync(join(ws, 'out', 'report.txt'), 'utf8').trimEnd().split('\n');
  return new Map(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('local executor e2e: real bubblewrap and podman, a local registry @engines', function () {
  this.timeout(600_000);
  let registry: Registry | undefined;
  let base = '';
  let env: Record<string, string> = {};

  before(async function () {
    requireTools([...IMAGE_TOOLS, 'bwrap', 'podman']);
    base = makeWorkspace(tmpdir(), 'sf-local-e2e-');
    registry = await startRegistry(join(base, 'registry'));
    buildAndPush(join(base, 'images'), registry.address, [testImage('busybox:1.36'), testImage('sftest/manager:1')]);
    env = {
      SHIFTERFLOW_REGISTRY: registry.address,
      SHIFTERFLOW_IMAGE_CACHE: join(base, 'cache'),
      SHIFTERFLOW_PODMAN_ROOT: join(base, 'podman', 'root'),
      SHIFTERFLOW_PODMAN_RUNROOT: join(base, 'podman', 'run'),
      HOSTONLY: 'from-host',
      OVERRIDDEN: 'from-host',
      // Temporary files and perNodeCache directories of these runs, apart from anyone else's.
      TMPDIR: ownedDir(join(base, 'tmp')),
    };
    chmodSync(env.TMPDIR, 0o1777);
  });

  after(async () => {
    await registry?.stop();
    if (base && env.SHIFTERFLOW_PODMAN_ROOT) {
      spawnSync('podman', [...podmanGlobals(localSettings(env)), 'system', 'reset', '--force'], { stdio: 'ignore', timeout: 120_000 });
    }
    if (base) rmSync(base, { recursive: true, force: true });
  });

  for (const engine of ['bwrap', 'podman'] as const) {
    describe(engine, () => {
      const run = (ws: string, file: string, extra: Record<string, string> = {}) => cli(ws, ['run', file], { ...env, SHIFTERFLOW_ENGINE: engine, ...extra });
      const ok = (ws: string, file: string) => {
        const r = run(ws, file);
        assert.equal(r.code, 0, `${r.stderr}\n${runDirs(ws).length ? allLogs(lastRun(ws)) : ''}`);
        return r;
      };

      it('runs examples/hello.yaml in the image, as the user, and says which engine and user', () => {
        const ws = makeWorkspace(base);
        const r = ok(ws, join(ROOT, 'examples', 'hello.yaml'));
        assert.match(log(lastRun(ws), 'hello.1.out'), /^hello from \S+\n$/);
        const events = journalOf(lastRun(ws));
        assert.ok(events.some((e) => e.type === 'message' && e.text.startsWith(`local engine ${engine}:`)), r.stderr);
        const images = events.filter((e) => e.type === 'image');
        assert.deepEqual(images.at(-1)?.type === 'image' && [images.at(-1)!.ref, (images.at(-1) as { status: string }).status], ['docker:busybox:1.36', 'READY']);
        if (process.getuid?.() === 0) assert.ok(events.some((e) => e.type === 'message' && /containers run as nobody \(uid 65534/.test(e.text)), 'the root substitution is announced');
      });

      if (engine === 'bwrap') {
        it('needs neither skopeo nor umoci: the image is read from the registry and unpacked by shifterflow', () => {
          // skopeo and umoci shadowed on the PATH by scripts that leave a marker and fail.
          const ws = makeWorkspace(base);
          const shadow = join(ws, 'shadow-bin');
          const marker = join(ws, 'shadowed-tool-ran');
          mkdirSync(shadow);
          for (const tool of ['skopeo', 'umoci']) writeFileSync(join(shadow, tool), `#!/bin/sh\necho "${tool} $*" >> '${marker}'\nexit 99\n`, { mode: 0o755 });
          const extra = { PATH: `${shadow}:${process.env.PATH}`, SHIFTERFLOW_IMAGE_CACHE: join(ws, 'fresh-cache') };
          const hello = run(ws, join(ROOT, 'examples', 'hello.yaml'), extra);
          assert.equal(hello.code, 0, `${hello.stderr}\n${runDirs(ws).length ? allLogs(lastRun(ws)) : ''}`);
          assert.match(log(lastRun(ws), 'hello.1.out'), /^hello from \S+\n$/);
          // The same job reading a file only the image has: it ran in the unpacked image.
          // (in a workspace of its own: two runs in one second would not sort by run id)
          const ws2 = makeWorkspace(base);
          const inImage = join(ws2, 'in-image.yaml');
          writeFileSync(inImage, readFileSync(join(ROOT, 'examples', 'hello.yaml'), 'utf8').replace(/command: .*/, 'command: cat /etc/image-release'));
          const r = run(ws2, inImage, extra);
          assert.equal(r.code, 0, `${r.stderr}\n${runDirs(ws2).length ? allLogs(lastRun(ws2)) : ''}`);
          assert.equal(log(lastRun(ws2), 'hello.1.out'), 'shifterflow test image\n');
          assert.equal(existsSync(marker), false, `a shadowed tool ran: ${existsSync(marker) ? readFileSync(marker, 'utf8') : ''}`);
          assert.equal(readdirSync(join(ws, 'fresh-cache')).filter((d) => !d.startsWith('.')).length, 1, 'one unpacked image, no temporary directory left');
          assert.deepEqual(readdirSync(join(ws, 'fresh-cache')).filter((d) => d.startsWith('.tmp-')), []);
        });
      }

      describe('what Shifter guarantees inside the container', () => {
        let ws = '';
        let report = new Map<string, string>();
        let out = '';
        before(() => {
          ws = makeWorkspace(base);
          ownedDir(join(ws, 'out'));
          ownedDir(join(ws, 'data'));
          writeFileSync(join(ws, 'data', 'check.sh'), CHECK_SH, { mode: 0o644 });
          ok(ws, fixture(ws, 'semantics.yaml'));
          report = reportOf(ws);
          out = log(lastRun(ws), 'inside.1.out');
        });

        it('runs as the user (never root)', () => {
          assert.equal(report.get('id'), `${CONTAINER_UID}:${CONTAINER_UID === 65534 ? 65534 : process.getgid!()}`);
        });
        it('the image is read-only; volumes and /tmp are writable', () => {
          for (const p of ['/', '/bin', '/etc', '/var', '/opt/app']) assert.equal(report.get(`write ${p}`), 'no', p);
          for (const p of ['/out', '/tmp', '/newdir', '/cache']) assert.equal(report.get(`write ${p}`), 'yes', p);
        });
        it('a file written to a volume belongs to the running user on the host', () => {
          assert.equal(statSync(join(ws, 'out', 'owned-by-user')).uid, CONTAINER_UID);
        });
        it('/etc has the site passwd (the user only) and hosts over the image files; /var is not the image one', () => {
          assert.equal(report.get('passwd')!.split('\n').length, 1);
          assert.match(report.get('passwd')!, new RegExp(`^[^:]+:x:${CONTAINER_UID}:`));
          assert.equal(report.get('hosts-from-image'), '0');
          assert.equal(report.get('image-release'), 'shifterflow test image');
          assert.doesNotMatch(report.get('var')!, /lib/);
          assert.match(report.get('var')!, /tmp/);
        });
        it('the image ENV overrides the host, PATH included; step env arrives intact', () => {
          assert.equal(report.get('IMAGE_ONLY'), 'from-image OVERRIDDEN=from-image HOSTONLY=from-host');
          assert.equal(report.get('PATH'), '/usr/local/bin:/bin:/image/bin');
          assert.equal(report.get('FROM_STEP'), "a b;$(c) 'd'");
        });
        it('SHIFTER_RUNTIME, SHIFTER_IMAGEREQUEST, SHIFTER_IMAGE and the Slurm task variables are set', () => {
          assert.equal(report.get('SHIFTER_RUNTIME'), '1 SHIFTER_IMAGEREQUEST=docker:busybox:1.36');
          assert.match(report.get('SHIFTER_IMAGE')!, /^[0-9a-f]{64}$/);
          assert.equal(report.get('SLURM_PROCID'), '0');
        });
        it('starts in the job directory, as Shifter stays in the current directory', () => {
          assert.equal(report.get('pwd'), ws);
        });
        it('a missing volume target whose parent is in the image is created', () => {
          assert.equal(readFileSync(join(ws, 'out', 'newdir.txt'), 'utf8'), 'through-newdir\n');
        });
        it('perNodeCache is a fresh, empty, writable directory of the user, gone after the run', () => {
          assert.equal(report.get('cache'), `0 owner ${CONTAINER_UID}`);
        });
        it('the ENTRYPOINT runs only when asked', () => {
          assert.deepEqual(out.trim().split('\n'), ['ENTRYPOINT-RAN from-step', 'plain']);
        });
      });

      it('manager/worker: a background step in its own image beside a 3-task step', () => {
        const ws = makeWorkspace(base);
        ownedDir(join(ws, 'out'));
        ok(ws, fixture(ws, 'manager-worker.yaml'));
        assert.equal(readFileSync(join(ws, 'out', 'manager.txt'), 'utf8'), 'sftest/manager started\nsftest/manager saw worker 2\n');
        for (const rank of [0, 1, 2]) assert.equal(readFileSync(join(ws, 'out', `worker.${rank}`), 'utf8'), `busybox rank ${rank} of 3\n`);
      });

      it('examples/files.yaml: a pipeline ordered by its files alone; paths through volumes as the image sees them', () => {
        const ws = makeWorkspace(base);
        const ex = ownedDir(join(ws, 'examples'));
        ownedDir(join(ex, 'files-data'));
        writeFileSync(join(ex, 'files.yaml'), readFileSync(join(ROOT, 'examples', 'files.yaml')));
        writeFileSync(join(ex, 'files-data', 'words.txt'), readFileSync(join(ROOT, 'examples', 'files-data', 'words.txt')), { mode: 0o644 });
        ownedDir(join(ex, 'files-out'));
        ok(ws, join(ex, 'files.yaml'));
        assert.equal(readFileSync(join(ex, 'files-out', 'report.txt'), 'utf8'), 'most frequent words:\n      3 the\n      1 quick\n      1 over\n');
        // Through volumes: the command is given /in/... and /out/..., the host gets the files.
        ownedDir(join(ws, 'in'));
        ownedDir(join(ws, 'out'));
        writeFileSync(join(ws, 'in', "it's.txt"), 'payload\n', { mode: 0o644 });
        const wf = `version: 1\nname: vols\nprofile: local\nimages:\n  box: docker:busybox:1.36\nvolumes:\n  in: { source: ${ws}/in, target: /in, readOnly: true }\n  out: { source: ${ws}/out, target: /out }\njobs:\n  use:\n    image: box\n    volumes: [out]\n    inputs: { c: out/copy.txt }\n    command: sh -c 'echo "$1" > /out/seen.txt; cat "$1" >> /out/seen.txt' sh \${{ inputs.c }}\n  copy:\n    image: box\n    volumes: [in, out]\n    inputs: { i: "in/it's.txt" }\n    outputs: { o: out/copy.txt }\n    command: sh -c 'cp "$1" "$2"' sh \${{ inputs.i }} \${{ outputs.o }}\n`;
        writeFileSync(join(ws, 'vols.yaml'), wf);
        ok(ws, join(ws, 'vols.yaml'));
        assert.equal(readFileSync(join(ws, 'out', 'seen.txt'), 'utf8'), '/out/copy.txt\npayload\n');
      });

      it('matrix: a DAG with an array job, read-only inputs and a serial summary', () => {
        const ws = makeWorkspace(base);
        ownedDir(join(ws, 'out'));
        ownedDir(join(ws, 'data'));
        writeFileSync(join(ws, 'data', 'input.txt'), 'a\nb\nc\n', { mode: 0o644 });
        ok(ws, fixture(ws, 'matrix.yaml'));
        assert.equal(readFileSync(join(ws, 'out', 'index.txt'), 'utf8'), '3\ndata-readonly\n');
        assert.equal(readFileSync(join(ws, 'out', 'summary.txt'), 'utf8'), 'alpha/1 in busybox\nalpha/2 in busybox\ngamma ray/1 in busybox\ngamma ray/2 in busybox\n');
        assert.ok(!existsSync(join(ws, 'data', 'written')));
      });

      it('mpi shape: one step of 4 tasks, each with its rank and the step env', () => {
        const ws = makeWorkspace(base);
        ownedDir(join(ws, 'out'));
        ownedDir(join(ws, 'code'));
        writeFileSync(join(ws, 'code', 'hello.sh'), HELLO_SH, { mode: 0o644 });
        ok(ws, fixture(ws, 'mpi.yaml'));
        for (const rank of [0, 1, 2, 3]) assert.equal(readFileSync(join(ws, 'out', `rank.${rank}`), 'utf8'), `rank ${rank} of 4 OMP=1 image=busybox\n`);
      });

      it('perNodeCache: kept across the steps of an exclusive job, fresh for each container of a shared one', () => {
        const ws = makeWorkspace(base);
        ownedDir(join(ws, 'out'));
        ok(ws, fixture(ws, 'pernodecache.yaml'));
        assert.equal(readFileSync(join(ws, 'out', 'stage-before.txt'), 'utf8'), '0\n');
        assert.equal(readFileSync(join(ws, 'out', 'scratch-stat.txt'), 'utf8'), `${CONTAINER_UID} 700\n`);
        assert.equal(readFileSync(join(ws, 'out', 'found.txt'), 'utf8'), 'needle\n');
        assert.equal(readFileSync(join(ws, 'out', 'shared-second.txt'), 'utf8'), '0\n');
        const root = join(env.TMPDIR, `shifterflow-scratch-${process.getuid?.()}`);
        assert.deepEqual(readdirSync(root), [], 'no perNodeCache directory is left behind');
      });

      it('serial job on the shared qos: no srun, starts in its workdir volume', () => {
        const ws = makeWorkspace(base);
        ownedDir(join(ws, 'out'));
        writeFileSync(join(ws, 'out', 'raw.csv'), 'a,b\n', { mode: 0o644 });
        ok(ws, fixture(ws, 'serial-shared.yaml'));
        assert.equal(readFileSync(join(ws, 'out', 'converted.txt'), 'utf8'), '/output\nA,B\n');
        assert.doesNotMatch(readFileSync(join(lastRun(ws), 'scripts', 'convert.sbatch'), 'utf8'), /^srun /m);
      });

      it('a volume on a reserved target is refused before anything runs', () => {
        const ws = makeWorkspace(base);
        ownedDir(join(ws, 'out'));
        const r = run(ws, fixture(ws, 'reserved.yaml'));
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /\/etc\/app.*reserved/);
        assert.ok(runDirs(ws).every((d) => !journalOf(d).some((e) => e.type === 'job-submitted')), 'no job was submitted');
        assert.ok(!existsSync(join(ws, 'out', 'ran')));
      });

      it('a volume source that is missing, or a file, is refused before anything runs', () => {
        const ws = makeWorkspace(base);
        writeFileSync(join(ws, 'a-file'), '');
        for (const source of [join(ws, 'nope'), join(ws, 'a-file')]) {
          const r = run(ws, fixture(ws, 'missing-source.yaml', { SOURCE: source }));
          assert.equal(r.code, 1, r.stderr);
          assert.match(r.stderr, source.endsWith('nope') ? /FAILED to find real path for volume "from"/ : /FAILED "from" location is not directory/);
        }
        assert.ok(runDirs(ws).every((d) => !journalOf(d).some((e) => e.type === 'job-submitted')), 'no job was submitted');
      });

      it('an image the registry lacks stops the run with the reason: no fallback, nothing runs', () => {
        const ws = makeWorkspace(base);
        writeFileSync(join(ws, 'wf.yaml'), 'version: 1\nname: nope\nprofile: local\njobs:\n  j:\n    image: docker:sftest/absent:9\n    command: echo ran\n');
        const r = run(ws, 'wf.yaml');
        assert.equal(r.code, 1);
        assert.match(r.stderr, new RegExp(`engine ${engine} cannot prepare the images: .*sftest/absent:9`));
        const events = journalOf(lastRun(ws));
        assert.ok(!events.some((e) => e.type === 'job-submitted'));
        assert.ok(events.some((e) => e.type === 'image' && e.status === 'FAILURE'));
      });
    });
  }

  describe('auto (the embedded default)', () => {
    it('picks bwrap when the registry serves the image, and says so', () => {
      const ws = makeWorkspace(base);
      const r = cli(ws, ['run', '--json', join(ROOT, 'examples', 'hello.yaml')], { ...env, SHIFTERFLOW_ENGINE: undefined });
      assert.equal(r.code, 0, r.stderr);
      const message = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.type === 'message' && e.level === 'info');
      assert.match(message.text, /^local engine bwrap: bubblewrap .*chosen by auto: bwrap > podman > docker > none/);
    });

    it('falls to none, with the warning, when no engine can prepare the image', () => {
      const ws = makeWorkspace(base);
      writeFileSync(join(ws, 'wf.yaml'), 'version: 1\nname: nope\njobs:\n  j:\n    image: docker:sftest/absent:9\n    command: echo ran on the host\n');
      const r = cli(ws, ['run', 'wf.yaml'], { ...env, SHIFTERFLOW_ENGINE: undefined });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /info: local engine none \(the last choice of auto.*not bwrap: .*not podman: /);
      assert.match(r.stderr, /warning: local engine "none": commands run on this machine without isolation/);
      assert.equal(log(lastRun(ws), 'j.1.out'), 'ran on the host\n');
    });
  });
});
