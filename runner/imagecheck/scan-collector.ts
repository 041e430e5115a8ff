// Turns a stream of layer headers (and the contents it asks for) into ImageFacts: the merged view,
// the captures of the paths still in it, and the sizes. Knows nothing of registries or tar: the
// registry reader calls it once per header, in layer order.

import { captureKind, startCapture, type Capture, type CapturedValue } from './captures';
import { FACTS_VERSION, toRow, type ImageConfig, type ImageFacts } from './image-facts';
import { MergedView, normalizePath, type LayerHeader } from './merged-view';

export interface ImageMeta {
  reference: string;
  digest: string;
  platform: { os: string; architecture: string; variant?: string };
  config: ImageConfig;
  compressedSize: number;
}

interface Captured {
  layer: number;
  value: CapturedValue;
}

export class ScanCollector {
  private readonly view = new MergedView();
  private readonly captured = new Map<string, Captured>();
  private uncompressed = 0;
  private layerCount = 0;

  /** Applies one header; returns a capture when the rules need this file's content (feed it, then call `captured`). */
  header(layer: number, header: LayerHeader): Capture | undefined {
    this.layerCount = Math.max(this.layerCount, layer + 1);
    if (header.type === 'file') this.uncompressed += header.size;
    const applied = this.view.apply(layer, header);
    if (applied.kind === 'whiteout') {
      for (const p of applied.removed) this.captured.delete(p);
      return undefined;
    }
    this.captured.delete(applied.path);
    if (header.type !== 'file') return undefined;
    const kind = captureKind(applied.path);
    return kind ? startCapture(kind) : undefined;
  }

  /** Records what a capture returned for the file of `header` in `layer`. */
  captureDone(layer: number, header: LayerHeader, capture: Capture): void {
    this.captured.set(normalizePath(header.name), { layer, value: capture.end() });
  }

  /** Layers with no entries still count. */
  layersSeen(count: number): void {
    this.layerCount = Math.max(this.layerCount, count);
  }

  finish(meta: ImageMeta): ImageFacts {
    const captured: Record<string, CapturedValue> = {};
    const owned = new Set<string>();
    for (const [path, c] of this.captured) {
      if (this.view.get(path)?.layer !== c.layer) continue;
      if (c.value.kind === 'dpkg-list') for (const p of c.value.paths) owned.add(normalizePath(p));
      else if (c.value.kind === 'apk-installed') {
        for (const p of c.value.paths) owned.add(normalizePath(p));
        captured[path] = { ...c.value, paths: [] };
      } else captured[path] = c.value;
    }
    for (const [path, e] of this.view.entries) if (owned.has(path)) e.packaged = true;
    const entries = [...this.view.entries].map(([p, e]) => toRow(p, e));
    entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return { version: FACTS_VERSION, ...meta, uncompressedSize: this.uncompressed, layers: this.layerCount, entries, captured };
  }
}
