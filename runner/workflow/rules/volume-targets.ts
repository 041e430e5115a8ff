// SF012 SF018 SF019: where inside the image a volume may be mounted. Shifter builds /etc and /var
// itself and keeps its own files under /opt/udiImage, so it refuses those targets by string prefix.

import type { Finding } from '../finding';
import { components, trimSlashes, variableIn } from './paths';
import { asString, printable, yamlScalar, type Rule } from './rule';
import { volumesOf } from './volume-lookup';

export const volumeTargets: Rule = ({ value }) => {
  const findings: Finding[] = [];
  for (const { name, volume, path: volumePath } of volumesOf(value)) {
    const text = asString(volume.target);
    // Relative targets and variables are volume-paths' findings; their depth or prefix means nothing.
    if (text === undefined || !text.startsWith('/') || variableIn(text) !== undefined) continue;
    const path = [...volumePath, 'target'];
    const label = `Volume "${name}" target ${printable(text)}`;
    const target = trimSlashes(text);
    const why = reserved(target);
    if (why) findings.push({ code: 'SF012', message: `${label} is reserved by Shifter: ${why} Mount it elsewhere, for example ${elsewhere(name)}.`, path });
    if (text !== '/' && text.endsWith('/')) {
      findings.push({
        code: 'SF018',
        message: `${label} ends in "/", and Shifter fails on such a target. Write ${target}.`,
        path,
        fix: { title: `Change to ${target}`, kind: 'replaceValue', yaml: yamlScalar(target) },
      });
    }
    const parts = components(target);
    if (parts.length >= 3) {
      const parent = '/' + parts.slice(0, -1).join('/');
      findings.push({
        code: 'SF019',
        message: `${label} is ${parts.length} levels deep: Shifter creates a missing target only when its parent (${parent}) already exists in the image. Make sure it does, or mount at a shallower path such as ${elsewhere(parts[parts.length - 1])}.`,
        path,
      });
    }
  }
  return findings;
};

function elsewhere(name: string): string {
  const candidate = `/${name}`;
  return /^[A-Za-z0-9_.+-]+$/.test(name) && !reserved(candidate) ? candidate : '/data';
}

/** Why Shifter refuses the target, or undefined. Prefixes are compared as text, as Shifter does. */
function reserved(target: string): string | undefined {
  if (target === '/var/tmp' || target.startsWith('/var/tmp/')) return undefined;
  for (const prefix of ['/etc', '/var']) {
    if (target.startsWith(prefix)) {
      const exact = target === prefix || target.startsWith(prefix + '/');
      return exact
        ? `it builds ${prefix} in every container itself${prefix === '/var' ? ' (only /var/tmp may be mounted)' : ''}.`
        : `it refuses every target whose text starts with ${prefix}, so ${target} is refused too.`;
    }
  }
  if (target.startsWith('/opt/udiImage')) return 'it keeps its own site files (such as the MPI libraries) under /opt/udiImage.';
  if (target === '/opt') return 'a volume may go below /opt but not on /opt itself.';
  for (const prefix of ['/dev', '/proc']) {
    if (target === prefix || target.startsWith(prefix + '/')) return `${prefix} belongs to the kernel and the host.`;
  }
  return undefined;
}
