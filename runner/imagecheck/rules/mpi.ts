// SI009 and SI010: MPI jobs need an MPICH-ABI library where ld.so looks by default (Shifter swaps
// the site's MPICH in by its ABI names: libmpi.so.12, or libmpich.so.12, the name Debian's MPICH and
// programs linked against it use; the site's MPICH-ABI build provides both), and the guide asks for MPICH built in user space, not the
// distribution's packages (their database says which are installed: dpkg's status, apk's installed,
// rpm's database mentioning mpich).

import { imageFinding, type ImageFinding } from '../finding';
import { mpiMatters } from './libc';
import type { ImageRule } from './rule';

const MPI_ABI_NAMES = ['libmpi.so.12', 'libmpich.so.12'];

export const mpi: ImageRule = (image, context) => {
  const findings: ImageFinding[] = [];
  const mpiJobs = (context.uses ?? []).filter((u) => u.mpi).map((u) => u.job);
  if (mpiMatters(context)) {
    const dirs = image.librarySearchDirs();
    const found = dirs.flatMap((d) => MPI_ABI_NAMES.map((n) => image.resolve(`${d}/${n}`))).find((r) => r.entry && r.entry.type !== 'dir');
    if (!found) {
      const who = mpiJobs.length > 0 ? `MPI job${mpiJobs.length === 1 ? '' : 's'} ${mpiJobs.join(', ')}: ` : '';
      findings.push(imageFinding('SI009', `${who}no MPICH-ABI libmpi.so.12 (or libmpich.so.12) in the standard search path (${dirs.join(', ')})`, dirs.map((d) => `${d}/libmpi.so.12`)));
    }
  }
  const packaged: string[] = [];
  for (const [path, value] of Object.entries(image.facts.captured)) {
    if (value.kind === 'dpkg-status') packaged.push(...value.installed.filter((n) => /mpich/.test(n)).map((n) => `${path}: ${n}`));
    if (value.kind === 'apk-installed') packaged.push(...value.packages.filter((n) => /mpich/.test(n)).map((n) => `${path}: ${n}`));
    if (value.kind === 'rpm-db' && value.mentionsMpich) packaged.push(`${path}: mpich`);
  }
  if (packaged.length > 0 && (mpiMatters(context) || !context.uses)) {
    findings.push(imageFinding('SI010', `MPICH comes from the distribution's packages (${packaged.map((p) => p.split(': ')[1]).slice(0, 3).join(', ')})`, packaged));
  }
  return findings;
};
