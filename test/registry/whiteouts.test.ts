// The whiteout rule both consumers apply (unpacking, the image check's merged index), and the
// registry's auth challenge as the client reads it: pure, no registry needed.

import assert from 'node:assert/strict';
import { parseChallenge } from '../../runner/registry/challenge';
import { MergedIndex, whiteoutOf } from '../../runner/registry/whiteouts';

describe('registry: whiteouts and challenges', () => {
  it('reads .wh.NAME and the opaque marker', () => {
    assert.deepEqual(whiteoutOf('/etc/.wh.passwd'), { kind: 'remove', path: '/etc/passwd' });
    assert.deepEqual(whiteoutOf('/opt/app/.wh..wh..opq'), { kind: 'opaque', dir: '/opt/app' });
    assert.equal(whiteoutOf('/etc/passwd'), undefined);
  });

  it('hides only what lower layers wrote, in any order of the tar', () => {
    const idx = new MergedIndex<number>();
    for (const p of ['/opt', '/opt/app', '/opt/app/old', '/opt/app/sub', '/opt/app/sub/x', '/etc', '/etc/gone', '/etc/gone/deep']) idx.add(p, 1, !p.includes('old') && !p.endsWith('x'));
    idx.nextLayer();
    idx.add('/opt/app/new', 2, false); // before the opaque marker of the same layer: stays
    idx.whiteout(whiteoutOf('/opt/app/.wh..wh..opq')!);
    idx.whiteout(whiteoutOf('/etc/.wh.gone')!);
    assert.deepEqual([...idx.entries()].map(([p]) => p).sort(), ['/etc', '/opt', '/opt/app', '/opt/app/new']);
  });

  it('a file over a directory replaces what was under it', () => {
    const idx = new MergedIndex<number>();
    idx.add('/d', 1, true);
    idx.add('/d/f', 1, false);
    idx.nextLayer();
    idx.add('/d', 2, false);
    assert.equal(idx.has('/d/f'), false);
    assert.equal(idx.get('/d'), 2);
  });

  it('parses Bearer and Basic challenges', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.example/token",service="reg.example",scope="repository:a/b:pull"'), { scheme: 'bearer', realm: 'https://auth.example/token', service: 'reg.example', scope: 'repository:a/b:pull' });
    assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', realm: 'Registry Realm' });
    assert.equal(parseChallenge('Bearer service="x"'), undefined);
    assert.equal(parseChallenge(undefined), undefined);
  });
});
