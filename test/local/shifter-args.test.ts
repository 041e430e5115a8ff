import assert from 'node:assert/strict';
import { parseShifterArgs } from '../../runner/local/shifter-args';
import { commandArgv, siteMount } from '../../runner/local/container-spec';

describe('local: shifter options and the command', () => {
  it('reads Shifter options up to the first non-option', () => {
    const a = parseShifterArgs(['--image=docker:a:1', '-V', '/a:/x', '--volume=/b:/y', '-e', 'A=1', '--env=B=2', '--env-file=/f', '--workdir=/w', '--entrypoint', '-E', '-v', 'prog', '--image=not-an-option']);
    assert.equal(a.image, 'docker:a:1');
    assert.deepEqual(a.volumes, ['/a:/x', '/b:/y']);
    assert.deepEqual(a.env, ['A=1', 'B=2']);
    assert.deepEqual(a.envFiles, ['/f']);
    assert.equal(a.workdir, '/w');
    assert.equal(a.entrypoint, true);
    assert.equal(a.clearenv, true);
    assert.deepEqual(a.command, ['prog', '--image=not-an-option']);
  });

  it('bare --workdir, --entrypoint=PROG, -- ends the options, unknown options fail', () => {
    const a = parseShifterArgs(['-w', '--entrypoint=/bin/run', '--', '-x']);
    assert.equal(a.workdir, true);
    assert.equal(a.entrypoint, '/bin/run');
    assert.deepEqual(a.command, ['-x']);
    assert.throws(() => parseShifterArgs(['--bogus']), /unrecognized option/);
    assert.throws(() => parseShifterArgs(['--image']), /requires an argument/);
  });

  it('ENTRYPOINT only when asked; /bin/sh when there is nothing to run', () => {
    const config = { env: [], entrypoint: ['/ep', 'x'], cmd: ['/cmd'], workdir: '' };
    assert.deepEqual(commandArgv(['a', 'b'], undefined, config), ['a', 'b']);
    assert.deepEqual(commandArgv(['a'], true, config), ['/ep', 'x', 'a']);
    assert.deepEqual(commandArgv(['a'], '/other --flag', config), ['/other', '--flag', 'a']);
    assert.deepEqual(commandArgv([], undefined, config), ['/bin/sh']);
  });

  it('the job directory is mounted at its own path unless Shifter builds it or no engine can carry it', () => {
    assert.deepEqual(siteMount('/home/alice/run'), { kind: 'site', source: '/home/alice/run', target: '/home/alice/run', readOnly: false });
    for (const d of [undefined, '/', '/etc/x', '/var/lib/x', '/tmp/ws', '/proc/1', '/a:b', '/a,b', 'relative']) assert.equal(siteMount(d), undefined, String(d));
  });
});
