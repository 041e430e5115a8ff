import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync, rmSync, renameSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DigestMemory, MISSING, RACY_WINDOW_NS } from '../../runner/cache/fingerprint';
import { StatPass } from '../../runner/cache/stat-pass';

/** A clock well past every file's stamps, so digests are remembered (outside the racy window). */
const later = () => BigInt(Date.now()) * 1_000_000n + 10n * RACY_WINDOW_NS;

describe('cache fingerprints: content digests remembered by stamps', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sf-fp-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a file once, then trusts its unchanged stamps (also across a saved memory)', () => {
    const f = join(dir, 'big.dat');
    writeFileSync(f, 'x'.repeat(100_000));
    const store = join(dir, 'digests.json');
    const m = new DigestMemory(store, undefined, later);
    const d = m.digest(f);
    assert.match(d, /^sha256:[0-9a-f]{64}$/);
    m.refresh();
    assert.equal(m.digest(f), d);
    assert.equal(m.reads, 1);
    m.save();
    assert.equal(statSync(store).mode & 0o777, 0o600);
    const again = new DigestMemory(store, undefined, later);
    assert.equal(again.digest(f), d);
    assert.equal(again.reads, 0, 'an unchanged input is not read again by the next run');
  });

  it('saves into a cache directory that does not exist yet (a dry run where nothing ran), made private', () => {
    const f = join(dir, 'in.txt');
    writeFileSync(f, 'x');
    const store = join(dir, '.shifterflow', 'cache', 'digests.json');
    const m = new DigestMemory(store, undefined, later);
    const d = m.digest(f);
    m.save();
    assert.equal(statSync(join(dir, '.shifterflow', 'cache')).mode & 0o777, 0o700);
    assert.equal(new DigestMemory(store, undefined, later).digest(f), d);
  });

  it('takes stat from the pass it is given (one stat per input for SF056 and the digest), looks again with a new one', () => {
    const f = join(dir, 'in.txt');
    const gone = join(dir, 'gone.txt');
    writeFileSync(f, 'one');
    const pass = new StatPass();
    assert.equal(pass.exists(f), true);
    assert.equal(pass.exists(gone), false);
    assert.equal(pass.exists(join(f, 'below-a-file')), false, 'ENOTDIR is nothing there, as existsSync says');
    // Changed after the check: a decision in the same pass sees the file as the check saw it.
    writeFileSync(gone, 'now here');
    const m = new DigestMemory(undefined, undefined, later);
    m.refresh(pass);
    assert.equal(m.digest(gone), MISSING);
    assert.match(m.digest(f), /^sha256:/);
    m.refresh();
    assert.match(m.digest(gone), /^sha256:/, 'a new pass looks at the file system again');
  });

  it('a same-size edit with the mtime put back is read again (ctime moved) and gives another digest', () => {
    const f = join(dir, 'in.txt');
    writeFileSync(f, 'aaaa');
    // touch -r keeps nanoseconds (utimensat), as rsync -t or a restore from backup would.
    execFileSync('touch', ['-r', f, join(dir, 'ref')]);
    const before = statSync(f, { bigint: true });
    const m = new DigestMemory(undefined, undefined, later);
    const d1 = m.digest(f);
    const t = Date.now();
    while (Date.now() - t < 5);
    writeFileSync(f, 'bbbb');
    execFileSync('touch', ['-r', join(dir, 'ref'), f]);
    const after = statSync(f, { bigint: true });
    assert.equal(after.mtimeNs, before.mtimeNs);
    assert.equal(after.size, before.size);
    assert.equal(after.ino, before.ino);
    assert.notEqual(after.ctimeNs, before.ctimeNs);
    m.refresh();
    const d2 = m.digest(f);
    assert.notEqual(d2, d1);
    assert.equal(m.reads, 2);
  });

  it('touching a file (mtime only) reads it again but gives the same digest', () => {
    const f = join(dir, 'in.txt');
    writeFileSync(f, 'same');
    const m = new DigestMemory(undefined, undefined, later);
    const d1 = m.digest(f);
    utimesSync(f, new Date(), new Date(Date.now() + 60_000));
    m.refresh();
    assert.equal(m.digest(f), d1);
  });

  it('a file replaced by another (new inode, same stamps and size) is read again', () => {
    const f = join(dir, 'in.txt');
    writeFileSync(f, 'one1');
    const st = statSync(f);
    const m = new DigestMemory(undefined, undefined, later);
    const d1 = m.digest(f);
    writeFileSync(join(dir, 'new'), 'two2');
    utimesSync(join(dir, 'new'), st.atime, st.mtime);
    renameSync(join(dir, 'new'), f);
    m.refresh();
    assert.notEqual(m.digest(f), d1);
  });

  it('does not remember a digest inside the racy window: a file just written is read again next time', () => {
    const f = join(dir, 'fresh.txt');
    writeFileSync(f, 'new');
    const m = new DigestMemory(undefined, undefined, () => BigInt(Date.now()) * 1_000_000n);
    m.digest(f);
    m.refresh();
    m.digest(f);
    assert.equal(m.reads, 2);
  });

  it('a missing path is MISSING; a damaged memory file is ignored with a warning', () => {
    const store = join(dir, 'digests.json');
    writeFileSync(store, '{"version":2,"paths":{"/x":["1","2"');
    const warnings: string[] = [];
    const m = new DigestMemory(store, (w) => warnings.push(w), later);
    assert.equal(m.digest(join(dir, 'nope')), MISSING);
    assert.match(warnings.join('\n'), /ignoring .*digests\.json/);
  });

  it('digests a directory over its sorted tree: content, names and symlinks count, order of creation does not', () => {
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    for (const [root, order] of [[a, ['x', 'y']], [b, ['y', 'x']]] as const) {
      mkdirSync(join(root, 'sub'), { recursive: true });
      for (const n of order) writeFileSync(join(root, 'sub', n), n);
      symlinkSync('sub/x', join(root, 'link'));
    }
    const m = new DigestMemory(undefined, undefined, later);
    const da = m.digest(a);
    assert.match(da, /^tree:/);
    assert.equal(m.digest(b), da);
    writeFileSync(join(b, 'sub', 'x'), 'X');
    m.refresh();
    assert.notEqual(m.digest(b), da);
    symlinkSync('loop', join(a, 'loop')); // a dangling/looping link is recorded, not followed
    m.refresh();
    assert.notEqual(m.digest(a), da);
  });

  it('merges with digests another run saved meanwhile', () => {
    const store = join(dir, 'digests.json');
    writeFileSync(join(dir, 'p'), 'p');
    writeFileSync(join(dir, 'q'), 'q');
    const one = new DigestMemory(store, undefined, later);
    const two = new DigestMemory(store, undefined, later);
    one.digest(join(dir, 'p'));
    two.digest(join(dir, 'q'));
    one.save();
    two.save();
    const paths = Object.keys((JSON.parse(readFileSync(store, 'utf8')) as { paths: object }).paths).sort();
    assert.deepEqual(paths, [join(dir, 'p'), join(dir, 'q')]);
  });
});
