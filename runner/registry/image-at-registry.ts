// An image reference at its registry before anything is read: one transport (auth, TLS or plain
// HTTP) for every request about it. `tagDigest` asks what the tag points to with one HEAD, which is
// all a cached image check needs, so this file imports only what that HEAD takes (the location,
// docker-config credentials, the transport); `open` loads the reader of manifests, config and
// layers (image.ts: node:crypto, zlib, tar-stream) when it is first called.

import { dockerCredentials } from './docker-config';
import { RegistryError } from './errors';
import type { RemoteImage } from './image';
import { imageLocation, type ImageLocation, type RegistrySettings } from './location';
import { MANIFEST_ACCEPT, choosePlatform, isDigest, parseManifest, type Platform } from './manifest';
import { RegistryTransport } from './transport';

export const LINUX_AMD64: Platform = { os: 'linux', architecture: 'amd64' };

export interface OpenImageOptions {
  /** SHIFTERFLOW_REGISTRY and TLS verification (runner/local/settings.ts's localSettings fits). */
  settings?: RegistrySettings;
  /** The platform an index is resolved to (default linux/amd64, the platform of Shifter's nodes). */
  platform?: Platform;
  /** Where the docker config is looked for (DOCKER_CONFIG, HOME); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export class ImageAtRegistry {
  readonly location: ImageLocation;
  private readonly transport: RegistryTransport;
  private readonly platform: Platform;

  constructor(ref: string, options: OpenImageOptions = {}) {
    this.location = imageLocation(ref, options.settings ?? {});
    const env = options.env ?? process.env;
    const credentials = dockerCredentials(this.location.host, env);
    this.transport = new RegistryTransport(this.location, { credentials, credentialsSource: credentials ? `${env.DOCKER_CONFIG ? '$DOCKER_CONFIG' : '~/.docker'}/config.json` : undefined });
    this.platform = options.platform ?? LINUX_AMD64;
  }

  private get tagWhat(): string {
    return `tag "${this.location.tag}" in repository "${this.location.repository}"`;
  }

  /**
   * The digest of what the tag points to (an index or a manifest), from one HEAD accepting both: the
   * registry's Docker-Content-Digest, which is the digest of what a GET would return. A HEAD does not
   * count as a pull where registries limit pulls (Docker Hub). Undefined when the registry does not say.
   */
  async tagDigest(): Promise<string | undefined> {
    const headers = await this.transport.head('manifests', this.location.tag, this.tagWhat, MANIFEST_ACCEPT);
    const digest = headers['docker-content-digest'];
    return typeof digest === 'string' && isDigest(digest.trim()) ? digest.trim() : undefined;
  }

  /** The tag's manifest (one GET), and for an index the platform's (a second). */
  async open(): Promise<RemoteImage> {
    const { RemoteImage, readManifest } = await import('./image');
    const { location, transport, platform } = this;
    const first = await readManifest(transport, location.tag, this.tagWhat);
    const parsed = parseManifest(first.bytes, first.contentType, location.reference);
    if (parsed.kind === 'image') return new RemoteImage(location, transport, first.digest, first.digest, parsed.manifest);
    const entry = choosePlatform(parsed.manifests, platform, location.reference);
    if (!isDigest(entry.digest)) throw new RegistryError(`the index of ${location.reference} names its ${platform.os}/${platform.architecture} manifest by ${JSON.stringify(entry.digest)}, not a sha256 digest`, 'unsupported');
    const second = await readManifest(transport, entry.digest, `manifest ${entry.digest} (${platform.os}/${platform.architecture} of ${location.reference})`);
    if (second.digest !== entry.digest) throw new RegistryError(`registry ${location.host} served manifest ${second.digest} for ${entry.digest} (${location.reference}): the registry is broken`, 'broken-layer');
    const inner = parseManifest(second.bytes, second.contentType, `${location.reference} (${platform.os}/${platform.architecture})`);
    if (inner.kind !== 'image') throw new RegistryError(`the ${platform.os}/${platform.architecture} entry of ${location.reference} is another index, which shifterflow does not follow`, 'unsupported');
    return new RemoteImage(location, transport, second.digest, first.digest, inner.manifest);
  }
}
