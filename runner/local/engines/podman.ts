// podman (4.3 on Debian 12): the flags that work on HPC-like hosts (docs/design.md, "Testing against the real parts"): runc
// (crun fails on hybrid cgroups), cgroupfs, file events, explicit ulimits, optional own storage.
// As root it runs the container as the substituted user; rootless, --userns=keep-id maps the
// user's own uid into the container, so files written to volumes belong to the user on the host.

import type { ContainerSpec } from '../container-spec';
import { execFile, failureText } from '../exec-file';
import { configFromInspect } from '../oci-config';
import { LocalImageError, registryImage } from '../registry-ref';
import type { LocalSettings } from '../settings';
import { ociRunArgs, visibleThroughMounts, type OciCliFlavor } from './oci-cli';
import type { LocalEngine, ProbeResult } from './types';

export function podmanGlobals(settings: LocalSettings): string[] {
  const g = ['--runtime', settings.podman.runtime, '--cgroup-manager', 'cgroupfs', '--events-backend', 'file'];
  if (settings.podman.root) g.push('--root', settings.podman.root);
  if (settings.podman.runroot) g.push('--runroot', settings.podman.runroot);
  return g;
}

export function podmanFlavor(settings: LocalSettings, rootless = process.getuid?.() !== 0): OciCliFlavor {
  // --read-only-tmpfs=false: no writable /run or /tmp of podman's own; /tmp is the host's, as in Shifter.
  // notmpcopyup: podman would copy the image's /var into the tmpfs; Shifter's /var is built empty.
  // --log-driver=passthrough: the container writes to the job's own stdout/stderr, as a task under
  // Shifter does, instead of through conmon and podman's attach, which lost the output of a short
  // task now and then when several ran at once (CI 2026-12-07: 3 lines of 4). Podman >= 4.0; no TTY.
  return { program: 'podman', globals: podmanGlobals(settings), extraRun: ['--read-only-tmpfs=false', '--log-driver=passthrough', ...(rootless ? ['--userns=keep-id'] : [])], varTmpfs: '/var:rw,mode=755,notmpcopyup' };
}

export function podmanRunArgs(spec: ContainerSpec, settings: LocalSettings, rootless?: boolean): string[] {
  return ociRunArgs(spec, podmanFlavor(settings, rootless));
}

export const podmanEngine: LocalEngine = {
  name: 'podman',

  async probe(settings): Promise<ProbeResult> {
    const r = await execFile('podman', [...podmanGlobals(settings), 'info', '--format', '{{.Host.OCIRuntime.Name}} {{.Store.GraphDriverName}}'], { timeoutMs: 60_000 });
    if (r.code !== 0) return { ok: false, reason: failureText(r) };
    const v = await execFile('podman', ['--version'], { timeoutMs: 20_000 });
    return { ok: true, detail: `${v.stdout.trim()} (${r.stdout.trim()})` };
  },

  async prepare(ref, settings, report) {
    const image = registryImage(ref, settings);
    const globals = podmanGlobals(settings);
    report('PULLING', image.reference);
    const pull = await execFile('podman', [...globals, 'pull', '--quiet', `--tls-verify=${image.tlsVerify}`, image.reference]);
    if (pull.code !== 0) throw new LocalImageError(`podman cannot pull ${image.reference}: ${failureText(pull)}`);
    const id = pull.stdout.trim().split('\n').at(-1)!;
    const inspect = await execFile('podman', [...globals, 'image', 'inspect', id]);
    if (inspect.code !== 0) throw new LocalImageError(`podman cannot inspect ${image.reference}: ${failureText(inspect)}`);
    const { id: fullId, config } = configFromInspect(inspect.stdout);
    return { ref, engine: 'podman', id: fullId, handle: fullId, config };
  },

  visible: (path, spec) => visibleThroughMounts(path, spec),

  launch(spec: ContainerSpec, settings: LocalSettings) {
    return { file: 'podman', args: podmanRunArgs(spec, settings) };
  },
};
