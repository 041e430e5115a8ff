// The container's file system for bubblewrap, built the way Shifter builds it: the root is a fresh
// tmpfs holding the image's top-level entries bound read-only; /etc is the image's /etc with the
// site's files bound over it; /var is built empty (only /var/tmp, the host's, is mounted there);
// /proc, /dev, /sys and /tmp are the host's; then the job's directory and the user's volumes; and at
// last the root is remounted read-only, so only volumes (and the host's /tmp) can be written.
//
// A mount point must exist before bwrap can mount on it, and nothing can be created inside a
// read-only bind of the image. So a directory of the image that must receive a new mount point is
// laid out instead ("synthetic": a tmpfs directory whose entries are bound one by one), and the new
// mount point is created there. Shifter's rule decides where that is allowed for a volume: a missing
// target is created only when its parent exists (one level); the site's directories are created at
// any depth. Symbolic links in the image are followed as the kernel would inside the container.

import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { Mount } from '../container-spec';
import { reservedTarget } from '../volume-map';
import { ContainerSetupError } from './types';

type NodeKind = 'dir' | 'file' | 'symlink' | 'other';

interface Node {
  kind: NodeKind;
  /** Where it lives: in the image, made by us (tmpfs), or inside a mount from the host. */
  from: 'image' | 'built' | 'host';
  link?: string;
}

interface Placed {
  source: string;
  target: string;
  readOnly: boolean;
  device?: boolean;
}

/** Top-level entries of the image that the container gets from elsewhere. */
const NOT_FROM_IMAGE = new Set(['etc', 'var', 'proc', 'dev', 'sys', 'tmp']);

function kindOf(st: { isSymbolicLink(): boolean; isDirectory(): boolean; isFile(): boolean }): NodeKind {
  return st.isSymbolicLink() ? 'symlink' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
}

function under(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir === '/' ? '/' : `${dir}/`);
}

export class RootfsLayout {
  private readonly synthetic = new Set<string>();
  private readonly created = new Set<string>();
  private readonly placed: Placed[] = [];
  private readonly siteEtc: Set<string>;

  constructor(
    private readonly rootfs: string,
    private readonly etc: Record<string, string>,
    hostHas: (p: string) => boolean = (p) => existsQuietly(p),
  ) {
    this.siteEtc = new Set(Object.keys(etc));
    this.placed.push({ source: '/proc', target: '/proc', readOnly: false }, { source: '/dev', target: '/dev', readOnly: false, device: true });
    if (hostHas('/sys')) this.placed.push({ source: '/sys', target: '/sys', readOnly: true });
  }

  /** What the container shows at `p` (normalised, its parents already resolved); a final symlink is not followed. */
  private lookup(p: string): Node | undefined {
    if (p === '/') return { kind: 'dir', from: 'built' };
    for (let i = this.placed.length - 1; i >= 0; i--) {
      const m = this.placed[i];
      if (!under(p, m.target)) continue;
      try {
        return { kind: kindOf(statSync(m.source + p.slice(m.target.length))), from: 'host' };
      } catch {
        return undefined;
      }
    }
    if (this.created.has(p)) return { kind: 'dir', from: 'built' };
    const top = p.split('/')[1];
    if (p === '/etc' || p === '/var') return { kind: 'dir', from: 'built' };
    if (top === 'etc' && this.siteEtc.has(p.slice(5))) return { kind: 'file', from: 'built' };
    if (NOT_FROM_IMAGE.has(top) && top !== 'etc') return undefined;
    try {
      const st = lstatSync(this.rootfs + p);
      const kind = kindOf(st);
      return { kind, from: 'image', link: kind === 'symlink' ? readlinkSync(this.rootfs + p) : undefined };
    } catch {
      return undefined;
    }
  }

  /**
   * Resolves `p` as realpath(3) would inside the container. Returns the resolved path and what is
   * there (undefined: missing, its parent exists); null when a parent is missing or no directory.
   */
  resolve(p: string): { path: string; node: Node | undefined } | null {
    let pending = p.split('/').filter((c) => c !== '' && c !== '.');
    let cur = '/';
    for (let hops = 0; pending.length > 0; ) {
      const c = pending.shift()!;
      if (c === '..') {
        cur = posix.dirname(cur);
        continue;
      }
      const next = cur === '/' ? `/${c}` : `${cur}/${c}`;
      const node = this.lookup(next);
      if (!node) return pending.length === 0 ? { path: next, node: undefined } : null;
      if (node.kind === 'symlink') {
        if (++hops > 40) return null;
        if (node.link!.startsWith('/')) cur = '/';
        pending = [...node.link!.split('/').filter((x) => x !== '' && x !== '.'), ...pending];
        continue;
      }
      if (pending.length > 0 && node.kind !== 'dir') return null;
      cur = next;
    }
    return { path: cur, node: this.lookup(cur) };
  }

