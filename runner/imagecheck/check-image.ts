// One image checked from its registry: the facts from the per-digest cache or a scan of the layers,
// then the pure rules for the given use. A checked image costs one request: a HEAD of the tag gives
// the digest of what it points to, the cache maps it (an index's digest to its linux/amd64
// manifest's) to the facts; only a miss opens the image (one manifest GET, two for an index) and scans.

import type { CheckContext } from './check-context';
import { checkFacts } from './check-facts';
import { factsCache, type FactsCache } from './facts-cache';
import { imageFinding, type ImageFinding } from './finding';
import type { ImageFacts } from './image-facts';
import { scanImage, type LayerProgress, type LayerSource } from './scan-image';

/** An image reference at its registry, before anything is read (runner/registry's ImageAtRegistry). */
export interface ImageHandle {
  /** `host/name:tag` as read. */
  reference: string;
  /** What the tag points to (an index or a manifest), from one request; undefined when the registry does not say. */
  tagDigest(): Promise<string | undefined>;
  open(): Promise<LayerSource>;
}

export interface ImageCheckOptions {
  /** Opens the image at its registry (runner/registry's openImage with the registry settings). */
  open: (ref: string) => Promise<LayerSource>;
  /** With it, a cached image costs only `tagDigest`'s request, and `open` is used on a miss only. */
  handle?: (ref: string) => ImageHandle;
  /** Whether an error from `open` says the image has no linux/amd64 variant (a finding, not a failure). */
  isNotAmd64?: (e: unknown) => e is Error;
  cache?: FactsCache;
  onLayer?: (p: LayerProgress) => void;
}

export interface ImageCheckResult {
  /** As written by the user. */
  ref: string;
  /** `host/name:tag` as read. */
  reference: string;
  digest?: string;
  findings: ImageFinding[];
  cached: boolean;
  facts?: ImageFacts;
}

export async function checkImage(ref: string, context: CheckContext, options: ImageCheckOptions): Promise<ImageCheckResult> {
  const cache = options.cache ?? factsCache();
  const handle = options.handle?.(ref);
  if (handle && cache.factsForTag) {
    const tagDigest = await handle.tagDigest();
    const known = tagDigest !== undefined ? cache.factsForTag(tagDigest) : undefined;
    if (known) {
      cache.writeChecked?.(handle.reference, known.digest);
      return result(ref, handle.reference, known, context, true);
    }
  }
  let image: LayerSource;
  try {
    image = await (handle ? handle.open() : options.open(ref));
  } catch (e) {
    // An index without linux/amd64 is a finding about the image, not a failure to read it.
    if (options.isNotAmd64?.(e)) {
      return { ref, reference: ref, findings: [imageFinding('SI013', e.message.replace(/: build and push.*$/, ''))], cached: false };
    }
    throw e;
  }
  let facts = cache.read(image.digest);
  const cached = facts !== undefined;
  if (!facts) {
    facts = await scanImage(image, options.onLayer);
    cache.write(facts);
  }
  if (image.tagDigest !== undefined && image.tagDigest !== image.digest) cache.writeTag?.(image.tagDigest, image.digest);
  cache.writeChecked?.(image.location.reference, facts.digest);
  return result(ref, image.location.reference, facts, context, cached);
}

function result(ref: string, reference: string, facts: ImageFacts, context: CheckContext, cached: boolean): ImageCheckResult {
  const f = { ...facts, reference };
  return { ref, reference, digest: facts.digest, findings: checkFacts(f, context), cached, facts: f };
}
