// The image rules over real tar streams (layers packed, gzipped and read back), one image per
// finding plus a clean one; workflow uses (MPI, entrypoint, commands, volumes) as the validator gives them.

import assert from 'node:assert/strict';
import { checkFacts } from '../../runner/imagecheck/check-facts';
import type { CheckContext, ImageUse } from '../../runner/imagecheck/check-context';
import { commandProgram } from '../../runner/imagecheck/check-context';
import { factsCache } from '../../runner/imagecheck/facts-cache';
import { checkImage } from '../../runner/imagecheck/check-image';
import { scanImage } from '../../runner/imagecheck/scan-image';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseLayer, fixtureImages } from './fixture-images';
import { localSource } from './local-source';
import type { FileSpec, ImageSpec } from './push-image';

async function findings(spec: ImageSpec, context: CheckContext = {}) {
  return checkFacts(await scanImage(await localSource(spec)), context);
}

const use = (over: Partial<ImageUse>): ImageUse => ({ job: 'j', mpi: false, entrypoint: false, commands: ['python3 run.py'], workdirs: [], volumeTargets: [], ...over });

describe('image check rules over streamed layers', () => {
  const images = fixtureImages('unit');

  it('finds nothing in the clean image (context-free and for a plain job)', async () => {
    assert.deepEqual(await findings(images.clean.spec), []);
    assert.deepEqual(await findings(images.clean.spec, { uses: [use({ commands: ['tool --go', 'python3 x.py'] })] }), []);
  });

  for (const [name, fixture] of Object.entries(images)) {
    if (!fixture.expect) continue;
    it(`${name}: reports ${fixture.expect.code} with its paths`, async () => {
      const all = await findings(fixture.spec);
      const f = all.filter((x) => x.code === fixture.expect!.code);
      assert.equal(f.length, 1, JSON.stringify(all));
      assert.deepEqual(f[0].paths, fixture.expect!.paths);
      assert.ok(f[0].fix.length > 10);
      // nothing else (a program only root can run is also a file others cannot read: SI002)
      const alsoExpected: string[] = name === 'SI001' ? ['SI002'] : [];
      assert.deepEqual(all.map((x) => x.code).filter((c) => c !== fixture.expect!.code), alsoExpected, JSON.stringify(all));
    });
  }

  it('applies whiteouts and opaque directories across layers', async () => {
    assert.deepEqual(await findings(images.whiteouts.spec), []);
  });

  it('reads a newer glibc version inside libc.so.6 (2.35: no SI007), and an old one from the versioned name', async () => {
    const facts = await scanImage(await localSource(images.SI007new.spec));
    assert.deepEqual(facts.captured['/usr/lib/x86_64-linux-gnu/libc.so.6'], { kind: 'glibc-version', version: '2.35' });
    assert.deepEqual(checkFacts(facts, { mpi: true }).map((f) => f.code), ['SI009']);
    const old = await findings(images.SI007.spec, { mpi: true });
    assert.equal(old.find((f) => f.code === 'SI007')?.severity, 'error');
  });

  it('SI009: an MPI job without libmpi.so.12 in the search path is an error; one in /usr/local/lib (ld.so.conf) is found', async () => {
    const f = await findings(images.clean.spec, { uses: [use({ job: 'sim', mpi: true })] });
    assert.deepEqual(f.map((x) => [x.code, x.severity]), [['SI009', 'error']]);
    assert.match(f[0].message, /MPI job sim/);
    const withMpi: ImageSpec = { ...images.clean.spec, layers: [...images.clean.spec.layers, [{ path: '/usr/local/lib/libmpi.so.12', content: 'ELF' }, { path: '/etc/ld.so.cache', content: 'new' }]] };
    assert.deepEqual(await findings(withMpi, { uses: [use({ mpi: true })] }), []);
    // Debian's MPICH (and what links against it) names the same ABI libmpich.so.12.
    const withMpich: ImageSpec = { ...images.clean.spec, layers: [...images.clean.spec.layers, [{ path: '/usr/lib/x86_64-linux-gnu/libmpich.so.12', content: 'ELF' }]] };
    assert.deepEqual(await findings(withMpich, { uses: [use({ mpi: true })] }), []);
  });

  it('SI010 with an MPI job: the distribution MPICH is a warning', async () => {
    const f = await findings(images.SI010.spec, { uses: [use({ mpi: true })] });
    assert.deepEqual(f.map((x) => [x.code, x.severity]), [['SI010', 'warning']]);
  });

  it('SI011 names the jobs that run the image without entrypoint:', async () => {
    const f = await findings(images.SI011.spec, { uses: [use({ job: 'a' }), use({ job: 'b', entrypoint: true })] });
    assert.deepEqual(f.map((x) => x.code), ['SI011']);
    assert.match(f[0].message, /\["\/usr\/local\/bin\/entry.sh"\] is not run for job a \(/);
    assert.deepEqual(await findings(images.SI011.spec, { uses: [use({ entrypoint: true })] }), []);
  });

  it('SI001 on a command program and its directories; SI018 for a program the image lacks', async () => {
    const spec: ImageSpec = { ...images.clean.spec, layers: [...images.clean.spec.layers, [{ path: '/opt', type: 'directory', mode: 0o700 }, { path: '/opt/sim', type: 'directory', mode: 0o755 }, { path: '/opt/sim/run', content: 'x', mode: 0o755 }]] };
    const f = await findings(spec, { uses: [use({ commands: ['OMP=1 /opt/sim/run --fast', 'nosuchprog x', '/code/mine.sh'], volumeTargets: ['/code'] })] });
    assert.deepEqual(f.map((x) => [x.code, x.paths]), [['SI001', ['/opt']], ['SI002', ['/opt']], ['SI018', ['nosuchprog']]]);
  });

  describe('SI019: a command under /bin/sh -c in an image without a shell', () => {
    const redirect = use({ job: 'write', commands: ['tool > /out/x'], shell: 'a redirect (>)', at: ['jobs', 'write', 'command'] });
    const plain = use({ job: 'plain', commands: ['/usr/local/bin/tool --go'] });
    const tool = { path: '/usr/local/bin/tool', content: '\x7fELF', mode: 0o755 };
    const noShell: ImageSpec = { name: 'x:1', layers: [[{ path: '/usr', type: 'directory' }, { path: '/usr/local', type: 'directory' }, { path: '/usr/local/bin', type: 'directory' }, tool]], config: { Env: ['PATH=/usr/local/bin'] } };
    const si019 = async (spec: ImageSpec, uses: ImageUse[]) => (await findings(spec, { uses })).filter((f) => f.code === 'SI019');

    it('no /bin/sh: an error for the command that needs it, at its command, naming why; none for the plain one', async () => {
      const f = await si019(noShell, [redirect, plain]);
      assert.equal(f.length, 1, JSON.stringify(f));
      assert.deepEqual([f[0].severity, f[0].job, f[0].at, f[0].paths], ['error', 'write', ['jobs', 'write', 'command'], ['/bin/sh']]);
      assert.match(f[0].message, /^job write: the command needs a shell \(it has a redirect \(>\)\), so it runs as \/bin\/sh -c '\.\.\.' inside the image, and the image has no \/bin\/sh$/);
      assert.match(f[0].fix, /busybox/);
      assert.match(f[0].fix, /without shell syntax/);
      // A check without a workflow (images check) has no commands to judge.
      assert.deepEqual(await si019(noShell, []), []);
      assert.deepEqual((await findings(noShell)).filter((x) => x.code === 'SI019'), []);
    });

    it('a /bin/sh link left pointing at nothing by a later whiteout', async () => {
      const spec: ImageSpec = { ...noShell, layers: [[...noShell.layers[0], { path: '/bin', type: 'directory' }, { path: '/bin/busybox', content: 'ELF', mode: 0o755 }, { path: '/bin/sh', type: 'symlink', linkname: 'busybox' }], [{ path: '/bin/.wh.busybox' }]] };
      const f = await si019(spec, [redirect]);
      assert.equal(f.length, 1);
      assert.match(f[0].message, /and \/bin\/sh is a link to nothing: it resolves to \/bin\/busybox, which is not in the image$/);
      // Without the whiteout the same link is a shell.
      assert.deepEqual(await si019({ ...spec, layers: [spec.layers[0]] }, [redirect]), []);
    });

    it('a /bin/sh only root may run, or a directory, is no shell; a hard link to busybox or a usr-merged /bin is one', async () => {
      const withSh = (extra: FileSpec[]): ImageSpec => ({ ...noShell, layers: [[...noShell.layers[0], ...extra]] });
      const rootOnly = await si019(withSh([{ path: '/bin', type: 'directory' }, { path: '/bin/sh', content: 'ELF', mode: 0o700 }]), [redirect]);
      assert.match(rootOnly[0]?.message ?? '', /\/bin\/sh has mode 0700: not executable by the job's user$/);
      const dir = await si019(withSh([{ path: '/bin', type: 'directory' }, { path: '/bin/sh', type: 'directory' }]), [redirect]);
      assert.match(dir[0]?.message ?? '', /\/bin\/sh is a directory, not a program$/);
      const closed = await si019(withSh([{ path: '/bin', type: 'directory', mode: 0o700 }, { path: '/bin/sh', content: 'ELF', mode: 0o755 }]), [redirect]);
      assert.match(closed[0]?.message ?? '', /lies under \/bin \(mode 0700\), which the job's user cannot traverse$/);
      assert.deepEqual(await si019(withSh([{ path: '/bin', type: 'directory' }, { path: '/bin/busybox', content: 'ELF', mode: 0o755 }, { path: '/bin/sh', type: 'link', linkname: 'bin/busybox' }]), [redirect]), []);
      // A hard link keeps the data when a later layer deletes the other name.
      const hard: ImageSpec = { ...noShell, layers: [[...noShell.layers[0], { path: '/bin', type: 'directory' }, { path: '/bin/busybox', content: 'ELF', mode: 0o755 }, { path: '/bin/sh', type: 'link', linkname: 'bin/busybox', mode: 0o755 }], [{ path: '/bin/.wh.busybox' }]] };
      assert.deepEqual(await si019(hard, [redirect]), []);
      assert.deepEqual(await si019(withSh([{ path: '/usr/bin', type: 'directory' }, { path: '/usr/bin/dash', content: 'ELF', mode: 0o755 }, { path: '/usr/bin/sh', type: 'symlink', linkname: 'dash' }, { path: '/bin', type: 'symlink', linkname: 'usr/bin' }]), [redirect]), []);
      // The fixtures' base has /bin/sh -> /usr/bin/sh.
      assert.deepEqual(await si019(images.clean.spec, [redirect]), []);
    });
  });

  it('volume targets: a file (SI015), a link into /var (SI016), no parent (SI017); an existing dir or a creatable one is fine', async () => {
    const spec: ImageSpec = { ...images.clean.spec, layers: [...images.clean.spec.layers, [{ path: '/output', content: 'oops' }, { path: '/results', type: 'symlink', linkname: '/var/results' }]] };
    const f = await findings(spec, { uses: [use({ volumeTargets: ['/output', '/results', '/deep/er/dir', '/data', '/data/new', '/newtop'] })] });
    assert.deepEqual(f.map((x) => [x.code, x.paths]), [['SI015', ['/output']], ['SI016', ['/results']], ['SI017', ['/deep/er/dir']]]);
  });

  it('lists the first five paths with the count', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ path: `/usr/bin/s${String(i).padStart(2, '0')}`, content: 'x', mode: 0o4755 }));
    const f = await findings({ name: 'x:1', layers: [baseLayer(), many], config: { Cmd: ['sh'] } });
    assert.equal(f[0].code, 'SI012');
    assert.equal(f[0].count, 12);
    assert.deepEqual(f[0].paths, ['/usr/bin/s00', '/usr/bin/s01', '/usr/bin/s02', '/usr/bin/s03', '/usr/bin/s04']);
  });

  it('caches facts per digest: the second check opens the image but reads no layer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-ic-'));
    try {
      const cache = factsCache(dir);
      let walks = 0;
      const open = async () => {
        const s = await localSource(images.SI012.spec);
        const walk = s.walkLayers.bind(s);
        s.walkLayers = (v, o) => ((walks++), walk(v, o));
        return s;
      };
      const first = await checkImage('x', {}, { open, cache });
      const second = await checkImage('x', {}, { open, cache });
      assert.equal(walks, 1);
      assert.equal(first.cached, false);
      assert.equal(second.cached, true);
      assert.deepEqual(second.findings, first.findings);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('commandProgram skips assignments, exec and builtins', () => {
    assert.equal(commandProgram('A=1 B=2 exec python3 x.py'), 'python3');
    assert.equal(commandProgram('\n# c\n/opt/x/run "$@"'), '/opt/x/run');
    assert.equal(commandProgram('cd /work && make'), undefined);
    assert.equal(commandProgram('$TOOL run'), undefined);
  });
});
