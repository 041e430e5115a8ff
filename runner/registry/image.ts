// One image in its registry, once image-at-registry.ts has resolved its tag to this platform's
// manifest (and its digest): the config blob, and the layers walked one by one (layer-walk.ts). Manifests and the config are small
// and read whole (with a size cap); layers are only ever streamed.

import type { IncomingMessage } from 'node:http';
import { RegistryError } from './errors';
import { parseImageConfig, type RemoteImageConfig } from './image-config';
import { walkLayerStream, type EntryVisitor, type LayerStats } from './layer-walk';
import type { ImageLocation } from './location';
import { sha256Digest } from './digest-check';
import { ImageAtRegistry, type OpenImageOptions } from './image-at-registry';
import { MANIFEST_ACCEPT, type Descriptor, type ImageManifest } from './manifest';
import { RegistryTransport } from './transport';

const MANIFEST_LIMIT = 4 * 1024 * 1024;
const CONFIG_LIMIT = 16 * 1024 * 1024;

export { LINUX_AMD64, type OpenImageOptions } from './image-at-registry';

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

/** `RemoteImage.open`, the entry point. */
export const openImage = (ref: string, options?: OpenImageOptions) => RemoteImage.open(ref, options);

/** One manifest (or index) read whole, with the digest of its bytes. */
export async function readManifest(transport: RegistryTransport, reference: string, what: string): Promise<{ bytes: Buffer; digest: string; contentType?: string }> {
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
