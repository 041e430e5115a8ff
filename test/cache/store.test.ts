import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheEntry } from '../../runner/cache/entry';
import { parseEntry, serializeEntry } from '../../runner/cache/entry';
import { jobKey } from '../../runner/cache/job-key';
import { CacheStore } from '../../runner/cache/store';
import { parseAge } from '../../runner/cli/cache-command';

const entry = (job: string, script: string, recordedAt: string, matrix?: Record<string, number>): CacheEntry => {
  const parts = { script, images: {}, inputs: {}, outputs: { o: ['/x'] }, needs: {}, ...(matrix ? { matrix } : {}) };
  return { version: 1, key: jobKey(parts), job, runId: 'R', recordedAt, parts, outputs: { o: [{ path: '/x', digest: 'sha256:00' }] }, ...(matrix ? { matrix } : {}) };
};

describe('cache store: entries on disk', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sf-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips an entry; refuses a flipped byte, a cut one and one filed under another key', () => {
    const e = entry('a', 's', '2026-01-01T00:00:00.000Z');
    const text = serializeEntry(e);
    assert.deepEqual(parseEntry(text, e.key), e);
    assert.throws(() => parseEntry(text.replace('"script":"s"', '"script":"t"')), /checksum/);
    assert.throws(() => parseEntry(text.slice(0, text.length / 2)), /not JSON/);
    assert.throws(() => parseEntry(text, 'f'.repeat(64)), /holds key/);
  });

  it('writes private files atomically, finds by key, keeps latest; lists; a stray temporary is never read', () => {
    const s = new CacheStore(dir);
    const e = entry('a', 's', new Date().toISOString());
    s.write(e, () => undefined);
    assert.deepEqual(s.find('a', undefined, e.key), e);
    assert.deepEqual(s.latest('a', undefined), e);
    assert.equal(statSync(join(dir, '.shifterflow', 'cache')).mode & 0o777, 0o700);
    const taskDir = join(dir, '.shifterflow', 'cache', 'entries', 'a', '_');
    for (const f of readdirSync(taskDir)) assert.equal(statSync(join(taskDir, f)).mode & 0o777, 0o600);
    // A write cut before its rename leaves the old state and a temporary.
    const e2 = entry('a', 's2', new Date().toISOString());
    assert.throws(() => s.write(e2, () => { throw new Error('killed'); }));
    assert.equal(s.find('a', undefined, e2.key), undefined);
    assert.ok(readdirSync(taskDir).some((f) => f.endsWith('.tmp')));
    assert.deepEqual(s.list().map((x) => x.entry.key), [e.key]);
  });

  it('clean --older-than removes old entries, their latest copy and old temporaries, keeps the rest', () => {
    const s = new CacheStore(dir);
    const old = entry('a', 'old', '2020-01-01T00:00:00.000Z');
    const recent = entry('b', 'new', new Date().toISOString(), { n: 1 });
    s.write(old);
    s.write(recent);
    const temp = join(dir, '.shifterflow', 'cache', 'entries', 'b', readdirSync(join(dir, '.shifterflow', 'cache', 'entries', 'b'))[0], '.x.json.1.ab.tmp');
    writeFileSync(temp, 'half');
    utimesSync(temp, new Date('2020-01-01'), new Date('2020-01-01'));
    const removed = s.clean(new Date(Date.now() - parseAge('7d')));
    assert.equal(removed.length, 3, removed.join('\n'));
    assert.equal(s.find('a', undefined, old.key), undefined);
    assert.equal(s.latest('a', undefined), undefined);
    assert.deepEqual(s.find('b', { n: 1 }, recent.key), recent);
    assert.equal(parseAge('30m'), 1_800_000);
    assert.throws(() => parseAge('7 days'), /30m, 12h, 7d or 2w/);
  });
});
