// SD007: the image's base (the final stage's FROM, through stage aliases) is a release known to ship a
// glibc older than 2.17; SD008: it is built on musl (Alpine). Both matter to MPI jobs (the system MPI
// swapped in needs glibc 2.17 or newer), so they are warnings when the Dockerfile shows MPI and
// information otherwise. Versions are the distributions' own (libc6 / glibc package of each release).

import type { Diagnostic } from '../../workflow/diagnostic';
import { expand, finding } from '../finding';
import { range, type Model } from '../model';

interface OldRelease {
  /** Matches the tag (version or code name, variant suffixes allowed). */
  tag: RegExp;
  glibc: string;
}

const TAIL = '(?:[.-].*)?$';
const rel = (names: string, glibc: string): OldRelease => ({ tag: new RegExp(`^(?:${names})${TAIL}`, 'i'), glibc });

/** Per image name (last path component): old releases, and the nearest tag of the family with glibc >= 2.17. */
const OLD: Record<string, { releases: OldRelease[]; successor: string }> = {
  centos: { releases: [rel('(?:centos)?5', '2.5'), rel('(?:centos)?6', '2.12')], successor: '7' },
  ubuntu: {
    releases: [rel('6\\.06|dapper', '2.3.6'), rel('8\\.04|hardy', '2.7'), rel('10\\.04|lucid', '2.11'), rel('10\\.10|maverick', '2.12'), rel('11\\.04|natty|11\\.10|oneiric', '2.13'), rel('12\\.04|precise|12\\.10|quantal', '2.15')],
    successor: '16.04',
  },
  debian: { releases: [rel('4|etch', '2.3.6'), rel('5|lenny', '2.7'), rel('6|squeeze', '2.11'), rel('7|wheezy', '2.13')], successor: '8' },
  oraclelinux: { releases: [rel('5', '2.5'), rel('6', '2.12')], successor: '7' },
  sl: { releases: [rel('6', '2.12')], successor: '7' },
  fedora: { releases: [rel('1[0-6]|[1-9]', 'older than 2.17'), rel('17', '2.15'), rel('18', '2.16')], successor: '19' },
  rhel6: { releases: [rel('.*', '2.12')], successor: '' },
};

const MPI_WORD = /mpich|openmpi|mvapich|mpi4py|libmpi|mpicc|mpicxx|mpif90|mpirun|mpiexec/i;

export function baseImage(model: Model, file: string): Diagnostic[] {
  const base = model.finalChain[0]?.from;
  if (!base) return [];
  const raw = base.getImage();
  const r = base.getImageRange();
  if (!raw || !r) return [];
  const image = expand(raw, model.initialArgs);
  if (!image) return [];
  const { name, tag } = splitImage(image);
  const mpi = usesMpi(model);
  const severity = mpi ? 'warning' : 'info';
  const why = mpi ? 'this Dockerfile uses MPI' : 'it matters to MPI jobs';
  const start = model.doc.offsetAt(r.start);
  const end = model.doc.offsetAt(r.end);
  const old = OLD[name];
  const hit = old?.releases.find((x) => x.tag.test(tag));
  if (old && hit) {
    const glibc = hit.glibc.startsWith('older') ? `a glibc ${hit.glibc}` : `glibc ${hit.glibc}`;
    const tagRange = base.getImageTagRange();
    const literalTag = tagRange && !raw.includes('$') && old.successor;
    const fix = literalTag ? { title: `Use ${name}:${old.successor}`, edits: [{ range: range(model.doc, model.doc.offsetAt(tagRange.start), model.doc.offsetAt(tagRange.end)), newText: old.successor }] } : undefined;
    return [finding(model, file, 'SD007', start, end, `${image} has ${glibc}: Shifter's MPI swap-in needs glibc 2.17 or newer (${why}); use a newer base${old.successor ? ` such as ${name}:${old.successor}` : ' (glibc 2.17 or newer)'}`, fix, severity)];
  }
  if (name === 'alpine' || /(?:^|-)alpine|musl/i.test(tag)) {
    return [finding(model, file, 'SD008', start, end, `${image} is built on musl, not glibc: MPI jobs cannot get the system MPI Shifter swaps in (${why}); use a glibc-based image (Debian, Ubuntu, Rocky)`, undefined, severity)];
  }
  return [];
}

export function splitImage(image: string): { name: string; tag: string } {
  const noDigest = image.split('@')[0];
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  const path = hasTag ? noDigest.slice(0, colon) : noDigest;
  return { name: path.slice(path.lastIndexOf('/') + 1).toLowerCase(), tag: hasTag ? noDigest.slice(colon + 1) : 'latest' };
}

function usesMpi(model: Model): boolean {
  for (const stage of model.stages) {
    if (!model.reachable.has(stage)) continue;
    for (const step of stage.steps) {
      if (step.kind === 'run' && step.commands.some((c) => c.argv.some((w) => MPI_WORD.test(w.value)))) return true;
    }
  }
  return false;
}
