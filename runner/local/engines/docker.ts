// docker: podman's command line without podman's own options. The daemon runs containers as the
// uid given by --user on the host itself, so volumes get the user's files. A plain-http registry
// must be in the daemon's insecure-registries (loopback ones are by default): docker pull has no
// per-pull switch for it.

import { execFile, failureText } from '../exec-file';
import { configFromInspect } from '../oci-config';
import { LocalImageError, registryImage } from '../registry-ref';
import type { ContainerSpec } from '../container-spec';
import { ociRunArgs, visibleThroughMounts, type OciCliFlavor } from './oci-cli';
import type { LocalEngine, ProbeResult } from './types';

export const DOCKER: OciCliFlavor = { program: 'docker', globals: [], extraRun: [], varTmpfs: '/var:rw,mode=755' };

export function dockerRunArgs(spec: ContainerSpec): string[] {
  return ociRunArgs(spec, DOCKER);
}

export const dockerEngine: LocalEngine = {
  name: 'docker',

  async probe(): Promise<ProbeResult> {
    // The client alone is not enough: the daemon must answer.
    const r = await execFile('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 20_000 });
    if (r.code !== 0) return { ok: false, reason: failureText(r) };
    return { ok: true, detail: `docker ${r.stdout.trim()}` };
  },

  async prepare(ref, settings, report) {
    const image = registryImage(ref, settings);
    report('PULLING', image.reference);
    const pull = await execFile('docker', ['pull', '--quiet', image.reference]);
    if (pull.code !== 0) throw new LocalImageError(`docker cannot pull ${image.reference}: ${failureText(pull)}`);
    const inspect = await execFile('docker', ['image', 'inspect', image.reference]);
    if (inspect.code !== 0) throw new LocalImageError(`docker cannot inspect ${image.reference}: ${failureText(inspect)}`);
    const { id, config } = configFromInspect(inspect.stdout);
    return { ref, engine: 'docker', id, handle: id, config };
  },

  visible: (path, spec) => visibleThroughMounts(path, spec),

  launch: (spec) => ({ file: 'docker', args: dockerRunArgs(spec) }),
};
