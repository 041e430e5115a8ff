// One image checked from its registry: open (one manifest request, two for an index), the facts from
// the per-digest cache or a scan of the layers, then the pure rules for the given use.

import type { CheckContext } from './check-context';
import { checkFacts } from './check-facts';
import { factsCache, type FactsCache } from './facts-cache';
import { imageFinding, type ImageFinding } from './finding';
import type { ImageFacts } from './image-facts';
import { scanImage, type LayerProgress, type LayerSource } from './scan-image';

export interface ImageCheckOptions {
  /** Opens the image at its registry (runner/registry's openImage with the registry settings). */
  open: (ref: string) => Promise<LayerSource>;
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
  let image: LayerSource;
  try {
    image = await options.open(ref);
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
  facts = { ...facts, reference: image.location.reference };
  return { ref, reference: image.location.reference, digest: image.digest, findings: checkFacts(facts, context), cached, facts };
}
