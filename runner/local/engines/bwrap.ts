// bubblewrap over an unpacked image (image-cache.ts): no daemon, no root, a few milliseconds per
// container. The container runs as the user (a user namespace mapping the user's own uid only), the
// root read-only, the layout of rootfs-layout.ts, the environment exactly the spec's (--clearenv).
// No PID, network or IPC namespace: Shifter has none either, and MPI ranks rely on that.

import type { ContainerSpec } from '../container-spec';
import { execFile, failureText } from '../exec-file';
import { untraversable } from '../host-access';
import { prepareRootfs } from '../image-cache';
import type { ContainerUser } from '../run-as';
import { RootfsLayout } from './rootfs-layout';
import { ContainerSetupError, type Launch, type LocalEngine, type ProbeResult } from './types';

/** The whole bwrap argv after the program name, from the spec and the file-system arguments. */
export function bwrapArgs(spec: ContainerSpec, fsArgs: readonly string[]): string[] {
  const a = ['--unshare-user', '--uid', String(spec.user.uid), '--gid', String(spec.user.gid), '--die-with-parent', ...fsArgs, '--chdir', spec.workdir, '--clearenv'];
  for (const [name, value] of spec.env) a.push('--setenv', name, value);
  a.push('--', ...spec.argv);
  return a;
}

/** When the runner is root, bwrap itself starts as the container's user (it then needs no privilege). */
function runAs(user: ContainerUser): { uid?: number; gid?: number } {
  return process.getuid?.() === user.uid ? {} : { uid: user.uid, gid: user.gid };
}

function layoutFor(spec: Pick<ContainerSpec, 'image' | 'etc' | 'mounts'>): RootfsLayout {
  const layout = new RootfsLayout(spec.image.handle, spec.etc);
  for (const m of spec.mounts) layout.place(m);
  return layout;
}

export const bwrapEngine: LocalEngine = {
  name: 'bwrap',

  async probe(_settings, user): Promise<ProbeResult> {
    // Images are read from their registry and unpacked in-process (runner/registry): bwrap is the one tool.
    const version = await execFile('bwrap', ['--version'], { timeoutMs: 20_000 });
    if (version.code !== 0) return { ok: false, reason: failureText(version) };
    // A real sandbox as the container's user: user namespaces may be disabled for ordinary users.
    const u = String(user.uid);
    const g = String(user.gid);
    const r = await execFile('bwrap', ['--unshare-user', '--uid', u, '--gid', g, '--ro-bind', '/', '/', '--', 'true'], { timeoutMs: 20_000, cwd: '/', ...runAs(user) });
    if (r.code !== 0) return { ok: false, reason: `bwrap cannot create a sandbox as uid ${u}: ${failureText(r)}` };
    return { ok: true, detail: version.stdout.trim() };
  },

  prepare: (ref, settings, report) => prepareRootfs(ref, settings, report),

  visible(path, spec) {
    return layoutFor(spec).isDirectory(path);
  },

  launch(spec): Launch {
    const as = runAs(spec.user);
    if (as.uid !== undefined) {
      // bwrap binds as the container's user: say which path stops it rather than let bwrap fail.
      const blocked = untraversable(spec.image.handle, spec.user.uid, spec.user.gid);
      if (blocked) throw new ContainerSetupError(`the image at ${spec.image.handle} is not readable by uid ${spec.user.uid} (${blocked} does not let it through); choose SHIFTERFLOW_IMAGE_CACHE under a directory every user can enter`);
      for (const m of spec.mounts) {
        const stop = m.kind === 'system' ? undefined : untraversable(m.source, spec.user.uid, spec.user.gid);
        if (stop) throw new ContainerSetupError(`FAILED to find real path for volume "from": ${m.source} (uid ${spec.user.uid} cannot enter ${stop})\nFAILED to setup user-requested mounts.`);
      }
    }
    // cwd /: the runner's own directory may be closed to the container's user.
    return { file: 'bwrap', args: bwrapArgs(spec, layoutFor(spec).args()), cwd: '/', ...as };
  },
};
