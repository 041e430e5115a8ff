import assert from 'node:assert/strict';
import { containerEnvironment, parseAssignment } from '../../runner/local/container-env';
import type { ContainerUser } from '../../runner/local/run-as';

const alice: ContainerUser = { uid: 1000, gid: 1000, name: 'alice', home: '/home/alice', shell: '/bin/sh', substituted: false };
const nobody: ContainerUser = { uid: 65534, gid: 65534, name: 'nobody', home: '/nonexistent', shell: '/bin/false', substituted: true };

function envOf(over: Partial<Parameters<typeof containerEnvironment>[0]> = {}): Record<string, string> {
  return Object.fromEntries(
    containerEnvironment({ host: { PATH: '/lib/sf/libexec:/usr/bin', FOO: 'host', HOSTONLY: 'h', HOME: '/root', SF_LOCAL_ENGINE: 'bwrap', 'BASH_FUNC_f%%': '() { :; }', SLURM_PROCID: '3' }, clearenv: false, user: alice, imageEnv: ['PATH=/image/bin', 'FOO=image', 'IMG=1', 'junk'], fileEnv: [], optionEnv: [], imageId: 'abc', imageRequest: 'docker:x:1', dropFromPath: ['/lib/sf/libexec'], ...over }),
  );
}

describe('local: container environment (Shifter precedence)', () => {
  it('host < image ENV (PATH included) < --env-file < --env < SHIFTER_*', () => {
    const e = envOf({ fileEnv: [['FOO', 'file'], ['BAR', 'file']], optionEnv: [['BAR', 'opt'], ['SHIFTER_RUNTIME', 'no']] });
    assert.equal(e.PATH, '/image/bin');
    assert.equal(e.FOO, 'file');
    assert.equal(e.BAR, 'opt');
    assert.equal(e.HOSTONLY, 'h');
    assert.equal(e.IMG, '1');
    assert.equal(e.SLURM_PROCID, '3');
    assert.deepEqual([e.SHIFTER_RUNTIME, e.SHIFTER_IMAGE, e.SHIFTER_IMAGEREQUEST], ['1', 'abc', 'docker:x:1']);
  });

  it('drops the runner internals, names no engine can carry, and the runner libexec from PATH', () => {
    const e = envOf({ imageEnv: [] });
    assert.equal(e.SF_LOCAL_ENGINE, undefined);
    assert.equal(e['BASH_FUNC_f%%'], undefined);
    assert.equal(e.PATH, '/usr/bin');
  });

  it('--clearenv starts from nothing', () => {
    const e = envOf({ clearenv: true, imageEnv: [] });
    assert.deepEqual(Object.keys(e).sort(), ['SHIFTER_IMAGE', 'SHIFTER_IMAGEREQUEST', 'SHIFTER_RUNTIME']);
  });

  it('a user standing in for root gets its own HOME, USER, LOGNAME', () => {
    const e = envOf({ user: nobody });
    assert.deepEqual([e.HOME, e.USER, e.LOGNAME], ['/nonexistent', 'nobody', 'nobody']);
    assert.equal(envOf().HOME, '/root');
  });

  it('NAME=VALUE parsing (the value may hold anything)', () => {
    assert.deepEqual(parseAssignment('A=b=c $(d)'), ['A', 'b=c $(d)']);
    assert.equal(parseAssignment('=x'), undefined);
    assert.equal(parseAssignment('noequals'), undefined);
    assert.equal(parseAssignment('1A=x'), undefined);
  });
});
