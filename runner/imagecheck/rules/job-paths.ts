// SI001 and SI018: what the job must reach. The directories of PATH (and the programs in them), the
// WORKDIR, the ENTRYPOINT/CMD program and each `command:` program of the workflow's jobs: every
// directory leading there needs o+x, a program o+x (a script also o+r). A program found nowhere in
// the image, and not under one of the job's volumes, is SI018.

import { commandProgram } from '../check-context';
import { imageFinding, type ImageFinding } from '../finding';
import type { Resolved } from '../image-index';
import { isUnder, otherCanExec, otherCanRead, owner, type ImageRule } from './rule';

export const jobPaths: ImageRule = (image, context) => {
  const blocked = new Map<string, string>(); // path -> why
  const noteChain = (r: Resolved) => {
    for (const t of r.traversed) if (!otherCanExec(t.entry)) blocked.set(t.path, `directory ${mode(t.entry.mode)} ${owner(t.entry)}, no o+x`);
  };
  const checkDir = (dir: string) => {
    const r = image.resolve(dir);
    if (!r.entry) return;
    noteChain(r);
    if (r.entry.type === 'dir' && !otherCanExec(r.entry)) blocked.set(r.path, `directory ${mode(r.entry.mode)} ${owner(r.entry)}, no o+x`);
  };
  const checkProgram = (r: Resolved) => {
    noteChain(r);
    const e = r.entry;
    if (!e || e.type === 'dir') return;
    if (!otherCanExec(e)) blocked.set(r.path, `program ${mode(e.mode)} ${owner(e)}, no o+x`);
    else if (!otherCanRead(e) && e.size < 64 * 1024) blocked.set(r.path, `program ${mode(e.mode)} ${owner(e)}, no o+r (a script must be read)`);
  };

  for (const dir of image.pathDirs()) {
    checkDir(dir);
    const r = image.resolve(dir);
    if (r.entry?.type !== 'dir') continue;
    // Programs installed for their owner only: executable by someone, but not by others.
    const prefix = r.path + '/';
    for (const [p, e] of image.byPath) {
      if (e.type === 'file' && p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && (e.mode & 0o110) !== 0 && !otherCanExec(e)) {
        blocked.set(p, `program ${mode(e.mode)} ${owner(e)}, no o+x`);
      }
    }
  }
  const workdir = image.facts.config.workdir;
  if (workdir) checkDir(workdir);
  const configProgram = image.facts.config.entrypoint?.[0] ?? image.facts.config.cmd?.[0];
  if (configProgram) {
    const r = image.findProgram(configProgram);
    if (r) checkProgram(r);
  }

  const missing: ImageFinding[] = [];
  for (const use of context.uses ?? []) {
    for (const w of use.workdirs) if (!use.volumeTargets.some((t) => isUnder(w, t))) checkDir(w);
    for (const command of use.commands) {
      const program = commandProgram(command);
      if (!program) continue;
      if (program.startsWith('/') && use.volumeTargets.some((t) => isUnder(program, t))) continue;
      const r = image.findProgram(program);
      if (r) checkProgram(r);
      else if (program.startsWith('/') || !program.includes('/')) {
        missing.push(imageFinding('SI018', `job ${use.job}: program "${program}" is not in the image (PATH ${image.pathDirs().join(':')}) nor under the job's volumes`, [program], { job: use.job }));
      }
    }
  }

  const findings: ImageFinding[] = [];
  if (blocked.size > 0) {
    const paths = [...blocked.keys()].sort();
    const first = paths[0];
    findings.push(imageFinding('SI001', `the job's user cannot reach ${paths.length === 1 ? 'this path' : `${paths.length} paths`} it needs (PATH, WORKDIR, ENTRYPOINT/CMD, command programs): ${first}: ${blocked.get(first)}`, paths));
  }
  return [...findings, ...dedupe(missing)];
};

function dedupe(findings: ImageFinding[]): ImageFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => !seen.has(f.message) && (seen.add(f.message), true));
}

export function mode(m: number): string {
  return '0' + (m & 0o7777).toString(8).padStart(3, '0');
}
