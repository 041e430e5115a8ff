// bin/compile-cache.js: the CLI's V8 code cache (bench P2). Used from the second start of a command
// on; a corrupt, foreign, stale or unwritable cache is ignored (the command runs as without one);
// a read-only install works and is not written to.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
const LOADER = join(ROOT, 'bin', 'compile-cache.js');
const HELLO = join(ROOT, 'examples', 'hello.yaml');
const isRoot = process.getuid?.() === 0;

/** The CLI started through the loader as bin/shifterflow.js starts it; also reports how the cache was used. */
function start(install: string, args: string[], env: Record<string, string>, execArgv: string[] = []) {
  const script = join(install, '..', `start-${install.split('/').pop()}.js`);
  writeFileSync(script, `const s = require(${JSON.stringify(LOADER)}).load(${JSON.stringify(join(install, 'dist', 'cli.js'))}, process.argv[2]);\nprocess.on('exit', () => process.stderr.write('\\ncache: ' + s + '\\n'));\n`);
  const r = spawnSync(process.execPath, [...execArgv, script, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  const m = /\ncache: (\w+)\n$/.exec(r.stderr);
  return { code: r.status, stdout: r.stdout, stderr: m ? r.stderr.slice(0, m.index) : r.stderr, cache: m?.[1] };
}

function bin(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'shifterflow.js'), ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.v8'));

/** Flips bytes all over the cache data (not the header): only V8's checksum can tell. */
function corrupt(file: string): void {
  const b = readFileSync(file);
  const dataStart = b.indexOf(10, b.indexOf(10) + 1) + 1;
  for (let i = dataStart + 64; i < b.length; i += 997) b[i] ^= 0x5a;
  writeFileSync(file, b);
}

describe('CLI code cache (bin/compile-cache.js)', function () {
  this.timeout(120_000);
  let tmp: string;
  let install: string;
  let cache: string;
  let env: Record<string, string>;
  let reference: { code: number | null; stdout: string; stderr: string };

  before(() => {
    // A copy of the install (what the bundle needs: package.json and schemas as its package root).
    tmp = mkdtempSync(join(tmpdir(), 'sf-cc-'));
    install = join(tmp, 'install');
    mkdirSync(join(install, 'dist'), { recursive: true });
    cpSync(join(ROOT, 'dist', 'cli.js'), join(install, 'dist', 'cli.js'));
    cpSync(join(ROOT, 'package.json'), join(install, 'package.json'));
    cpSync(join(ROOT, 'schemas'), join(install, 'schemas'), { recursive: true });
    reference = bin(['validate', HELLO], { SHIFTERFLOW_COMPILE_CACHE: '0' });
    assert.equal(reference.code, 0, reference.stderr);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));
  beforeEach(() => {
    cache = mkdtempSync(join(tmp, 'cache-'));
    env = { SHIFTERFLOW_COMPILE_CACHE: join(cache, 'v8') };
  });

  const sameAsReference = (r: { code: number | null; stdout: string; stderr: string }) => {
    assert.equal(r.code, reference.code, r.stderr);
    assert.equal(r.stdout, reference.stdout);
    assert.equal(r.stderr, reference.stderr);
  };

  it('is written at the first start of a command and used from the second on', () => {
    const first = start(install, ['validate', HELLO], env);
    sameAsReference(first);
    assert.equal(first.cache, 'none');
    const files = cacheFiles(join(cache, 'v8'));
    assert.equal(files.length, 1);
    assert.match(files[0], /^cli-validate-[0-9a-f]{8}\.v8$/);
    assert.equal(statSync(join(cache, 'v8')).mode & 0o777, 0o700);
    assert.equal(statSync(join(cache, 'v8', files[0])).mode & 0o777, 0o600);
    for (let i = 0; i < 2; i++) {
      const again = start(install, ['validate', HELLO], env);
      sameAsReference(again);
      assert.equal(again.cache, 'used');
    }
    // Another command has its own cache; an unknown one still works.
    assert.equal(start(install, ['render', join(ROOT, 'examples', 'manager-worker.yaml')], env).cache, 'none');
    assert.equal(cacheFiles(join(cache, 'v8')).length, 2);
    const unknown = start(install, ['frobnicate'], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
  });

  it('bin/shifterflow.js uses it, with the same output as without it', () => {
    const xdg = join(cache, 'xdg');
    mkdirSync(xdg, { mode: 0o700 });
    for (let i = 0; i < 2; i++) sameAsReference(bin(['validate', HELLO], { XDG_CACHE_HOME: xdg }));
    assert.equal(cacheFiles(join(xdg, 'shifterflow', 'v8')).length, 1);
    const render = (e: Record<string, string>) => bin(['render', join(ROOT, 'examples', 'manager-worker.yaml')], e);
    const plain = render({ SHIFTERFLOW_COMPILE_CACHE: 'off' });
    assert.equal(plain.code, 0, plain.stderr);
    render({ XDG_CACHE_HOME: xdg });
    assert.deepEqual(render({ XDG_CACHE_HOME: xdg }), plain);
    // `run` (long-running) starts without it: no cache is made at its exit.
    const ws = mkdtempSync(join(tmp, 'ws-'));
    cpSync(HELLO, join(ws, 'hello.yaml'));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'shifterflow.js'), 'run', 'hello.yaml'], { cwd: ws, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: xdg }, timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(cacheFiles(join(xdg, 'shifterflow', 'v8')).filter((f) => f.includes('-run-')), []);
    // `run --dry-run` (short: it decides and exits) has its own, used from its second start on.
    const dry = () => spawnSync(process.execPath, [join(ROOT, 'bin', 'shifterflow.js'), 'run', 'hello.yaml', '--dry-run', '--profile', 'local'], { cwd: ws, encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: xdg }, timeout: 60_000 });
    const first = dry();
    assert.equal(first.status, 0, first.stderr);
    assert.deepEqual(cacheFiles(join(xdg, 'shifterflow', 'v8')).filter((f) => f.includes('-run-')).map((f) => f.replace(/[0-9a-f]{8}\.v8$/, '')), ['cli-run-dry-run-']);
    const second = dry();
    assert.deepEqual([second.status, second.stdout, second.stderr], [first.status, first.stdout, first.stderr]);
  });

  it('ignores a corrupt cache file (rejected by V8, then rewritten) and a truncated or garbage one', () => {
    start(install, ['validate', HELLO], env);
    const file = join(cache, 'v8', cacheFiles(join(cache, 'v8'))[0]);
    corrupt(file);
    const corrupted = start(install, ['validate', HELLO], env);
    sameAsReference(corrupted);
    assert.equal(corrupted.cache, 'rejected');
    assert.equal(start(install, ['validate', HELLO], env).cache, 'used');

    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, whole.length >> 1));
    const truncated = start(install, ['validate', HELLO], env);
    sameAsReference(truncated);
    assert.equal(truncated.cache, 'rejected');

    writeFileSync(file, Buffer.alloc(4096, 7));
    const garbage = start(install, ['validate', HELLO], env);
    sameAsReference(garbage);
    assert.equal(garbage.cache, 'none');
    assert.equal(start(install, ['validate', HELLO], env).cache, 'used');
  });

  it('ignores the cache of a bundle that changed since', () => {
    start(install, ['validate', HELLO], env);
    assert.equal(start(install, ['validate', HELLO], env).cache, 'used');
    const bundle = join(install, 'dist', 'cli.js');
    // Same size, same length for V8; only the key (ctime, mtime) tells.
    writeFileSync(bundle, readFileSync(bundle));
    utimesSync(bundle, new Date(0), new Date(0));
    const changed = start(install, ['validate', HELLO], env);
    sameAsReference(changed);
    assert.equal(changed.cache, 'none');
    assert.equal(start(install, ['validate', HELLO], env).cache, 'used');
  });

  it('never uses a cache file that others can write, nor one owned by another user', () => {
    start(install, ['validate', HELLO], env);
    const file = join(cache, 'v8', cacheFiles(join(cache, 'v8'))[0]);
    chmodSync(file, 0o666);
    const writable = start(install, ['validate', HELLO], env);
    sameAsReference(writable);
    assert.equal(writable.cache, 'none');
    // Replaced by this user's own (rename into its own directory), 0600.
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(start(install, ['validate', HELLO], env).cache, 'used');
    if (!isRoot) return;
    chownSync(file, 65534, 65534);
    const foreign = start(install, ['validate', HELLO], env);
    sameAsReference(foreign);
    assert.equal(foreign.cache, 'none');
    assert.equal(statSync(file).uid, 0);
  });

  it('neither reads nor writes in a cache directory of another user (root with a user HOME)', function () {
    if (!isRoot) this.skip();
    const dir = join(cache, 'v8');
    start(install, ['validate', HELLO], env);
    const [name] = cacheFiles(dir);
    chownSync(dir, 65534, 65534);
    chownSync(join(dir, name), 65534, 65534);
    const before = statSync(join(dir, name)).mtimeMs;
    const r = start(install, ['validate', HELLO], env);
    sameAsReference(r);
    assert.equal(r.cache, 'none');
    assert.equal(statSync(join(dir, name)).mtimeMs, before);
    assert.equal(statSync(join(dir, name)).uid, 65534);
    // And creates nothing below a directory it does not own.
    const home = join(cache, 'alice');
    mkdirSync(home);
    chownSync(home, 65534, 65534);
    const h = start(install, ['validate', HELLO], { XDG_CACHE_HOME: '', HOME: home, SHIFTERFLOW_COMPILE_CACHE: '' });
    sameAsReference(h);
    assert.deepEqual(readdirSync(home), []);
  });

  it('works from a read-only install and with a cache that cannot be written', () => {
    const ro = join(tmp, 'ro');
    cpSync(install, ro, { recursive: true });
    const lock = (p: string, mode: number) => {
      for (const e of readdirSync(p, { withFileTypes: true })) if (e.isDirectory()) lock(join(p, e.name), mode);
      chmodSync(p, statSync(p).isDirectory() ? mode | 0o111 : mode);
    };
    const listing = () => readdirSync(ro, { recursive: true }).sort();
    const files = listing();
    lock(ro, 0o555);
    try {
      for (const state of ['none', 'used']) {
        const r = start(ro, ['validate', HELLO], env);
        sameAsReference(r);
        assert.equal(r.cache, state);
      }
      assert.deepEqual(listing(), files);
      // A cache location that cannot exist: the command runs without one.
      writeFileSync(join(cache, 'file'), '');
      for (let i = 0; i < 2; i++) {
        const r = start(ro, ['validate', HELLO], { SHIFTERFLOW_COMPILE_CACHE: join(cache, 'file', 'v8') });
        sameAsReference(r);
        assert.equal(r.cache, 'none');
      }
    } finally {
      lock(ro, 0o755);
    }
  });

  it('is off with SHIFTERFLOW_COMPILE_CACHE=0 and with source maps (mapped stack traces)', () => {
    const off = start(install, ['validate', HELLO], { SHIFTERFLOW_COMPILE_CACHE: '0' });
    sameAsReference(off);
    assert.equal(off.cache, 'off');
    const maps = start(install, ['validate', HELLO], env, ['--enable-source-maps']);
    sameAsReference(maps);
    assert.equal(maps.cache, 'off');
    assert.deepEqual(readdirSync(cache), []);
  });

  it('keeps a bounded number of cache files', () => {
    const dir = join(cache, 'v8');
    mkdirSync(dir, { mode: 0o700 });
    for (let i = 0; i < 40; i++) writeFileSync(join(dir, `cli-old${i}-00000000.v8`), 'x', { mode: 0o600 });
    writeFileSync(join(dir, '.cli-x.v8.1.abc.tmp'), 'x', { mode: 0o600 });
    utimesSync(join(dir, '.cli-x.v8.1.abc.tmp'), new Date(0), new Date(0));
    start(install, ['validate', HELLO], env);
    const left = readdirSync(dir);
    assert.equal(left.length, 32);
    assert.ok(left.some((f) => f.startsWith('cli-validate-')));
    assert.ok(!left.some((f) => f.endsWith('.tmp')));
  });
});
