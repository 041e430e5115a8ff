// The cache key of a job, for resume: the same key means the same work. A sha256 over the rendered
// script (which never holds dependency job ids: those are sbatch arguments), with its per-run
// `--output`/`--error` lines taken out, the image references and the declared inputs.

import type * as Crypto from 'node:crypto';
import type { PlannedJob } from './types';

// node:crypto (and the streams it pulls in) is loaded on first use: `render` without --out and
// `validate` never need it, and loading it costs a cold start ~2 ms (bench P2).
let crypto: typeof Crypto | undefined;

const KEY_VERSION = 'shifterflow-cache-key/1';

/** Lines that name a run's log files: they change from run to run without changing the work. */
const RUN_SPECIFIC = /^#SBATCH --(?:output|error)=.*$\n?/gm;

export function cacheKey(job: PlannedJob, renderedScript: string): string {
  const payload = {
    v: KEY_VERSION,
    script: renderedScript.replace(RUN_SPECIFIC, ''),
    images: [...job.images].sort(),
    inputs: [...job.inputs].sort(),
  };
  crypto ??= require('node:crypto') as typeof Crypto;
  return crypto.createHash('sha256').update(JSON.stringify(payload)).digest('hex');
}
