// Scanned images by manifest digest, so that checking an image again costs one manifest request.
// The user's own cache directory: $SHIFTERFLOW_IMAGE_CHECK_CACHE, else
// $XDG_CACHE_HOME/shifterflow/image-check, else ~/.cache/shifterflow/image-check (as
// bin/compile-cache.js picks one). Beside each image's facts (`<hex>.json`), an index's entry
// (`index-<hex>.json`) names the linux/amd64 manifest it chose, so that a tag pointing at a manifest
// list is recognised from the list's digest alone. A digest names the content, so an entry never goes
// stale; one of another format version, or unreadable, is a miss. Never makes a check fail. The last
// check of each registry reference (`ref-<reference, URI-encoded>.json`: its digest and when) is kept
// too, so that the editor's hover shows a check run from the CLI (`images check`, `validate --images`,
// `run`) as well as its own, without a request.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { FACTS_VERSION, type ImageFacts } from './image-facts';

export interface FactsCache {
  read(digest: string): ImageFacts | undefined;
  write(facts: ImageFacts): void;
  /** The facts for what a tag points to: a manifest's own, or those of the manifest an index chose. */
  factsForTag?(tagDigest: string): ImageFacts | undefined;
  /** Records which (linux/amd64) manifest the index `indexDigest` resolved to. */
  writeTag?(indexDigest: string, manifestDigest: string): void;
  /** Records that `reference` was checked now and pointed at the manifest `digest`. */
  writeChecked?(reference: string, digest: string, at?: number): void;
  /** The last check of `reference` recorded by writeChecked. */
  lastChecked?(reference: string): ReferenceCheck | undefined;
}

export interface ReferenceCheck {
  reference: string;
  digest: string;
  /** When, in ms since the epoch. */
  checkedAt: number;
}

/** The platform an index entry was chosen for: the image check always reads linux/amd64. */
const PLATFORM = 'linux/amd64';
const DIGEST = /^sha256:[0-9a-f]{64}$/;

export function imageCheckCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const own = env.SHIFTERFLOW_IMAGE_CHECK_CACHE;
  if (own === '0' || own === 'off') return undefined;
  if (own && isAbsolute(own)) return own;
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'shifterflow', 'image-check');
  const home = env.HOME || homedir();
  return home && isAbsolute(home) ? join(home, '.cache', 'shifterflow', 'image-check') : undefined;
}

export function factsCache(dir: string | undefined = imageCheckCacheDir()): FactsCache {
  const file = (digest: string, prefix = '') => (dir && DIGEST.test(digest) ? join(dir, `${prefix}${digest.slice(7)}.json`) : undefined);
  const readJson = (f: string | undefined): unknown => {
    if (!f) return undefined;
    try {
      return JSON.parse(readFileSync(f, 'utf8'));
    } catch {
      return undefined;
    }
  };
  const writeJson = (f: string | undefined, data: unknown) => {
    if (!f || !dir) return;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = `${f}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
      renameSync(tmp, f);
    } catch {
      // no cache this time
    }
  };
  const read = (digest: string): ImageFacts | undefined => {
    const facts = readJson(file(digest)) as ImageFacts | undefined;
    return facts?.version === FACTS_VERSION && facts.digest === digest ? facts : undefined;
  };
  const cache: FactsCache = { read, write: (facts) => writeJson(file(facts.digest), facts) };
  if (!dir) return cache;
  cache.factsForTag = (tagDigest) => {
    const own = read(tagDigest);
    if (own) return own;
    const entry = readJson(file(tagDigest, 'index-')) as { version?: unknown; index?: unknown; platform?: unknown; digest?: unknown } | undefined;
    if (entry?.version !== FACTS_VERSION || entry.index !== tagDigest || entry.platform !== PLATFORM || typeof entry.digest !== 'string') return undefined;
    return read(entry.digest);
  };
  cache.writeTag = (indexDigest, manifestDigest) => {
    if (DIGEST.test(manifestDigest)) writeJson(file(indexDigest, 'index-'), { version: FACTS_VERSION, index: indexDigest, platform: PLATFORM, digest: manifestDigest });
  };
  // A reference is [a-z0-9._/:@-]: encoded it stays short and readable; one too long for a file name has no record.
  const refFile = (reference: string) => {
    const name = `ref-${encodeURIComponent(reference)}.json`;
    return name.length <= 240 ? join(dir, name) : undefined;
  };
  cache.writeChecked = (reference, digest, at = Date.now()) => {
    if (DIGEST.test(digest)) writeJson(refFile(reference), { version: FACTS_VERSION, reference, digest, checkedAt: at });
  };
  cache.lastChecked = (reference) => {
    const entry = readJson(refFile(reference)) as Partial<ReferenceCheck> & { version?: unknown } | undefined;
    if (entry?.version !== FACTS_VERSION || entry.reference !== reference || typeof entry.digest !== 'string' || !DIGEST.test(entry.digest) || typeof entry.checkedAt !== 'number') return undefined;
    return { reference, digest: entry.digest, checkedAt: entry.checkedAt };
  };
  return cache;
}
