// Shifter's volume map rules, as the local `shifter` enforces them before a container starts.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSources, parseVolumeMap, reservedTarget } from '../../runner/local/volume-map';

const TMP = mkdtempSync(join(tmpdir(), 'sf-vm-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

function errors(text: string): string[] {
  const r = parseVolumeMap(text);
  return r.ok ? [] : r.errors;
}

describe('local: volume map (contract rules)', () => {
  it('reads entries, ro and perNodeCache flags', () => {
    assert.deepEqual(parseVolumeMap('/a:/x:ro;;/b:/tmp:perNodeCache=size=200G,bs=4k,fs=xfs,method=loop;/c:/var/tmp'), {
      ok: true,
      entries: [
        { source: '/a', target: '/x', readOnly: true },
        { source: '/b', target: '/tmp', readOnly: false, perNodeCache: { size: '200G', bs: '4k', fs: 'xfs', method: 'loop' } },
        { source: '/c', target: '/var/tmp', readOnly: false },
      ],
    });
  });

  it('refuses reserved targets by text prefix, /opt itself, /dev and /proc', () => {
    for (const t of ['/etc', '/etc/app', '/etcetera', '/var', '/var/lib', '/variables', '/opt/udiImage/x', '/opt', '/dev', '/dev/shm', '/proc/1', '/']) assert.ok(reservedTarget(t), t);
    for (const t of ['/var/tmp', '/var/tmp/x', '/opt/app', '/data', '/device', '/processes']) assert.equal(reservedTarget(t), undefined, t);
    assert.match(errors('/a:/etc/app')[0], /target \/etc\/app is reserved by Shifter/);
  });

  it('refuses relative paths, "..", characters Shifter drops, a trailing / on the target', () => {
    assert.match(errors('a:/x')[0], /not an absolute path/);
    assert.match(errors('/a/../b:/x')[0], /contains "\.\."/);
    for (const bad of ['/a b:/x', '/a$HOME:/x', '/a:/x~', '/a@b:/x', '/a=b:/x']) assert.match(errors(bad)[0] ?? '', /silently removes/, bad);
    assert.match(errors('/a:/x/')[0], /cannot create mount points/);
  });

  it('refuses unknown flags (a comma list is ONE flag), flags twice, bad perNodeCache', () => {
    assert.match(errors('/a:/x:ro,perNodeCache=size=1G')[0], /unknown flag/);
    assert.match(errors('/a:/x:rw')[0], /unknown flag/);
    assert.match(errors('/a:/x:ro:ro')[0], /given twice/);
    assert.match(errors('/a:/x:perNodeCache=size=1G:perNodeCache=size=2G')[0], /given twice/);
    assert.match(errors('/a:/x:perNodeCache=bs=4k')[0], /needs size=/);
    assert.match(errors('/a:/x:perNodeCache=size=lots')[0], /not a size/);
    assert.match(errors('/a:/x:perNodeCache=size=1G,fs=ext4')[0], /only xfs/);
    assert.match(errors('/a')[0], /needs from:to/);
  });

  it('sources must exist and be directories (perNodeCache brings its own)', () => {
    const dir = mkdtempSync(join(TMP, 'x-'));
    writeFileSync(join(dir, 'f'), '');
    assert.deepEqual(
      checkSources([
        { source: dir, target: '/a', readOnly: false },
        { source: join(dir, 'f'), target: '/b', readOnly: false },
        { source: join(dir, 'nope'), target: '/c', readOnly: false },
        { source: join(dir, 'nope'), target: '/d', readOnly: false, perNodeCache: { size: '1G' } },
      ]),
      [`FAILED "from" location is not directory: ${join(dir, 'f')}`, `FAILED to find real path for volume "from": ${join(dir, 'nope')}`],
    );
  });
});
