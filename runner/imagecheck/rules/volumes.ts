// SI015, SI016, SI017: the workflow's volume targets seen in the image. The validator's SF012 and
// SF019 read the text only; here the image says what is really at the target: a file (no mount on
// it), a symbolic link that leads into /etc or /var (refused like a written one), or nothing with no
// parent either (Shifter creates one level only).

import { imageFinding, type ImageFinding } from '../finding';
import { parentOf } from '../merged-view';
import { isUnder, type ImageRule } from './rule';

export const volumes: ImageRule = (image, context) => {
  const findings: ImageFinding[] = [];
  const seen = new Set<string>();
  for (const use of context.uses ?? []) {
    for (const target of use.volumeTargets) {
      const key = `${use.job}\0${target}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const r = image.resolve(target);
      const written = isUnder(target, '/etc') || (isUnder(target, '/var') && !isUnder(target, '/var/tmp'));
      if (!written && r.viaLinks && (isUnder(r.path, '/etc') || (isUnder(r.path, '/var') && !isUnder(r.path, '/var/tmp')))) {
        findings.push(imageFinding('SI016', `job ${use.job}: volume target ${target} is ${r.path} in the image (through a symbolic link), under /etc or /var`, [target], { job: use.job }));
      } else if (r.entry && r.entry.type !== 'dir') {
        findings.push(imageFinding('SI015', `job ${use.job}: volume target ${target} is a ${r.entry.type === 'symlink' ? 'dangling link' : 'file'} in the image`, [target], { job: use.job }));
      } else if (!r.entry && !image.resolve(parentOf(r.path)).entry && parentOf(r.path) !== '/') {
        findings.push(imageFinding('SI017', `job ${use.job}: volume target ${target} does not exist in the image and neither does ${parentOf(r.path)}`, [target], { job: use.job }));
      }
    }
  }
  return findings;
};
