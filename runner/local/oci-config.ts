// Reading image metadata: the OCI config (ENV, ENTRYPOINT, CMD, WORKDIR) as the registry's config
// blob or `podman/docker image inspect` has it, and the digest of the manifest a pull of this
// platform resolves to (a multi-arch index names one manifest per platform).

import { createHash } from 'node:crypto';
import type { ImageConfig } from './prepared-images';

interface OciConfigSection {
  Env?: string[] | null;
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string | null;
}

export function imageConfigOf(c: OciConfigSection | undefined | null): ImageConfig {
  return { env: c?.Env ?? [], entrypoint: c?.Entrypoint ?? [], cmd: c?.Cmd ?? [], workdir: c?.WorkingDir ?? '' };
}

/** `podman image inspect` / `docker image inspect` JSON (an array of one). */
export function configFromInspect(json: string): { id: string; config: ImageConfig } {
  const data = JSON.parse(json) as { Id: string; Config?: OciConfigSection }[];
  const first = Array.isArray(data) ? data[0] : (data as { Id: string; Config?: OciConfigSection });
  if (!first?.Id) throw new Error('image inspect printed no image');
  return { id: first.Id.replace(/^sha256:/, ''), config: imageConfigOf(first.Config) };
}

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', ia32: '386' };

/** This machine's architecture as images name it (GOARCH): the variant a local run pulls. */
export const HOST_ARCHITECTURE = GOARCH[process.arch] ?? process.arch;

/**
 * The digest (hex) of the image manifest for this platform, from `skopeo inspect --raw` output: the
 * manifest's own sha256, or the matching entry of an index / manifest list.
 */
export function platformManifestDigest(raw: string, arch = HOST_ARCHITECTURE, os = 'linux'): string {
  const m = JSON.parse(raw) as { manifests?: { digest: string; platform?: { architecture?: string; os?: string } }[] };
  if (!Array.isArray(m.manifests)) return createHash('sha256').update(raw).digest('hex');
  const match = m.manifests.find((e) => e.platform?.architecture === arch && (e.platform?.os ?? os) === os);
  if (!match) throw new Error(`the image has no ${os}/${arch} variant (it has ${m.manifests.map((e) => `${e.platform?.os}/${e.platform?.architecture}`).join(', ')})`);
  return match.digest.replace(/^sha256:/, '');
}
