// Volume-map rules of the stand-in (one implementation shared by `shifter` and the SPANK plugin's
// libexec/shifter-check) against docs/shifter.md "Volume specs". No containers needed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { BIN, standinDir } from './helpers';

interface Entry {
  from: string;
  to: string;
  ro: boolean;
  perNodeCache: null | { size: number; bs: number; fs: string; method: string };
}
type Parsed = { ok: true; entries: Entry[] } | { ok: false; messages: string[] };

// eslint-disable-next-line @typescript-eslint/no-var-requires
const volumes: { parseVolumeMap(s: string): Parsed; parseBytes(s: string): number } = require(path.join(standinDir(), 'lib', 'volumes.js'));

function ok(spec: string): Entry[] {
  const r = volumes.parseVolumeMap(spec);
  assert.ok(r.ok, `${spec} should be valid: ${JSON.stringify(r)}`);
  return r.entries;
}

function bad(spec: string): string[] {
  const r = volumes.parseVolumeMap(spec);
  assert.ok(!r.ok, `${spec} should be refused`);
  return r.messages;
}

describe('shifter stand-in: volume map rules @standin', () => {
  it('entries are separated by ";", flags by ":"; empty entries are skipped; quotes around an entry are removed', () => {
    const e = ok('/a:/x;;/b:/y:ro;"/c:/z"');
    assert.deepEqual(
      e.map((x) => [x.from, x.to, x.ro]),
      [
        ['/a', '/x', false],
        ['/b', '/y', true],
        ['/c', '/z', false],
      ],
    );
  });

  it('removes every character outside [A-Za-z0-9_:.+-/] from both paths', () => {
    const [e] = ok('/glo bal/my$data~@=x:/da ta');
    assert.equal(e.from, '/global/mydatax');
    assert.equal(e.to, '/data');
  });

  it('$HOME in a volume (as written in #SBATCH) is refused: "$" is dropped and the path is no longer absolute', () => {
    assert.deepEqual(bad('$HOME/va:/output'), ['Invalid Volume Map: $HOME/va:/output, aborting!']);
  });

  it('both paths absolute, no ".." component', () => {
    for (const s of ['rel:/x', '/x:rel', '/a/../b:/x', '/a:/x/../y', '/a']) bad(s);
    ok('/a..b:/x..y');
  });

  it('reserved targets: /etc, /var (string prefix), /opt/udiImage, exactly /opt; /var/tmp is allowed', () => {
    for (const to of ['/etc', '/etc/x', '/etcetera', '/var', '/var/lib', '/variables', '/opt/udiImage', '/opt/udiImage/x', '/opt']) {
      assert.deepEqual(bad(`/s:${to}`), [`Invalid Volume Map: /s:${to}, aborting!`], to);
    }
    for (const to of ['/var/tmp', '/var/tmp/x', '/opt/app', '/data', '/dev/x', '/proc/x']) ok(`/s:${to}`);
  });

  it('user flags: ro and perNodeCache only, each at most once', () => {
    for (const f of ['rec', 'slave', 'private']) assert.deepEqual(bad(`/s:/t:${f}`), [`Invalid Volume Map: /s:/t:${f}, aborting!`]);
    assert.deepEqual(bad('/s:/t:rw'), ['Unknown flag: rw', 'Invalid mount flags specified: rw']);
    bad('/s:/t:ro:ro');
    bad('/s:/t:perNodeCache=size=1G:perNodeCache=size=2G');
    const [e] = ok('/s:/t:ro:perNodeCache=size=1G');
    assert.ok(e.ro);
    assert.ok(e.perNodeCache);
  });

  it('"ro,perNodeCache=size=1G" is one unknown flag', () => {
    assert.deepEqual(bad('/s:/tmp:ro,perNodeCache=size=1G'), [
      'Unknown flag: ro,perNodeCache',
      'Invalid mount flags specified: ro,perNodeCache=size=1G',
    ]);
  });

  it('perNodeCache=size=N[,bs=N][,fs=xfs][,method=loop] with binary size suffixes b k m g t p e', () => {
    const [e] = ok('/s:/tmp:perNodeCache=size=200G,bs=4k,fs=xfs,method=loop');
    assert.deepEqual(e.perNodeCache, { size: 200 * 1024 ** 3, bs: 4096, fs: 'xfs', method: 'loop' });
    assert.equal(ok('/s:/tmp:perNodeCache=size=1T')[0].perNodeCache!.size, 1024 ** 4);
    assert.equal(ok('/s:/tmp:perNodeCache=size=512')[0].perNodeCache!.size, 512);
    assert.equal(ok('/s:/tmp:perNodeCache=size=1G')[0].perNodeCache!.bs, 1024 * 1024, 'default block size 1 MiB');
    assert.deepEqual(bad('/s:/tmp:perNodeCache=size=1x'), [
      'Invalid size for perNodeCache: 1x',
      'Invalid mount flags specified: perNodeCache=size=1x',
    ]);
    assert.match(bad('/s:/tmp:perNodeCache=size=1G,fs=ext4')[0], /Invalid fstype for perNodeCache: ext4/);
    assert.match(bad('/s:/tmp:perNodeCache=size=1G,method=dir')[0], /Invalid method for perNodeCache: dir/);
    assert.match(bad('/s:/tmp:perNodeCache')[0], /Invalid configuration for perNodeCache/);
    assert.equal(volumes.parseBytes('1.5k'), 1536);
  });

  it('libexec/shifter-check (what the SPANK plugin runs) applies the same rules', () => {
    const good = spawnSync(BIN.check, ['volume', '/s:/t:ro;/u:/var/tmp'], { encoding: 'utf8' });
    assert.equal(good.status, 0, good.stderr);
    const r = spawnSync(BIN.check, ['volume', '$HOME/va:/output'], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'Invalid Volume Map: $HOME/va:/output, aborting!\n');
    const m = spawnSync(BIN.check, ['module', 'mpich,foo'], { encoding: 'utf8' });
    assert.equal(m.status, 1);
    assert.equal(m.stdout, 'foo\n');
    assert.equal(spawnSync(BIN.check, ['module', 'none'], { encoding: 'utf8' }).status, 0);
  });
});
