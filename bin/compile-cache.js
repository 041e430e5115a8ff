'use strict';
// Starts the CLI bundle (dist/cli.js) with a V8 code cache, so that a cold `shifterflow validate` or
// `render` neither parses and compiles the ~450 KB bundle nor compiles, one at a time, the functions
// the command runs (bench P2). Node 20 has no module.enableCompileCache (22.1+), and the
// v8-compile-cache package caches only what V8 compiles eagerly (about a quarter of what one command
// runs), hashes the bundle with node:crypto on every start and keeps its cache in a /tmp directory
// whose owner it does not check. So, by hand:
//
// - the cache is made after the command ran (script.createCachedData() at exit), so it holds every
//   function the command compiled, one cache file per command word (validate, render, run, ...);
// - it lives in the user's own cache directory: $SHIFTERFLOW_COMPILE_CACHE (a directory; "0" or "off"
//   disables it), else $XDG_CACHE_HOME/shifterflow/v8, else ~/.cache/shifterflow/v8. Never next to the
//   bundle: an install is often read-only and shared by many users;
// - one user never uses another's cache: a cache file is read only when it is a regular file owned by
//   this process's uid and writable by nobody else; it is written only into a directory owned by this
//   uid and writable by nobody else, which it creates (0700) only below a directory this uid owns (or a
//   sticky one such as /tmp): root with another user's HOME neither reads nor writes there;
// - it is keyed by the bundle (path, device, inode, size, mtime and ctime in ns: any rewrite changes
//   ctime), the node binary and version, V8, the flags and the command; the key is stored in the file
//   and compared in full. V8 checks its version, flags and the source length itself and rejects
//   what does not match; with --verify-snapshot-checksum (on only while the cache is read and made)
//   it checksums the cache data too, so a corrupt file is rejected instead of crashing node;
// - it is written atomically (a temporary file in the same directory, then rename), and only the
//   newest 32 cache files are kept;
// - it never makes a command fail: any error in reading or writing it means "no cache".
//
// With source maps enabled (--enable-source-maps, NODE_OPTIONS) the bundle is loaded by require(), as
// before, so that stack traces are mapped.

const fs = require('fs');
const path = require('path');

const FORMAT = 'shifterflow-v8-cache/1';
const MAX_CACHE_BYTES = 64 * 1024 * 1024;
/** Cache files kept per directory (one per command, bundle and node: ~0.1-0.6 MB each). */
const KEEP = 32;

/** The cache directory, or undefined when there is none. */
function cacheDir(env) {
  const setting = env.SHIFTERFLOW_COMPILE_CACHE;
  if (setting === '0' || setting === 'off' || setting === 'false') return undefined;
  if (setting && path.isAbsolute(setting)) return setting;
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'shifterflow', 'v8');
  const home = env.HOME;
  if (home && path.isAbsolute(home)) return path.join(home, '.cache', 'shifterflow', 'v8');
  return undefined;
}

/** FNV-1a (32 bit) as 8 hex digits: a short file name for a long key. */
function fnv(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const ownedByMe = (st, uid) => st.uid === uid && (st.mode & 0o022) === 0;

/** True when dir exists or could be made, owned by uid and writable by nobody else. */
function ensureOwnDir(dir, uid, depth = 0) {
  let st;
  try {
    st = fs.statSync(dir);
  } catch (err) {
    if (err.code !== 'ENOENT' || depth > 8) return false;
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    let pst;
    try {
      pst = fs.statSync(parent);
    } catch (perr) {
      if (perr.code !== 'ENOENT' || !ensureOwnDir(parent, uid, depth + 1)) return false;
      pst = fs.statSync(parent);
    }
    // Create only below our own directory, or a sticky one (/tmp), never in someone else's.
    if (!pst.isDirectory() || !(pst.uid === uid || (pst.mode & 0o1000) !== 0)) return false;
    try {
      fs.mkdirSync(dir, { mode: 0o700 });
    } catch (merr) {
      if (merr.code !== 'EEXIST') return false;
    }
    st = fs.statSync(dir);
  }
  return st.isDirectory() && ownedByMe(st, uid);
}

/** The cached data stored under header in file, or undefined (missing, foreign, other key, unreadable). */
function readCache(file, header, uid) {
  let fd;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
  } catch {
    return undefined;
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || !ownedByMe(st, uid) || st.size <= header.length || st.size > MAX_CACHE_BYTES) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    let n = 0;
    while (n < buf.length) {
      const r = fs.readSync(fd, buf, n, buf.length - n, n);
      if (r === 0) return undefined;
      n += r;
    }
    if (!buf.subarray(0, header.length).equals(header)) return undefined;
    return buf.subarray(header.length);
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

function writeCache(dir, file, header, data, uid) {
  if (!ensureOwnDir(dir, uid)) return;
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  let fd;
  try {
    fd = fs.openSync(tmp, 'wx', 0o600);
    fs.writeSync(fd, header);
    fs.writeSync(fd, data);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, file);
    prune(dir, file);
  } catch {
    if (fd !== undefined) fs.closeSync(fd);
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* gone already */
    }
  }
}

