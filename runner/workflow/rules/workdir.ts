// SF043 (and SF017 for working directories): the image is read-only and root is squashed, so a job
// can only write where something is mounted: one of its volumes (a step: its own too), a site file
// system, or the node's /tmp and /var/tmp, which Shifter takes from the host.

import type { Finding, JsonPath } from '../finding';
import { isUnder, variableIn } from './paths';
import { asArray, asRecord, asString, printable, yamlScalar, type JobRule } from './rule';
import { jobVolumes, stepVolumes } from './volume-lookup';

const HOST_DIRECTORIES = ['/tmp', '/var/tmp'];

export const workdir: JobRule = ({ value, profile }, entry) => {
  const findings: Finding[] = [];
  const targets = jobVolumes(value, entry)
    .map((v) => asString(v.volume.target))
    .filter((t): t is string => t !== undefined && t.startsWith('/'));
  // A step sees its own volumes too (step-volumes.ts).
  const ownTargets = new Map(
    stepVolumes(value, entry).map((s) => [s.index, s.uses.map((u) => asString(u.volume?.target)).filter((t): t is string => t !== undefined && t.startsWith('/'))]),
  );
  const places: { text: string; path: JsonPath; owner: string; targets: string[] }[] = [];
  const add = (v: unknown, path: JsonPath, owner: string, own: string[] = []) => {
    const text = asString(v);
    // Line breaks and NUL are unsafe-values' to report.
    if (text !== undefined && text !== '' && !/[\0\r\n]/.test(text)) places.push({ text, path, owner, targets: [...targets, ...own] });
  };
  add(entry.job.workdir, [...entry.path, 'workdir'], `job "${entry.name}"`);
  asArray(entry.job.steps).forEach((s, i) => {
    const step = asRecord(s);
    add(step?.workdir, [...entry.path, 'steps', i, 'workdir'], `step ${typeof step?.name === 'string' ? `"${step.name}"` : `#${i + 1}`} of job "${entry.name}"`, ownTargets.get(i));
  });

  for (const { text, path, owner, targets } of places) {
    const label = `The workdir ${printable(text)} of ${owner}`;
    const mounted = targets.some((t) => isUnder(text, t));
    if (!text.startsWith('/')) {
      const variable = variableIn(text);
      findings.push({
        code: 'SF043',
        message: variable !== undefined
          ? `${label} uses ${variable}, which is passed as written, not expanded. Write the full path of a mounted volume or site file system.`
          : `${label} is relative; give an absolute path inside the image, on a mounted volume or a site file system.`,
        path,
      });
      continue;
    }
    if (mounted || HOST_DIRECTORIES.some((d) => isUnder(text, d))) continue;
    if (isUnder(text, '/project') && !profile.siteFileSystems.some((root) => root !== '/' && isUnder(text, root))) {
      const fixed = `/global${text}`;
      findings.push({
        code: 'SF017',
        message: `${label} is under /project, which images see only as /global/project. Write ${fixed}.`,
        path,
        fix: { title: `Change to ${fixed}`, kind: 'replaceValue', yaml: yamlScalar(fixed) },
      });
      continue;
    }
    if (profile.siteFileSystems.some((root) => isUnder(text, root))) continue;
    const volumes = targets.length > 0 ? `its volumes (${targets.join(', ')})` : 'a volume (the job mounts none)';
    findings.push({
      code: 'SF043',
      message: `${label} is inside the image, which is read-only: the job could not write there. Use a path under ${volumes}, a site file system (${profile.siteFileSystems.join(', ')}) or /tmp.`,
      path,
    });
  }
  return findings;
};
