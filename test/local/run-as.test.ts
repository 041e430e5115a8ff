import assert from 'node:assert/strict';
import { containerUser, RunAsError } from '../../runner/local/run-as';
import type { PasswdEntry } from '../../runner/local/users';

const users: PasswdEntry[] = [
  { name: 'alice', uid: 1000, gid: 100, gecos: '', home: '/home/alice', shell: '/bin/bash' },
  { name: 'nobody', uid: 65534, gid: 65534, gecos: '', home: '/nonexistent', shell: '/usr/sbin/nologin' },
];
const byUid = (uid: number) => users.find((u) => u.uid === uid);
const byName = (name: string) => users.find((u) => u.name === name);

describe('local: who the container runs as', () => {
  it('an ordinary user runs as itself', () => {
    assert.deepEqual(containerUser(1000, 100, undefined, byUid, byName), { uid: 1000, gid: 100, name: 'alice', home: '/home/alice', shell: '/bin/bash', substituted: false });
  });

  it('root runs containers as nobody, or as the configured uid, user or uid:gid', () => {
    assert.equal(containerUser(0, 0, undefined, byUid, byName).uid, 65534);
    assert.equal(containerUser(0, 0, undefined, byUid, byName).substituted, true);
    assert.deepEqual([containerUser(0, 0, '1000', byUid, byName).gid, containerUser(0, 0, 'alice', byUid, byName).uid], [100, 1000]);
    assert.deepEqual([containerUser(0, 0, '4242:77', byUid, byName).uid, containerUser(0, 0, '4242:77', byUid, byName).gid, containerUser(0, 0, '4242:77', byUid, byName).name], [4242, 77, 'uid4242']);
  });

  it('never root, never an unknown user', () => {
    assert.throws(() => containerUser(0, 0, '0', byUid, byName), RunAsError);
    assert.throws(() => containerUser(0, 0, '1000:0', byUid, byName), /never run as root/);
    assert.throws(() => containerUser(0, 0, 'mallory', byUid, byName), /no such user/);
  });
});
