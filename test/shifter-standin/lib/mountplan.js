'use strict';
// The container's file system, as an ordered list of bubblewrap operations, plus a resolver that
// answers "what does path P look like inside the container" (following symlinks as the kernel would
// inside the new root) without starting it. Shifter builds its root the same way: a tmpfs holding
// the image's top-level entries (bound read-only), /etc and /var built by Shifter, the site file
// systems, then the user's volumes; finally the root is remounted read-only.
//
// ops: {op:'dir', dst} {op:'symlink', target, dst} {op:'bind'|'ro-bind'|'dev-bind', src, dst}
//      {op:'data', fd, dst, perms} {op:'tmpfs', dst, size?}

const fs = require('fs');
const path = require('path');

function lstatSafe(p) {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}

function statSafe(p) {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

function kind(st) {
  if (!st) return null;
  if (st.isSymbolicLink()) return 'symlink';
  if (st.isDirectory()) return 'dir';
  if (st.isFile()) return 'file';
  return 'other';
}

function under(p, dir) {
  return dir === '/' ? p.startsWith('/') : p === dir || p.startsWith(dir + '/');
}

class MountPlan {
  constructor() {
    this.ops = [];
  }

  add(op) {
    this.ops.push(op);
  }

  /** what the container shows at exactly this (normalised, absolute) path, not following a final symlink */
  lstat(p) {
    if (p === '/') return { type: 'dir', synthetic: true };
    for (let i = this.ops.length - 1; i >= 0; i--) {
      const e = this.ops[i];
      if (e.dst === p) {
        if (e.op === 'dir') return { type: 'dir', synthetic: true };
        if (e.op === 'symlink') return { type: 'symlink', target: e.target };
        if (e.op === 'data') return { type: 'file', data: true };
        if (e.op === 'tmpfs') return { type: 'dir', tmpfs: true };
        const st = statSafe(e.src);
        return st ? { type: kind(st), host: e.src } : null;
      }
      if ((e.op === 'bind' || e.op === 'ro-bind' || e.op === 'dev-bind' || e.op === 'tmpfs') && under(p, e.dst)) {
        if (e.op === 'tmpfs') return null; // a fresh tmpfs is empty
        const host = e.src + p.slice(e.dst.length);
        const st = lstatSafe(host);
        if (!st) return null;
        if (st.isSymbolicLink()) return { type: 'symlink', target: fs.readlinkSync(host), host };
        return { type: kind(st), host };
      }
    }
    return null;
  }

  /**
   * Resolve a container path like realpath(3) would inside the container.
   * @returns {{path: string, st: any} | null}
   */
  resolve(p, followLast = true) {
    let pending = p.split('/').filter((c) => c !== '' && c !== '.');
    let cur = '/';
    let hops = 0;
    while (pending.length > 0) {
      const c = pending.shift();
      if (c === '..') {
        cur = path.posix.dirname(cur);
        continue;
      }
      const next = cur === '/' ? `/${c}` : `${cur}/${c}`;
      const st = this.lstat(next);
      if (!st) return null;
      if (st.type === 'symlink' && (pending.length > 0 || followLast)) {
        if (++hops > 40) return null;
        const t = st.target;
        const parts = t.split('/').filter((x) => x !== '' && x !== '.');
        if (t.startsWith('/')) cur = '/';
        pending = [...parts, ...pending];
        continue;
      }
      if (pending.length > 0 && st.type !== 'dir') return null;
      cur = next;
    }
    return { path: cur, st: this.lstat(cur) };
  }

  /** bubblewrap arguments for the plan (the data files are passed as already-open fds) */
  bwrapArgs() {
    const a = [];
    for (const e of this.ops) {
      switch (e.op) {
        case 'dir':
          a.push('--dir', e.dst);
          break;
        case 'symlink':
          a.push('--symlink', e.target, e.dst);
          break;
        case 'bind':
          a.push('--bind', e.src, e.dst);
          break;
        case 'ro-bind':
          a.push('--ro-bind', e.src, e.dst);
          break;
        case 'dev-bind':
          a.push('--dev-bind', e.src, e.dst);
          break;
        case 'data':
          a.push('--perms', e.perms || '0644', '--ro-bind-data', String(e.fd), e.dst);
          break;
        case 'tmpfs':
          if (e.size) a.push('--size', String(e.size));
          a.push('--tmpfs', e.dst);
          break;
        default:
          throw new Error(`unknown op ${e.op}`);
      }
    }
    return a;
  }
}

/**
 * Lay the image out under the root tmpfs: every entry of rootfs/<dir> is bound read-only (or re-created
 * as a symlink), except directories in `synthetic` which become tmpfs directories whose own entries are
 * laid out the same way (so mount points can be created below them). `skipTop` names top-level entries
 * that Shifter provides itself (etc, var, proc, dev, sys, tmp).
 */
function layoutImage(plan, rootfs, synthetic, skipTop) {
  const walk = (cdir) => {
    const hdir = cdir === '/' ? rootfs : path.join(rootfs, cdir);
    let names = [];
    const hst = lstatSafe(hdir);
    if (hst && hst.isDirectory()) {
      try {
        names = fs.readdirSync(hdir).sort();
      } catch {
        names = [];
      }
    }
    const seen = new Set();
    for (const name of names) {
      if (cdir === '/' && skipTop.has(name)) continue;
      const cpath = cdir === '/' ? `/${name}` : `${cdir}/${name}`;
      const hpath = path.join(hdir, name);
      seen.add(cpath);
      const st = lstatSafe(hpath);
      if (!st) continue;
      if (synthetic.has(cpath)) {
        plan.add({ op: 'dir', dst: cpath });
        if (st.isDirectory()) walk(cpath);
        else walkEmpty(cpath);
        continue;
      }
      if (st.isSymbolicLink()) plan.add({ op: 'symlink', target: fs.readlinkSync(hpath), dst: cpath });
      else if (st.isDirectory() || st.isFile()) plan.add({ op: 'ro-bind', src: hpath, dst: cpath });
    }
    for (const s of [...synthetic].sort()) {
      if (path.posix.dirname(s) === cdir && s !== '/' && !seen.has(s) && !(cdir === '/' && skipTop.has(s.slice(1)))) {
        plan.add({ op: 'dir', dst: s });
        walkEmpty(s);
      }
    }
  };
  const walkEmpty = (cdir) => {
    for (const s of [...synthetic].sort()) {
      if (path.posix.dirname(s) === cdir && s !== cdir) {
        plan.add({ op: 'dir', dst: s });
        walkEmpty(s);
      }
    }
  };
  walk('/');
}

/** all proper ancestors of p, excluding '/' */
function ancestors(p) {
  const out = [];
  let d = path.posix.dirname(p);
  while (d !== '/' && d !== '.') {
    out.push(d);
    d = path.posix.dirname(d);
  }
  return out;
}

module.exports = { MountPlan, layoutImage, ancestors, lstatSafe, statSafe, under };
