// bwrap's file-system layout over an unpacked image (a small rootfs made here): the image read-only
// entry by entry, /etc and /var as Shifter builds them, mount points created where Shifter allows.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mount } from '../../runner/local/container-spec';
import { RootfsLayout } from '../../runner/local/engines/rootfs-layout';
import { ContainerSetupError } from '../../runner/local/engines/types';

const TMP = mkdtempSync(join(tmpdir(), 'sf-rootfs-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

function makeRootfs(): string {
  const r = mkdtempSync(join(TMP, 'x-'));
  for (const d of ['bin', 'usr/lib', 'usr/share', 'etc', 'var/lib', 'opt/app', 'data', 'proc', 'tmp']) mkdirSync(join(r, d), { recursive: true });
  symlinkSync('usr/lib', join(r, 'lib'));
  symlinkSync('/etc/app', join(r, 'etclink'));
  for (const f of ['bin/sh', 'usr/lib/libc.so', 'etc/passwd', 'etc/hosts', 'etc/os-release', 'var/lib/marker', 'afile']) writeFileSync(join(r, f), '');
  return r;
}

const ETC = { passwd: '/site/passwd', hosts: '/site/hosts' };
const vol = (target: string, source = '/host/src', readOnly = false): Mount => ({ kind: 'volume', source, target, readOnly });

/** Index of the op `flag A B` (or `flag A`) in the argument list. */
function opIndex(a: string[], ...op: string[]): number {
  for (let i = 0; i < a.length; i++) if (op.every((x, k) => a[i + k] === x)) return i;
  return -1;
}

describe('local: bwrap rootfs layout', () => {
  const root = makeRootfs();

  it('lays the image out read-only, builds /etc and /var, binds the host, remounts / read-only last', () => {
    const l = new RootfsLayout(root, ETC, () => true);
    l.place({ kind: 'system', source: '/tmp', target: '/tmp', readOnly: false });
    l.place({ kind: 'system', source: '/var/tmp', target: '/var/tmp', readOnly: false });
    l.place(vol('/data', '/host/in', true));
    const a = l.args();
    assert.ok(opIndex(a, '--ro-bind', join(root, 'bin'), '/bin') >= 0);
    assert.ok(opIndex(a, '--symlink', 'usr/lib', '/lib') >= 0);
    assert.ok(opIndex(a, '--symlink', '/etc/app', '/etclink') >= 0);
    assert.ok(opIndex(a, '--ro-bind', join(root, 'afile'), '/afile') >= 0);
    assert.ok(opIndex(a, '--ro-bind', join(root, 'etc/os-release'), '/etc/os-release') >= 0, 'the image /etc stays');
    assert.equal(opIndex(a, '--ro-bind', join(root, 'etc/passwd'), '/etc/passwd'), -1, 'but not its passwd');
    assert.ok(opIndex(a, '--ro-bind', '/site/passwd', '/etc/passwd') >= 0);
    assert.ok(opIndex(a, '--ro-bind', '/site/hosts', '/etc/hosts') >= 0);
    assert.ok(opIndex(a, '--dir', '/var') >= 0);
    assert.ok(!a.some((x) => x.includes('var/lib')), "the image's /var is not used");
    assert.ok(opIndex(a, '--dir', '/var/tmp') < opIndex(a, '--bind', '/var/tmp', '/var/tmp'));
    assert.ok(opIndex(a, '--bind', '/proc', '/proc') >= 0);
    assert.ok(opIndex(a, '--dev-bind', '/dev', '/dev') >= 0);
    assert.ok(opIndex(a, '--ro-bind', '/host/in', '/data') >= 0);
    assert.ok(!a.some((x, i) => a[i - 1] === '--ro-bind' && x === join(root, 'proc')), 'the image /proc is not bound');
    assert.deepEqual(a.slice(-2), ['--remount-ro', '/']);
  });

  it('a missing volume target is created when its parent exists in the image (the parent is laid out)', () => {
    const l = new RootfsLayout(root, ETC, () => true);
    const src = mkdtempSync(join(TMP, 'src-'));
    l.place(vol('/newtop'));
    l.place(vol('/opt/new', src));
    const a = l.args();
    assert.ok(opIndex(a, '--dir', '/newtop') < opIndex(a, '--bind', '/host/src', '/newtop'));
    assert.ok(opIndex(a, '--dir', '/opt') >= 0);
    assert.ok(opIndex(a, '--ro-bind', join(root, 'opt/app'), '/opt/app') >= 0);
    assert.ok(opIndex(a, '--dir', '/opt/new') < opIndex(a, '--bind', src, '/opt/new'));
    assert.equal(opIndex(a, '--ro-bind', join(root, 'opt'), '/opt'), -1);
    assert.ok(l.isDirectory('/opt/app') && l.isDirectory('/opt/new') && !l.isDirectory('/nope'));
  });

  it('follows symbolic links of the image to the real place', () => {
    const l = new RootfsLayout(root, ETC, () => true);
    l.place(vol('/lib/x'));
    const a = l.args();
    assert.ok(opIndex(a, '--dir', '/usr') >= 0 && opIndex(a, '--dir', '/usr/lib') >= 0);
    assert.ok(opIndex(a, '--ro-bind', join(root, 'usr/lib/libc.so'), '/usr/lib/libc.so') >= 0);
    assert.ok(opIndex(a, '--bind', '/host/src', '/usr/lib/x') >= 0);
  });

  it("refuses what Shifter refuses, with Shifter's messages", () => {
    const l = new RootfsLayout(root, ETC, () => true);
    assert.throws(() => l.place(vol('/nope/deeper')), (e: Error) => e instanceof ContainerSetupError && /FAILED to create volume "to": \/nope\/deeper, cannot create mount points/.test(e.message));
    assert.throws(() => l.place(vol('/afile')), /FAILED "to" location is not directory: \/afile/);
    assert.throws(() => l.place(vol('/etclink/x')), /cannot create mount points|reserves/);
    l.place({ kind: 'system', source: mkdtempSync(join(TMP, 'host-')), target: '/tmp', readOnly: false });
    assert.throws(() => l.place(vol('/tmp/not-there')), /cannot create mount points in that location/);
  });

  it('the job directory is created at any depth, and skipped where it cannot be', () => {
    const l = new RootfsLayout(root, ETC, () => true);
    assert.equal(l.place({ kind: 'site', source: '/work/deep/dir', target: '/work/deep/dir', readOnly: false }), true);
    assert.equal(l.place({ kind: 'site', source: '/x', target: '/afile/x', readOnly: false }), false);
    const a = l.args();
    for (const d of ['/work', '/work/deep', '/work/deep/dir']) assert.ok(opIndex(a, '--dir', d) >= 0, d);
    assert.ok(opIndex(a, '--dir', '/work/deep/dir') < opIndex(a, '--bind', '/work/deep/dir', '/work/deep/dir'));
  });
});
