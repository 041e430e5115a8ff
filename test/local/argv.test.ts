// The argv builders of the local engines: every value of the spec reaches the engine as ONE argv
// element, unchanged (no shell ever reads it), in the places Shifter's semantics need.

import assert from 'node:assert/strict';
import { containerEnvironment } from '../../runner/local/container-env';
import { bwrapArgs } from '../../runner/local/engines/bwrap';
import { dockerRunArgs } from '../../runner/local/engines/docker';
import { podmanGlobals, podmanRunArgs } from '../../runner/local/engines/podman';
import { ContainerSetupError } from '../../runner/local/engines/types';
import { localSettings } from '../../runner/local/settings';
import { HOSTILE, specWith } from './support/spec';

const settings = localSettings({ SHIFTERFLOW_PODMAN_ROOT: '/s/root', SHIFTERFLOW_PODMAN_RUNROOT: '/s/run' }, 1000);

const IMAGE = 'a'.repeat(64);

/** The value that follows `flag` each time it appears among the options (before the image or `--`). */
function valuesOf(args: string[], flag: string): string[] {
  const end = [args.indexOf(IMAGE), args.indexOf('--')].filter((i) => i >= 0);
  const options = args.slice(0, end.length ? Math.min(...end) : args.length);
  return options.flatMap((a, i) => (a === flag ? [options[i + 1]] : []));
}

describe('local engines: podman argv', () => {
  it('has the flags that work here, Shifter semantics, the image and the command last', () => {
    const a = podmanRunArgs(specWith(), settings, false);
    assert.deepEqual(a.slice(0, 10), ['--runtime', 'runc', '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', '--root', '/s/root', '--runroot', '/s/run']);
    assert.equal(a[10], 'run');
    for (const f of ['--rm', '--read-only', '--read-only-tmpfs=false', '--log-driver=passthrough', '--network=host', '--ipc=host', '--pid=host']) assert.ok(a.includes(f), f);
    assert.deepEqual(valuesOf(a, '--ulimit'), ['nofile=1024:1024', 'nproc=4096:4096']);
    assert.deepEqual(valuesOf(a, '--user'), ['1000:1000']);
    assert.deepEqual(valuesOf(a, '--entrypoint'), ['']);
    assert.deepEqual(valuesOf(a, '--tmpfs'), ['/var:rw,mode=755,notmpcopyup']);
    assert.deepEqual(valuesOf(a, '-v'), ['/tmp/etc/hosts:/etc/hosts:ro', '/tmp/etc/passwd:/etc/passwd:ro', '/tmp:/tmp', '/data/in:/in:ro', '/data/out:/out']);
    assert.deepEqual(valuesOf(a, '--workdir'), ['/out']);
    assert.deepEqual(valuesOf(a, '--env'), ['PATH=/bin', 'SLURM_PROCID=0']);
    assert.deepEqual(a.slice(-4), ['a'.repeat(64), 'sh', '-c', 'echo hi']);
    assert.ok(!a.includes('--userns=keep-id'));
  });

  it('rootless: maps the user to its own uid (keep-id)', () => {
    const a = podmanRunArgs(specWith(), settings, true);
    assert.ok(a.includes('--userns=keep-id'));
    assert.ok(a.indexOf('--userns=keep-id') < a.indexOf('a'.repeat(64)));
  });

  it('podman globals without own storage', () => {
    assert.deepEqual(podmanGlobals(localSettings({}, 1000)), ['--runtime', 'runc', '--cgroup-manager', 'cgroupfs', '--events-backend', 'file']);
  });

  it('hostile env values, paths and commands stay single argv elements', () => {
    const env = HOSTILE.map((v, i): [string, string] => [`V${i}`, v]);
    const mounts = HOSTILE.filter((v) => !v.includes('\n')).map((v, i) => ({ kind: 'volume' as const, source: `/src/${v}`, target: `/dst${i}`, readOnly: false }));
    const a = podmanRunArgs(specWith({ env, mounts, argv: HOSTILE, workdir: '/w $(x)' }), settings, false);
    assert.deepEqual(valuesOf(a, '--env'), HOSTILE.map((v, i) => `V${i}=${v}`));
    assert.deepEqual(valuesOf(a, '-v').slice(2), mounts.map((m) => `${m.source}:${m.target}`));
    assert.deepEqual(valuesOf(a, '--workdir'), ['/w $(x)']);
    assert.deepEqual(a.slice(-HOSTILE.length), HOSTILE);
  });

  it('refuses a path with ":" (it would split the volume)', () => {
    assert.throws(() => podmanRunArgs(specWith({ mounts: [{ kind: 'volume', source: '/a:b', target: '/x', readOnly: false }] }), settings, false), ContainerSetupError);
  });
});

