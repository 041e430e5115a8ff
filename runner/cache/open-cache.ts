// The cache of a directory for one plan: the store under `.shifterflow/cache/`, the remembered
// digests, and each task's script as the key sees it.

import type { ContainerEngine } from '../engines/engine';
import type { Plan, PlannedJob } from '../plan/types';
import { CacheSession, type CacheJob } from './cache-session';
import { DigestMemory } from './fingerprint';
import { CacheStore } from './store';
import { taskName, taskScript } from './task-script';

export interface OpenCacheOptions {
  base: string;
  plan: Plan;
  engine: ContainerEngine;
  fresh?: boolean;
  imageIds?: ReadonlyMap<string, string>;
  warn?: (text: string) => void;
  /** Task scripts already rendered (renderTaskScripts), by task name; the others are rendered when the key needs them. */
  taskScripts?: ReadonlyMap<string, string>;
  /** sha256 of task scripts known already, by task name (cli/plan-memo.ts). */
  scriptDigests?: ReadonlyMap<string, string>;
}

export function openCache(o: OpenCacheOptions): CacheSession {
  const store = new CacheStore(o.base, o.warn);
  return new CacheSession({
    store,
    memory: new DigestMemory(store.digestsFile, o.warn),
    jobs: o.plan.jobs as readonly CacheJob[],
    script: (job, index) => o.taskScripts?.get(taskName(job.key, index)) ?? taskScript(job as PlannedJob, o.plan, o.engine, index),
    scriptDigests: o.scriptDigests,
    imageIds: o.imageIds,
    fresh: o.fresh,
    warn: o.warn,
  });
}
