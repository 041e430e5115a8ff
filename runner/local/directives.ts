// Reads the #SBATCH lines of a batch script, as sbatch does: only the comment block at the top, up
// to the first command. The local executor honours the ones that matter on one machine.

import { parseArraySpec } from '../plan/array-indices';
import { parseSlurmTime } from '../plan/slurm-time';

export interface Directives {
  jobName?: string;
  array?: { indices: number[]; maxParallel?: number };
  image?: string;
  volume?: string;
  module?: string;
  timeSeconds?: number;
  raw: Record<string, string>;
}

export function readDirectives(script: string): Directives {
  const raw: Record<string, string> = {};
  for (const line of script.split('\n')) {
    const t = line.trim();
    if (t === '' || (t.startsWith('#') && !t.startsWith('#SBATCH'))) continue;
    if (!t.startsWith('#SBATCH')) break;
    const m = /^#SBATCH\s+--?([A-Za-z-]+)(?:[=\s]\s*(.*))?$/.exec(t);
    if (m) raw[m[1]] = unquote((m[2] ?? '').trim());
  }
  const d: Directives = { raw, jobName: raw['job-name'], image: raw.image, volume: raw.volume, module: raw.module };
  if (raw.array) d.array = parseArraySpec(raw.array);
  if (raw.time) d.timeSeconds = parseSlurmTime(raw.time);
  return d;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}
