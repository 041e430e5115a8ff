// SF051/SF052: a declared file must be where the job sees it inside its image (under the source of
// one of its volumes, or on a site file system), and an output where it can write (not under a
// readOnly volume, not inside the image, which is read-only). A fix mounts a volume the workflow
// already defines when its source holds the path.

import { sighter } from '../../plan/job-view';
import type { Finding, FindingFix } from '../finding';
import { declaredPaths, resolvedIn } from './declared-files';
import { isUnder } from './paths';
import { asArray, asString, printable, yamlScalar, type JobEntry, type JobRule } from './rule';
import { jobVolumes, volumesOf } from './volume-lookup';

export const fileVisibility: JobRule = ({ value, profile, workflowDir }, entry) => {
  const findings: Finding[] = [];
  const mounted = jobVolumes(value, entry).flatMap((v) => {
    const source = asString(v.volume.source);
    const target = asString(v.volume.target);
    return source !== undefined && target !== undefined ? [{ name: v.name, source, target, readOnly: v.volume.readOnly === true }] : [];
  });
  const sight = sighter(mounted, profile.siteFileSystems);
  for (const d of declaredPaths(entry)) {
    if (d.kind === 'outputs' && /[\0\r\n]/.test(d.text)) continue;
    const host = resolvedIn(d.text.includes('${{') ? d.text.replace(/\$\{\{[^}]*\}\}/g, 'x') : d.text, undefined, workflowDir);
    if (host === undefined) continue;
    const seen = sight(host);
    if (seen && (d.kind === 'inputs' || seen.via !== 'volume' || !seen.volume.readOnly)) continue;
    const label = `${d.kind === 'inputs' ? 'Input' : 'Output'} ${d.name} (${printable(host)}) of job "${entry.name}"`;
    if (!seen) {
      const where = `not under a volume the job mounts${mounted.length ? ` (${mounted.map((m) => m.source).join(', ')})` : ''} nor on a site file system (profile ${profile.name}: ${profile.siteFileSystems.join(', ') || 'none'})`;
      const finding: Finding = d.kind === 'inputs'
        ? { code: 'SF051', message: `${label} is ${where}: the job could not see it inside its image. Mount a volume whose source holds it.`, path: d.path }
        : { code: 'SF052', message: `${label} is ${where}: it would be written inside the image, which is read-only. Mount a writable volume whose source holds it.`, path: d.path };
      const fix = mountFix(value, entry, host, mounted.map((m) => m.name));
      if (fix) finding.fix = fix;
      findings.push(finding);
    } else if (seen.via === 'volume') {
      findings.push({ code: 'SF052', message: `${label} is under volume ${seen.volume.name}, which is readOnly: the job could not write it. Write it elsewhere, or make the volume writable.`, path: d.path });
    }
  }
  return findings;
};

/** Mounting a volume the workflow defines whose source holds `host` (the innermost), if there is one. */
function mountFix(value: Record<string, unknown>, entry: JobEntry, host: string, mounted: string[]): FindingFix | undefined {
  let best: { name: string; source: string } | undefined;
  for (const v of volumesOf(value)) {
    const source = asString(v.volume.source);
    if (source === undefined || mounted.includes(v.name) || !isUnder(host, source)) continue;
    if (!best || source.length > best.source.length) best = { name: v.name, source };
  }
  if (!best) return undefined;
  const title = `Mount volume ${best.name} in job ${entry.name}`;
  if (entry.job.volumes === undefined) return { title, kind: 'addKey', key: 'volumes', yaml: `[${yamlScalar(best.name)}]`, at: entry.path };
  const names = [...asArray(entry.job.volumes).filter((n): n is string => typeof n === 'string'), best.name];
  return { title, kind: 'replaceValue', yaml: `[${names.map(yamlScalar).join(', ')}]`, at: [...entry.path, 'volumes'] };
}
