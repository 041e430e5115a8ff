// Imported first by extension.ts: the moment the bundle started evaluating, for the activation time
// that tests report (`shifterflow._stats`).
export const LOADED_AT = performance.now();
