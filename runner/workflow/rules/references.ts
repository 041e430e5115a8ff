// SF030 SF031 SF032: names that must point at something defined elsewhere in the file: image
// aliases, volumes (a job's and a step's) and the jobs in `needs`. Each comes with the closest
// defined name as a fix.

import type { Finding, JsonPath } from '../finding';
import { closest } from '../suggest';
import { aliasNames, defaultsImageUses, jobImageUses, resolveImage, type ImageUse } from './image-lookup';
import { asArray, asRecord, asString, hasKey, jobsOf, yamlScalar, type JobRule, type Rule } from './rule';
import { stepVolumes } from './volume-lookup';

/** The image in defaults, and `needs` (which depends on every job's name). */
export const workflowReferences: Rule = ({ value }) => {
  const findings = defaultsImageUses(value).flatMap((use) => unknownImage(value, use));
  const jobs = jobsOf(value);
  const names = jobs.map((j) => j.name);
  const known = new Set(names);
  for (const entry of jobs) {
    asArray(entry.job.needs).forEach((n, i) => {
      const name = asString(n);
      if (name === undefined || known.has(name)) return;
      findings.push(unknown('SF032', name, names.filter((j) => j !== entry.name), [...entry.path, 'needs', i], `Job "${entry.name}" needs "${name}", which is not a job of this workflow.`, ` Jobs: ${names.join(', ')}.`));
    });
  }
  return findings;
};

export const jobReferences: JobRule = ({ value }, entry) => {
  const findings = jobImageUses(entry).flatMap((use) => unknownImage(value, use));
  const volumes = asRecord(value.volumes);
  const volumeNames = Object.keys(volumes ?? {});
  const known = volumeNames.length > 0 ? ` Volumes defined: ${volumeNames.join(', ')}.` : ' No volumes are defined under volumes:.';
  asArray(entry.job.volumes).forEach((v, i) => {
    const name = asString(v);
    if (name === undefined || hasKey(volumes, name)) return;
    findings.push(unknown('SF031', name, volumeNames, [...entry.path, 'volumes', i], `Job "${entry.name}" mounts volume "${name}", which volumes: does not define.`, known));
  });
  for (const { label, uses } of stepVolumes(value, entry)) {
    for (const use of uses) {
      if (use.volume || hasKey(volumes, use.name)) continue;
      findings.push(unknown('SF031', use.name, volumeNames, use.path, `The ${label} of job "${entry.name}" mounts volume "${use.name}", which volumes: does not define.`, known));
    }
  }
  return findings;
};

function unknownImage(value: Record<string, unknown>, use: ImageUse): Finding[] {
  if (resolveImage(value, use.text)) return [];
  const aliases = aliasNames(value);
  const known = aliases.length > 0 ? ` Aliases defined: ${aliases.join(', ')}.` : ' No images are defined under images:.';
  const head = `Image "${use.text}" is neither an alias from images: nor a reference (TYPE:NAME:VERSION such as docker:${use.text}:1.0).`;
  return [unknown('SF030', use.text, aliases, use.path, head, known)];
}

/** `head` says what is wrong; `known` lists the names there are, unless one is close enough to suggest. */
function unknown(code: string, name: string, candidates: string[], path: JsonPath, head: string, known: string): Finding {
  const guess = closest(name, candidates);
  if (!guess) return { code, message: head + known, path };
  return { code, message: `${head} Did you mean "${guess}"?`, path, fix: { title: `Change to "${guess}"`, kind: 'replaceValue', yaml: yamlScalar(guess) } };
}
