// Image manifests as registries serve them: OCI image manifests and indexes, Docker v2 schema 2
// manifests and manifest lists. Pure: bytes in, the platform's manifest (or a clear refusal) out.
// Docker's schema 1 (signed, pre-2017) is refused with what to do: it carries no config blob. No
// node:crypto here: a cached image check reads only MANIFEST_ACCEPT and isDigest (digests: digest-check.ts).

import { RegistryError } from './errors';

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** What a manifest GET accepts, best first. */
export const MANIFEST_ACCEPT = [MEDIA.ociIndex, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.dockerManifest];

export interface Descriptor {
  mediaType: string;
  /** `sha256:<hex>` */
  digest: string;
  size: number;
}

export interface Platform {
  os: string;
  architecture: string;
}

export interface ImageManifest {
  mediaType: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface IndexEntry extends Descriptor {
  platform?: Partial<Platform> & { variant?: string };
}

export type ParsedManifest = { kind: 'index'; manifests: IndexEntry[] } | { kind: 'image'; manifest: ImageManifest };

export function isDigest(s: string): boolean {
  return /^sha256:[a-f0-9]{64}$/.test(s);
}

/** Parses a manifest; `contentType` is the registry's header (a manifest may omit mediaType). */
export function parseManifest(bytes: Buffer, contentType: string | undefined, what: string): ParsedManifest {
  let data: { mediaType?: string; schemaVersion?: number; manifests?: unknown; config?: unknown; layers?: unknown };
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new RegistryError(`the manifest of ${what} is not JSON`, 'unsupported');
  }
  const type = data.mediaType ?? contentType?.split(';')[0].trim() ?? '';
  if (data.schemaVersion === 1 || type === MEDIA.dockerSchema1 || type === MEDIA.dockerSchema1Signed) {
    throw new RegistryError(`${what} has an old Docker schema 1 manifest, which shifterflow cannot read: push the image again with a current docker, podman or skopeo`, 'unsupported');
  }
  if (Array.isArray(data.manifests) && (type === MEDIA.ociIndex || type === MEDIA.dockerList || !data.config)) {
    const manifests = (data.manifests as IndexEntry[]).filter((m) => m && typeof m.digest === 'string');
    return { kind: 'index', manifests };
  }
  const config = data.config as Descriptor | undefined;
  if (!config || typeof config.digest !== 'string' || !Array.isArray(data.layers)) {
    throw new RegistryError(`the manifest of ${what} (${type || 'no media type'}) is not an image manifest`, 'unsupported');
  }
  for (const d of [config, ...(data.layers as Descriptor[])]) {
    if (!isDigest(d.digest)) throw new RegistryError(`the manifest of ${what} names a blob by ${JSON.stringify(d.digest)}, not a sha256 digest`, 'unsupported');
  }
  return { kind: 'image', manifest: { mediaType: type, config, layers: data.layers as Descriptor[] } };
}

/** The entry of an index for a platform; a clear refusal naming the platforms there are. */
export function choosePlatform(manifests: readonly IndexEntry[], platform: Platform, what: string): IndexEntry {
  // Attestation manifests (buildx) are listed as unknown/unknown: not images.
  const images = manifests.filter((m) => m.platform?.os !== 'unknown');
  const match = images.find((m) => m.platform?.architecture === platform.architecture && m.platform?.os === platform.os);
  if (match) return match;
  const have = [...new Set(images.map((m) => `${m.platform?.os ?? '?'}/${m.platform?.architecture ?? '?'}${m.platform?.variant ? `/${m.platform.variant}` : ''}`))];
  throw new RegistryError(`${what} has no ${platform.os}/${platform.architecture} image (it has ${have.length ? have.join(', ') : 'none'}): build and push one for ${platform.os}/${platform.architecture}`, 'unsupported');
}