  /** An image directory that must hold a new mount point becomes synthetic, and so do its parents. */
  private makeRoomIn(dir: string): void {
    for (let d = dir; d !== '/'; d = posix.dirname(d)) {
      if (this.created.has(d) || d === '/etc' || d === '/var') break;
      this.synthetic.add(d);
    }
  }

  /** Adds a mount; volumes follow Shifter's rules and throw its messages, other mounts are skipped when impossible. */
  place(m: Mount): boolean {
    const volume = m.kind === 'volume' || m.kind === 'scratch';
    const fail = (message: string): false => {
      if (volume) throw new ContainerSetupError(`${message}\nFAILED to setup user-requested mounts.`);
      return false;
    };
    if (volume) {
      const r = this.resolve(m.target);
      if (!r) return fail(`FAILED to create volume "to": ${m.target}, cannot create mount points in that location`);
      if (r.node && r.node.kind !== 'dir') return fail(`FAILED "to" location is not directory: ${m.target}`);
      // A symbolic link in the image must not lead a volume into a place Shifter reserves.
      if (r.path !== m.target && reservedTarget(r.path)) return fail(`FAILED to create volume "to": ${m.target} leads to ${r.path}, which Shifter reserves`);
      if (!r.node) {
        const parent = this.lookup(posix.dirname(r.path));
        if (!parent || parent.kind !== 'dir' || parent.from === 'host') return fail(`FAILED to create volume "to": ${m.target}, cannot create mount points in that location`);
        if (parent.from === 'image') this.makeRoomIn(posix.dirname(r.path));
        this.created.add(r.path);
      }
      this.placed.push({ source: m.source, target: r.path, readOnly: m.readOnly });
      return true;
    }
    // Site and system directories: created at any depth, through real directories only.
    const parts = m.target.split('/').filter(Boolean);
    let missingFrom = -1;
    for (let i = 0; i < parts.length; i++) {
      const p = '/' + parts.slice(0, i + 1).join('/');
      const node = this.lookup(p);
      if (!node) {
        missingFrom = i;
        break;
      }
      if (node.kind !== 'dir') return false;
    }
    if (missingFrom >= 0) {
      const parent = '/' + parts.slice(0, missingFrom).join('/');
      const pnode = this.lookup(parent);
      if (!pnode || pnode.from === 'host') return false;
      if (pnode.from === 'image') this.makeRoomIn(parent);
      for (let i = missingFrom; i < parts.length; i++) this.created.add('/' + parts.slice(0, i + 1).join('/'));
    }
    this.placed.push({ source: m.source, target: m.target, readOnly: m.readOnly });
    return true;
  }

  /** Whether `p` is a directory inside the container, once every mount is placed. */
  isDirectory(p: string): boolean {
    const r = this.resolve(p);
    return !!r?.node && r.node.kind === 'dir';
  }

  /** bubblewrap's file-system arguments, in order. */
  args(): string[] {
    const a: string[] = [];
    this.layout('/', a);
    a.push('--dir', '/etc');
    this.layout('/etc', a);
    for (const [name, file] of Object.entries(this.etc).sort()) a.push('--ro-bind', file, `/etc/${name}`);
    a.push('--dir', '/var');
    this.layout('/var', a);
    for (const m of this.placed) a.push(m.device ? '--dev-bind' : m.readOnly ? '--ro-bind' : '--bind', m.source, m.target);
    a.push('--remount-ro', '/');
    return a;
  }

  private layout(dir: string, a: string[]): void {
    const seen = new Set<string>();
    const fromImage = dir !== '/var' && !this.created.has(dir);
    for (const name of fromImage ? this.entries(dir) : []) {
      if (dir === '/' && NOT_FROM_IMAGE.has(name)) continue;
      if (dir === '/etc' && this.siteEtc.has(name)) continue;
      const p = dir === '/' ? `/${name}` : `${dir}/${name}`;
      seen.add(p);
      let st;
      try {
        st = lstatSync(this.rootfs + p);
      } catch {
        continue;
      }
      if (this.synthetic.has(p) && st.isDirectory()) {
        a.push('--dir', p);
        this.layout(p, a);
      } else if (st.isSymbolicLink()) a.push('--symlink', readlinkSync(this.rootfs + p), p);
      else if (st.isDirectory() || st.isFile()) a.push('--ro-bind', this.rootfs + p, p);
    }
    for (const c of [...this.created].sort()) {
      if (posix.dirname(c) !== dir || seen.has(c) || c === dir) continue;
      a.push('--dir', c);
      this.layout(c, a);
    }
  }

  private entries(dir: string): string[] {
    try {
      return readdirSync(this.rootfs + (dir === '/' ? '' : dir)).sort();
    } catch {
      return [];
    }
  }
}

function existsQuietly(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}
