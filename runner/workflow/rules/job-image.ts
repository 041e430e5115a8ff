// SF037: every command runs in some image. A job's image comes from the job or from defaults; a job
// of steps may instead name one per step, as long as no step is left without.

import type { Finding } from '../finding';
import { aliasNames } from './image-lookup';
import { asArray, asRecord, effective, hasUnknownKey, yamlScalar, type JobRule } from './rule';

export const jobImage: JobRule = ({ value, profile }, entry) => {
  // Without a container engine commands run on the host: there is no image to name.
  if (profile.engine === 'none' || effective(value, entry, 'image') !== undefined || hasUnknownKey(entry.job)) return [];
  const steps = asArray(entry.job.steps);
  const bare = steps.map((s, i) => ({ step: asRecord(s), i })).filter(({ step }) => step?.image === undefined);
  if ((steps.length > 0 && bare.length === 0) || bare.some(({ step }) => step && hasUnknownKey(step, 'step'))) return [];
  const which = steps.length > 0 ? ` (steps without one: ${bare.map(({ step, i }) => (typeof step?.name === 'string' ? `"${step.name}"` : `#${i + 1}`)).join(', ')})` : '';
  const f: Finding = {
    code: 'SF037',
    message: `Job "${entry.name}" has no image${which}. Set image: on the job or in defaults, to an alias from images: or a reference such as docker:ubuntu:22.04.`,
    path: entry.path,
    anchor: 'key',
  };
  // With a single image defined there is nothing to choose.
  const aliases = aliasNames(value);
  if (aliases.length === 1) f.fix = { title: `Use image "${aliases[0]}"`, kind: 'addKey', key: 'image', yaml: yamlScalar(aliases[0]) };
  return [f];
};
