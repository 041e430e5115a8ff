// SF030 SF031 SF032: names that must point at something defined elsewhere in the file: image
// aliases, volumes and the jobs in `needs`. Each comes with the closest defined name as a fix.

import type { Finding, JsonPath } from '../finding';
import { closest } from '../suggest';
import { aliasNames, imageUses, resolveImage } from './image-lookup';
import { asArray, asRecord, asString, hasKey, jobsOf, yamlScalar, type Rule } from './rule';

export const references: Rule = ({ value }) => {
  const findings: Finding[] = [];
  const aliases = aliasNames(value);
  for (const use of imageUses(value)) {
    if (resolveImage(value, use.text)) continue;
    const known = aliases.length > 0 ? ` Aliases defined: ${aliases.join(', ')}.` : ' No images are defined under images:.';
    const head = `Image "${use.text}" is neither an alias from images: nor a reference (TYPE:NAME:VERSION such as docker:${use.text}:1.0).`;
    findings.push(unknown('SF030', use.text, aliases, use.path, head, known));
  }

  const volumes = asRecord(value.volumes);
  const volumeNames = Object.keys(volumes ?? {});
  const jobs = jobsOf(value);
  const jobNames = jobs.map((j) => j.name);
  for (const entry of jobs) {
    asArray(entry.job.volumes).forEach((v, i) => {
      const name = asString(v);
      if (name === undefined || hasKey(volumes, name)) return;
      const known = volumeNames.length > 0 ? ` Volumes defined: ${volumeNames.join(', ')}.` : ' No volumes are defined under volumes:.';
      findings.push(unknown('SF031', name, volumeNames, [...entry.path, 'volumes', i], `Job "${entry.name}" mounts volume "${name}", which volumes: does not define.`, known));
    });
    asArray(entry.job.needs).forEach((n, i) => {
      const name = asString(n);
      if (name === undefined || jobNames.includes(name)) return;
      findings.push(unknown('SF032', name, jobNames.filter((j) => j !== entry.name), [...entry.path, 'needs', i], `Job "${entry.name}" needs "${name}", which is not a job of this workflow.`, ` Jobs: ${jobNames.join(', ')}.`));
    });
  }
  return findings;
};

/** `head` says what is wrong; `known` lists the names there are, unless one is close enough to suggest. */
function unknown(code: string, name: string, candidates: string[], path: JsonPath, head: string, known: string): Finding {
  const guess = closest(name, candidates);
  if (!guess) return { code, message: head + known, path };
  return { code, message: `${head} Did you mean "${guess}"?`, path, fix: { title: `Change to "${guess}"`, kind: 'replaceValue', yaml: yamlScalar(guess) } };
}
