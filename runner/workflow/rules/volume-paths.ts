// SF013 SF014 SF015 SF016 SF017 SF022: the text of volume sources and targets. Shifter filters each
// path character by character before it validates it, so what it mounts can differ silently from what
// was written; these rules make every such path fail here instead, with the reason.

import type { Finding } from '../finding';
import { components, isUnder, normalize, variableIn } from './paths';
import { asString, printable, yamlScalar, type Rule } from './rule';
import { volumesOf } from './volume-lookup';

export const volumePaths: Rule = ({ value, profile }) => {
  const findings: Finding[] = [];
  for (const { name, volume, path: volumePath } of volumesOf(value)) {
    for (const field of ['source', 'target'] as const) {
      const text = asString(volume[field]);
      if (text === undefined || text === '') continue;
      const path = [...volumePath, field];
      const label = `Volume "${name}" ${field} "${printable(text)}"`;
      const variable = variableIn(text);
      if (variable !== undefined) {
        // The variable would also read as relative and as dropped characters: say the real cause once.
        const what = variable === '~' ? '~ is' : `${variable} is`;
        findings.push({
          code: 'SF016',
          message: `${label}: ${what} not expanded in #SBATCH lines (nor on a step's own shifter line, where it is quoted), so the volume map is refused. Write the full path${variable === '~' ? ' of your home directory' : ` (echo ${variable} on a login node prints it)`}.`,
          path,
        });
        continue;
      }
      const absolute = text.startsWith('/');
      if (!absolute) {
        findings.push({ code: 'SF013', message: `${label} is relative; Shifter needs an absolute path (starting with /).`, path });
      }
      if (text.includes('..')) {
        // Shifter looks for the two characters anywhere, not only as a path component.
        const f: Finding = { code: 'SF014', message: `${label} contains "..", which Shifter refuses anywhere in a volume path. Write the path without it.`, path };
        const resolved = normalize(text);
        if (absolute && components(text).every((c) => c === '..' || !c.includes('..')) && !resolved.includes('..')) {
          f.message = `${label} contains "..", which Shifter refuses in volume paths. Write it resolved: ${resolved}.`;
          f.fix = { title: `Change to ${resolved}`, kind: 'replaceValue', yaml: yamlScalar(resolved) };
        }
        findings.push(f);
      }
      const dropped = droppedCharacters(text);
      if (dropped.length > 0) {
        findings.push({ code: 'SF015', message: `${label} contains ${dropped.map(show).join(', ')}: ${droppedReason(dropped)} Rename the directory or choose another path.`, path });
      }
      if (field !== 'source' || !absolute) continue;
      if (isUnder(text, '/project') && !explicitlyMounted(text, profile.siteFileSystems)) {
        const fixed = `/global${text}`;
        findings.push({
          code: 'SF017',
          message: `${label}: project space is mounted as /global/project on the compute nodes and inside images, so /project is not found there. Write ${fixed}.`,
          path,
          fix: { title: `Change to ${fixed}`, kind: 'replaceValue', yaml: yamlScalar(fixed) },
        });
        continue;
      }
      if (dropped.length === 0 && !text.includes('..') && !profile.siteFileSystems.some((root) => isUnder(text, root))) {
        findings.push({
          code: 'SF022',
          message: `${label} is not on a file system the compute nodes mount (profile ${profile.name}: ${profile.siteFileSystems.join(', ') || 'none'}); every step would fail with "FAILED to find real path for volume". Put the data under one of them.`,
          path,
        });
      }
    }
  }
  return findings;
};

/** Characters Shifter's path filter removes, plus ':' which splits `source:target:flags` first. NUL is SF046's. */
function droppedCharacters(text: string): string[] {
  return [...new Set([...text].filter((c) => c !== '\0' && !/[A-Za-z0-9_.+/-]/.test(c)))];
}

function droppedReason(chars: string[]): string {
  const colon = chars.includes(':');
  const others = chars.some((c) => c !== ':');
  if (colon && !others) return `":" separates source, target and flags in a Shifter volume, so the path would be cut there.`;
  const drop = 'Shifter silently removes every character outside letters, digits and _ . + - / from volume paths, so the mount would go elsewhere';
  return colon ? `${drop}, and ":" would cut the path in two.` : `${drop}.`;
}

function show(c: string): string {
  if (c === ' ') return 'a space';
  if (c === '\n' || c === '\r') return 'a line break';
  if (c === '\t') return 'a tab';
  return `"${c}"`;
}

/** A site that really mounts /project (not merely "/") says so in its profile. */
function explicitlyMounted(text: string, roots: string[]): boolean {
  return roots.some((root) => root !== '/' && isUnder(text, root));
}
