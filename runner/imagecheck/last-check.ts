// An image check seen again after the fact, for the editor (its hover and "Check Image for Shifter"):
// the findings for a workflow's use of an image computed from the facts the per-digest cache holds (a
// digest names its content, so no registry request is needed), the registry reference a written image
// stands for (the key a check is remembered by), the last check of a reference wherever it ran (the
// CLI records each one in the cache), and the one-line summary of a check's findings.

import { localSettings } from '../local/settings';
import { imageLocation } from '../registry/location';
import type { CheckContext } from './check-context';
import { checkFacts } from './check-facts';
import { factsCache, type FactsCache } from './facts-cache';
import type { ImageFinding } from './finding';

/** `host/name:tag` as `images check` reads `ref` (SHIFTERFLOW_REGISTRY applied), without a request; undefined for what is no image reference. */
export function imageReference(ref: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    return imageLocation(ref, localSettings(env)).reference;
  } catch {
    return undefined;
  }
}

/** The findings for `context` from the cached facts of the image with this manifest digest; undefined when the cache does not hold it. */
export function cachedFindings(digest: string, context: CheckContext = {}, cache: FactsCache = factsCache()): ImageFinding[] | undefined {
  const facts = cache.read(digest);
  return facts ? checkFacts(facts, context) : undefined;
}

/** The last check of `reference` recorded in the cache (by any check, CLI or editor), with its findings without a workflow; undefined when none is, or its facts are gone. */
export function lastCheckOf(reference: string, cache: FactsCache = factsCache()): { reference: string; digest: string; checkedAt: number; findings: ImageFinding[] } | undefined {
  const last = cache.lastChecked?.(reference);
  const findings = last ? cachedFindings(last.digest, {}, cache) : undefined;
  return last && findings ? { ...last, findings } : undefined;
}

/** `1 error (SI001), 2 warnings (SI011, SI012)`; `no findings` for a clean image. */
export function checkSummary(findings: readonly Pick<ImageFinding, 'code' | 'severity'>[]): string {
  const parts: string[] = [];
  for (const [severity, one, many] of [['error', 'error', 'errors'], ['warning', 'warning', 'warnings'], ['info', 'note', 'notes']] as const) {
    const codes = findings.filter((f) => f.severity === severity).map((f) => f.code);
    if (codes.length > 0) parts.push(`${codes.length} ${codes.length === 1 ? one : many} (${[...new Set(codes)].join(', ')})`);
  }
  return parts.length > 0 ? parts.join(', ') : 'no findings';
}
