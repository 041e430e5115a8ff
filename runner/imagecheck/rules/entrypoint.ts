// SI011: Shifter runs the image ENTRYPOINT only when asked (`shifter --entrypoint`, a job's
// `entrypoint:`). Reported for a bare check, and for each job that runs in the image without it.

import { imageFinding } from '../finding';
import type { ImageRule } from './rule';

export const entrypoint: ImageRule = (image, context) => {
  const ep = image.facts.config.entrypoint;
  if (!ep || ep.length === 0) return [];
  const shown = JSON.stringify(ep);
  if (!context.uses) return [imageFinding('SI011', `the image's ENTRYPOINT ${shown} is not run by Shifter unless the job says entrypoint:`, [ep[0]])];
  const jobs = context.uses.filter((u) => !u.entrypoint).map((u) => u.job);
  if (jobs.length === 0) return [];
  return [imageFinding('SI011', `the image's ENTRYPOINT ${shown} is not run for job${jobs.length === 1 ? '' : 's'} ${jobs.join(', ')} (no entrypoint:)`, [ep[0]])];
};