/** Keeps the newest KEEP cache files (installs and node versions come and go) and no old temporary file. */
function prune(dir, kept) {
  const now = Date.now();
  const caches = [];
  for (const name of fs.readdirSync(dir)) {
    const p = path.join(dir, name);
    try {
      const st = fs.lstatSync(p);
      if (name.endsWith('.v8') && p !== kept) caches.push({ p, mtime: st.mtimeMs });
      else if (name.endsWith('.tmp') && now - st.mtimeMs > 10 * 60 * 1000) fs.unlinkSync(p);
    } catch {
      /* taken by another process */
    }
  }
  caches.sort((a, b) => b.mtime - a.mtime);
  for (const { p } of caches.slice(KEEP - 1)) {
    try {
      fs.unlinkSync(p);
    } catch {
      /* gone already */
    }
  }
}

function sourceMapsWanted() {
  if (process.sourceMapsEnabled) return true;
  const flags = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  return flags.includes('--enable-source-maps');
}

/**
 * Runs fn with V8's --verify-snapshot-checksum: V8 then puts a checksum into the code cache it makes
 * and checks it when it reads one, so a corrupt cache file is rejected instead of crashing node. The
 * flag is switched off again at once: V8 keys every code cache by its flags, Node's own built-in
 * modules included, and with it left on every built-in loaded afterwards would be compiled from
 * source (~3x slower to load).
 */
function withChecksums(fn) {
  const v8 = require('v8');
  const already = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`.includes('--verify-snapshot-checksum');
  if (!already) v8.setFlagsFromString('--verify-snapshot-checksum');
  try {
    return fn();
  } finally {
    if (!already) v8.setFlagsFromString('--no-verify-snapshot-checksum');
  }
}

/** Reads the bundle and stats it (before and after, through one descriptor): undefined if it changed meanwhile. */
function readBundle(bundle) {
  const fd = fs.openSync(bundle, 'r');
  try {
    const before = fs.fstatSync(fd, { bigint: true });
    const source = fs.readFileSync(fd, 'utf8');
    const after = fs.fstatSync(fd, { bigint: true });
    if (before.size !== after.size || before.mtimeNs !== after.mtimeNs || before.ctimeNs !== after.ctimeNs) return undefined;
    return { source, stat: after };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Runs the CommonJS file bundle as require(bundle) would, with a code cache when one can be used.
 * command names the cache (one per CLI command). Returns how the cache was used, for the tests:
 * 'off', 'none' (none stored yet: one is written at exit), 'used' or 'rejected' (by V8; rewritten).
 */
function load(bundle, command, env = process.env) {
  let prepared;
  try {
    prepared = prepare(bundle, command, env);
  } catch {
    prepared = undefined;
  }
  if (!prepared) {
    require(bundle);
    return 'off';
  }
  const { script, dir, file, header, cached, uid } = prepared;
  const state = cached === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  if (state !== 'used') {
    process.once('exit', () => {
      try {
        writeCache(dir, file, header, withChecksums(() => script.createCachedData()), uid);
      } catch {
        /* no cache this time */
      }
    });
  }
  const Module = require('module');
  const m = new Module(bundle, module);
  m.filename = bundle;
  m.paths = Module._nodeModulePaths(path.dirname(bundle));
  const wrapper = script.runInThisContext({ displayErrors: true });
  wrapper.call(m.exports, m.exports, Module.createRequire(bundle), m, bundle, path.dirname(bundle));
  m.loaded = true;
  return state;
}

function prepare(bundle, command, env) {
  if (typeof process.getuid !== 'function' || sourceMapsWanted()) return undefined;
  const dir = cacheDir(env);
  if (!dir) return undefined;
  const read = readBundle(bundle);
  if (!read) return undefined;
  const uid = process.getuid();
  const word = /^[a-z][a-z-]{0,23}$/.test(command ?? '') ? command : '-';
  const flavour = [bundle, word, process.execPath, process.version, process.versions.v8, process.arch, process.execArgv.join(' '), env.NODE_OPTIONS ?? ''].join('\n');
  const { stat } = read;
  const key = JSON.stringify([FORMAT, flavour, `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`]);
  const header = Buffer.from(`${FORMAT}\n${key}\n`);
  const file = path.join(dir, `${path.basename(bundle, '.js')}-${word}-${fnv(flavour)}.v8`);
  const cached = readCache(file, header, uid);
  const vm = require('vm');
  const script = withChecksums(
    () =>
      new vm.Script(require('module').wrap(read.source), {
        filename: bundle,
        cachedData: cached,
        importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      }),
  );
  return { script, dir, file, header, cached, uid };
}

module.exports = { load, cacheDir };
