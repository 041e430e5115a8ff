// The cache across runs: only what changed runs again. See docs/design.md, "The cache".

export { CacheSession, type CacheJob, type TaskDecision } from './cache-session';
export { decide, describeDecision, whatChanged, type Decision } from './decide';
export { parseEntry, serializeEntry, type CacheEntry } from './entry';
export { DigestMemory } from './fingerprint';
export { jobKey, type KeyParts } from './job-key';
export { CacheStore, cacheRoot } from './store';
export { taskScript } from './task-script';
