// The I/O edge of the image check: an image opened at its registry (runner/registry) streamed layer
// by layer into a ScanCollector. Only the few files the rules read are taken; everything else is
// skipped by the layer reader.

import type { EntryType } from './merged-view';
import type { ImageFacts } from './image-facts';
import { ScanCollector } from './scan-collector';

export interface LayerProgress {
  layer: number;
  layers: number;
  /** Compressed bytes of this layer. */
  size: number;
  digest: string;
}

/**
 * What the scan needs of an image opened at its registry: the shape of runner/registry's RemoteImage,
 * written here so that the rules and their tests do not depend on the client's other parts.
 */
export interface LayerSource {
  location: { reference: string };
  digest: string;
  /** What the tag points to, when that is an index (else the same as `digest`). */
  tagDigest?: string;
  layers: readonly { digest: string; size: number }[];
  compressedSize: number;
  config(): Promise<{ os: string; architecture: string; env: string[]; entrypoint: string[]; cmd: string[]; workdir: string }>;
  walkLayers(
    visitor: (entry: SourceEntry, content: { chunks(): AsyncIterable<Buffer> }, layer: number) => void | Promise<void>,
    onLayer?: (layer: number, descriptor: { digest: string; size: number }) => void,
  ): Promise<unknown>;
}

export interface SourceEntry {
  path: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkTarget?: string;
}

const TYPES: Record<string, EntryType> = { file: 'file', directory: 'dir', symlink: 'symlink', hardlink: 'hardlink' };

export async function scanImage(image: LayerSource, onLayer?: (p: LayerProgress) => void): Promise<ImageFacts> {
  const config = await image.config();
  const collector = new ScanCollector();
  const layers = image.layers.length;
  await image.walkLayers(
    async (entry, content, layer) => {
      const header = { name: entry.path, type: TYPES[entry.type] ?? 'other', mode: entry.mode, uid: entry.uid, gid: entry.gid, size: entry.size, linkname: entry.linkTarget };
      const capture = collector.header(layer, header);
      if (!capture) return;
      for await (const chunk of content.chunks()) capture.write(chunk);
      collector.captureDone(layer, header, capture);
    },
    (layer, d) => onLayer?.({ layer, layers, size: d.size, digest: d.digest }),
  );
  collector.layersSeen(layers);
  const platform: ImageFacts['platform'] = { os: config.os, architecture: config.architecture };
  return collector.finish({
    reference: image.location.reference,
    digest: image.digest,
    platform,
    config: {
      env: config.env,
      ...(config.workdir ? { workdir: config.workdir } : {}),
      ...(config.entrypoint.length > 0 ? { entrypoint: config.entrypoint } : {}),
      ...(config.cmd.length > 0 ? { cmd: config.cmd } : {}),
    },
    compressedSize: image.compressedSize,
  });
}
