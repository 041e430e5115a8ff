// Scanned images by manifest digest, so that checking an image again costs one manifest request.
// The user's own cache directory: $SHIFTERFLOW_IMAGE_CHECK_CACHE, else
// $XDG_CACHE_HOME/shifterflow/image-check, else ~/.cache/shifterflow/image-check (as
// bin/compile-cache.js picks one). A digest names the content, so an entry never goes stale; one of
// another format version, or unreadable, is a miss. Never makes a check fail.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { FACTS_VERSION, type ImageFacts } from './image-facts';

export interface FactsCache {
  read(digest: string): ImageFacts | undefined;
  write(facts: ImageFacts): void;
}

export function imageCheckCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const own = env.SHIFTERFLOW_IMAGE_CHECK_CACHE;
  if (own === '0' || own === 'off') return undefined;
  if (own && isAbsolute(own)) return own;
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'shifterflow', 'image-check');
  const home = env.HOME || homedir();
  return home && isAbsolute(home) ? join(home, '.cache', 'shifterflow', 'image-check') : undefined;
}

export function factsCache(dir: string | undefined = imageCheckCacheDir()): FactsCache {
  const file = (digest: string) => (dir && /^sha256:[0-9a-f]{64}$/.test(digest) ? join(dir, `${digest.slice(7)}.json`) : undefined);
  return {
    read(digest) {
      const f = file(digest);
      if (!f) return undefined;
      try {
        const facts = JSON.parse(readFileSync(f, 'utf8')) as ImageFacts;
        return facts.version === FACTS_VERSION && facts.digest === digest ? facts : undefined;
      } catch {
        return undefined;
      }
    },
    write(facts) {
      const f = file(facts.digest);
      if (!f || !dir) return;
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const tmp = `${f}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify(facts), { mode: 0o600 });
        renameSync(tmp, f);
      } catch {
        // no cache this time
      }
    },
  };
}
