// One image in its registry: the tag resolved to this platform's manifest (and its digest), the
// config blob, and the layers walked one by one (layer-walk.ts). Manifests and the config are small
// and read whole (with a size cap); layers are only ever streamed.

import type { IncomingMessage } from 'node:http';
import { dockerCredentials } from './docker-config';
import { RegistryError } from './errors';
import { parseImageConfig, type RemoteImageConfig } from './image-config';
import { walkLayerStream, type EntryVisitor, type LayerStats } from './layer-walk';
import { imageLocation, type ImageLocation, type RegistrySettings } from './location';
import { MANIFEST_ACCEPT, choosePlatform, isDigest, parseManifest, sha256Digest, type Descriptor, type ImageManifest, type Platform } from './manifest';
import { RegistryTransport } from './transport';

const MANIFEST_LIMIT = 4 * 1024 * 1024;
const CONFIG_LIMIT = 16 * 1024 * 1024;

export const LINUX_AMD64: Platform = { os: 'linux', architecture: 'amd64' };

export interface OpenImageOptions {
  /** SHIFTERFLOW_REGISTRY and TLS verification (runner/local/settings.ts's localSettings fits). */
  settings?: RegistrySettings;
  /** The platform an index is resolved to (default linux/amd64, the platform of Shifter's nodes). */
  platform?: Platform;
  /** Where the docker config is looked for (DOCKER_CONFIG, HOME); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export class RemoteImage {
  private configCache: RemoteImageConfig | undefined;

  /** Made by ImageAtRegistry.open (RemoteImage.open, openImage). */
  constructor(
    readonly location: ImageLocation,
    private readonly transport: RegistryTransport,
    /** `sha256:...` of the platform's image manifest: what Shifter and the cache call the image. */
    readonly digest: string,
    /** `sha256:...` of what the tag points to (an index, or the same manifest). */
    readonly tagDigest: string,
    readonly manifest: ImageManifest,
  ) {}

  /** Resolves `ref` (Shifter's `docker:NAME:TAG`, or `NAME:TAG`) to this platform's manifest. */
  static open(ref: string, options: OpenImageOptions = {}): Promise<RemoteImage> {
    return new ImageAtRegistry(ref, options).open();
  }

  get layers(): readonly Descriptor[] {
    return this.manifest.layers;
  }

  /** The sum of the layers' compressed sizes, as the manifest declares them. */
  get compressedSize(): number {
    return this.manifest.layers.reduce((s, l) => s + (l.size > 0 ? l.size : 0), 0);
  }

  /** The config blob (ENV, ENTRYPOINT, CMD, WORKDIR, User, architecture), read once. */
  async config(): Promise<RemoteImageConfig> {
    if (this.configCache) return this.configCache;
    const d = this.manifest.config;
    const what = `the config ${d.digest} of ${this.location.reference}`;
    const res = await this.transport.get('blobs', d.digest, what);
    const bytes = await readCapped(res, CONFIG_LIMIT, what);
    if (sha256Digest(bytes) !== d.digest) throw new RegistryError(`${what} is broken: its content has digest ${sha256Digest(bytes)}; push the image again`, 'broken-layer');
    this.configCache = parseImageConfig(bytes, this.location.reference);
    return this.configCache;
  }

  /** Streams layer `index` (0 = the base) through `visitor`; rejects on a broken layer. */
  async walkLayer(index: number, visitor: EntryVisitor): Promise<LayerStats> {
    const layer = this.manifest.layers[index];
    if (!layer) throw new RangeError(`${this.location.reference} has ${this.manifest.layers.length} layers, no layer ${index}`);
    const what = `layer ${index + 1} of ${this.manifest.layers.length} (${layer.digest}) of ${this.location.reference}`;
    const res = await this.transport.get('blobs', layer.digest, what);
    return walkLayerStream(res, layer, what, visitor);
  }

  /** Every layer in order, base first; `onLayer` hears of each before it streams (progress, whiteout bookkeeping). */
  async walkLayers(visitor: (entry: Parameters<EntryVisitor>[0], content: Parameters<EntryVisitor>[1], layer: number) => void | Promise<void>, onLayer?: (layer: number, descriptor: Descriptor) => void): Promise<LayerStats[]> {
    const stats: LayerStats[] = [];
    for (let i = 0; i < this.manifest.layers.length; i++) {
      onLayer?.(i, this.manifest.layers[i]);
      stats.push(await this.walkLayer(i, (e, c) => visitor(e, c, i)));
    }
    return stats;
  }
}

/**
 * An image reference at its registry before anything is read: one transport (auth, TLS or plain
 * HTTP) for every request about it. `tagDigest` asks what the tag points to with one HEAD (a cache
 * of checked images needs no more); `open` reads the tag's manifest and, for an index, the platform's.
 */
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

  async open(): Promise<RemoteImage> {
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

/** `RemoteImage.open`, the entry point. */
export const openImage = (ref: string, options?: OpenImageOptions) => RemoteImage.open(ref, options);

async function readManifest(transport: RegistryTransport, reference: string, what: string): Promise<{ bytes: Buffer; digest: string; contentType?: string }> {
  const res = await transport.get('manifests', reference, what, MANIFEST_ACCEPT);
  const bytes = await readCapped(res, MANIFEST_LIMIT, `the manifest of ${what}`);
  return { bytes, digest: sha256Digest(bytes), contentType: res.headers['content-type'] };
}

async function readCapped(res: IncomingMessage, limit: number, what: string): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) {
        res.destroy();
        throw new RegistryError(`${what} is larger than ${limit} bytes: not a manifest or config shifterflow reads`, 'unsupported');
      }
      parts.push(chunk);
    }
  } catch (e) {
    if (e instanceof RegistryError) throw e;
    throw new RegistryError(`reading ${what} failed: ${(e as Error).message}`, 'network');
  }
  return Buffer.concat(parts);
}