describe('local engines: docker argv', () => {
  it('is podman without podman\'s own options', () => {
    const a = dockerRunArgs(specWith());
    assert.equal(a[0], 'run');
    for (const f of ['--runtime', '--cgroup-manager', '--events-backend', '--root', '--read-only-tmpfs=false', '--log-driver=passthrough', '--userns=keep-id']) assert.ok(!a.includes(f), f);
    for (const f of ['--rm', '--read-only', '--network=host']) assert.ok(a.includes(f), f);
    assert.deepEqual(valuesOf(a, '--user'), ['1000:1000']);
    assert.deepEqual(valuesOf(a, '--entrypoint'), ['']);
    assert.deepEqual(valuesOf(a, '--tmpfs'), ['/var:rw,mode=755']);
    assert.deepEqual(valuesOf(a, '--ulimit'), ['nofile=1024:1024', 'nproc=4096:4096']);
    assert.deepEqual(a.slice(-4), ['a'.repeat(64), 'sh', '-c', 'echo hi']);
  });

  it("each task's Slurm variables (srun sets them per task) reach the container, then /bin/sh -c and the whole command", () => {
    // No docker daemon answers on this machine: the argv is what can be checked (bwrap and podman run for real in command-in-image.test.ts).
    const user = specWith().user;
    for (const rank of ['0', '3']) {
      const host = { PATH: '/usr/bin', SLURM_PROCID: rank, SLURM_LOCALID: rank, SLURM_NODEID: '0', SLURM_NTASKS: '4' };
      const env = containerEnvironment({ host, clearenv: false, user, imageEnv: ['PATH=/bin'], fileEnv: [], optionEnv: [], imageId: 'i', imageRequest: 'docker:busybox:1.36' });
      const a = dockerRunArgs(specWith({ env, argv: ['/bin/sh', '-c', 'echo $SLURM_PROCID > /out/$SLURM_LOCALID'] }));
      for (const kv of [`SLURM_PROCID=${rank}`, `SLURM_LOCALID=${rank}`, 'SLURM_NODEID=0', 'SLURM_NTASKS=4']) assert.ok(valuesOf(a, '--env').includes(kv), kv);
      assert.deepEqual(a.slice(-3), ['/bin/sh', '-c', 'echo $SLURM_PROCID > /out/$SLURM_LOCALID']);
    }
  });

  it('hostile values stay single argv elements', () => {
    const a = dockerRunArgs(specWith({ env: HOSTILE.map((v, i): [string, string] => [`V${i}`, v]), argv: HOSTILE }));
    assert.deepEqual(valuesOf(a, '--env'), HOSTILE.map((v, i) => `V${i}=${v}`));
    assert.deepEqual(a.slice(-HOSTILE.length), HOSTILE);
  });
});

describe('local engines: bwrap argv', () => {
  it('a user namespace of the user, the file system, the directory, exactly the spec env, then the command', () => {
    const a = bwrapArgs(specWith(), ['--ro-bind', '/r/bin', '/bin', '--remount-ro', '/']);
    assert.deepEqual(a.slice(0, 6), ['--unshare-user', '--uid', '1000', '--gid', '1000', '--die-with-parent']);
    assert.deepEqual(a.slice(6, 11), ['--ro-bind', '/r/bin', '/bin', '--remount-ro', '/']);
    assert.deepEqual(valuesOf(a, '--chdir'), ['/out']);
    assert.ok(a.includes('--clearenv') && a.indexOf('--clearenv') < a.indexOf('--setenv'));
    assert.deepEqual(a.slice(a.indexOf('--') + 1), ['sh', '-c', 'echo hi']);
    for (const f of ['--unshare-pid', '--unshare-net', '--unshare-ipc']) assert.ok(!a.includes(f), `Shifter has no ${f.slice(10)} namespace`);
  });

  it('hostile names, values and commands stay single argv elements; the command follows --', () => {
    const env = HOSTILE.map((v, i): [string, string] => [`V${i}`, v]);
    const a = bwrapArgs(specWith({ env, argv: HOSTILE, workdir: '/a b/$(c)' }), []);
    const set = a.flatMap((x, i) => (x === '--setenv' ? [[a[i + 1], a[i + 2]]] : []));
    assert.deepEqual(set, env);
    assert.deepEqual(valuesOf(a, '--chdir'), ['/a b/$(c)']);
    assert.deepEqual(a.slice(a.indexOf('--') + 1), HOSTILE);
  });
});
