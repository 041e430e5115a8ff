// Shifter's volume map, read as `shifter` reads it (docs/shifter.md, "Volume specs"), so that a
// mount that would fail or go elsewhere at the centre fails here too, before the container starts:
//   entries `from:to[:flag[:flag...]]` separated by `;`; flags `ro` and
//   `perNodeCache=size=N[,bs=N][,fs=xfs][,method=loop]` only, each at most once; both paths absolute,
//   no `..`, only [A-Za-z0-9_.+-/] (Shifter silently drops the rest); targets not under /etc, /var
//   (but /var/tmp), /opt/udiImage (string prefixes), not /opt, /dev, /proc; no trailing `/`; the
//   source an existing directory.

import { statSync } from 'node:fs';

export interface PerNodeCache {
  size: string;
  bs?: string;
  fs?: string;
  method?: string;
}

export interface VolumeEntry {
  source: string;
  target: string;
  readOnly: boolean;
  perNodeCache?: PerNodeCache;
}

export type VolumeMapResult = { ok: true; entries: VolumeEntry[] } | { ok: false; errors: string[] };

const KEPT = /^[A-Za-z0-9_.+/-]*$/;
const SIZE = /^\d+[bkmgtpe]?$/i;

export function parseVolumeMap(text: string): VolumeMapResult {
  const entries: VolumeEntry[] = [];
  const errors: string[] = [];
  for (const raw of text.split(';')) {
    if (raw.trim() === '') continue;
    const r = parseEntry(raw);
    if (typeof r === 'string') errors.push(r);
    else entries.push(r);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, entries };
}

function parseEntry(raw: string): VolumeEntry | string {
  const [source, target, ...flags] = raw.split(':');
  if (target === undefined) return `Invalid Volume Map: ${raw}: needs from:to`;
  for (const [what, p] of [['from', source], ['to', target]] as const) {
    const problem = pathProblem(p);
    if (problem) return `Invalid Volume Map: ${raw}: "${what}" ${problem}`;
  }
  const why = reservedTarget(target);
  if (why) return `Invalid Volume Map: ${raw}: target ${target} ${why}`;
  if (target.length > 1 && target.endsWith('/')) return `FAILED to create volume "to": ${target}, cannot create mount points in that location`;
  const entry: VolumeEntry = { source, target, readOnly: false };
  const seen = new Set<string>();
  for (const flag of flags) {
    const name = flag.startsWith('perNodeCache=') ? 'perNodeCache' : flag;
    if (seen.has(name)) return `Invalid Volume Map: ${raw}: flag ${name} given twice`;
    seen.add(name);
    if (flag === 'ro') entry.readOnly = true;
    else if (name === 'perNodeCache') {
      const c = parsePerNodeCache(flag.slice('perNodeCache='.length));
      if (typeof c === 'string') return `Invalid Volume Map: ${raw}: ${c}`;
      entry.perNodeCache = c;
    } else return `Invalid Volume Map: ${raw}: unknown flag ${JSON.stringify(flag)} (flags are ro and perNodeCache=..., separated by ":")`;
  }
  return entry;
}

function parsePerNodeCache(text: string): PerNodeCache | string {
  const out: Partial<PerNodeCache> = {};
  for (const kv of text.split(',')) {
    const [k, v] = kv.split('=');
    if (v === undefined || !['size', 'bs', 'fs', 'method'].includes(k)) return `perNodeCache option ${JSON.stringify(kv)} is not size=, bs=, fs= or method=`;
    if ((k === 'size' || k === 'bs') && !SIZE.test(v)) return `perNodeCache ${k}=${v} is not a size (a number with b k m g t p or e)`;
    if (k === 'fs' && v !== 'xfs') return `perNodeCache fs=${v}: only xfs exists`;
    if (k === 'method' && v !== 'loop') return `perNodeCache method=${v}: only loop exists`;
    (out as Record<string, string>)[k] = v;
  }
  if (out.size === undefined) return 'perNodeCache needs size=';
  return out as PerNodeCache;
}

/** What Shifter holds against a volume path (either side), or undefined. */
export function pathProblem(p: string): string | undefined {
  if (!p.startsWith('/')) return `${JSON.stringify(p)} is not an absolute path`;
  if (p.includes('..')) return `${JSON.stringify(p)} contains ".."`;
  if (!KEPT.test(p)) return `${JSON.stringify(p)} has characters Shifter silently removes (only letters, digits and _ . + - / are kept)`;
  return undefined;
}

/** Why Shifter refuses a target, or undefined. Prefixes are text prefixes, as in Shifter. */
export function reservedTarget(target: string): string | undefined {
  if (target === '/') return 'is the root of the image';
  if (target === '/var/tmp' || target.startsWith('/var/tmp/')) return undefined;
  for (const p of ['/etc', '/var', '/opt/udiImage']) if (target.startsWith(p)) return `is reserved by Shifter (no target may start with ${p})`;
  if (target === '/opt' || target === '/opt/') return 'is reserved by Shifter (a volume may go below /opt, not on it)';
  for (const p of ['/dev', '/proc']) if (target === p || target.startsWith(`${p}/`)) return `is reserved by Shifter (${p} belongs to the host)`;
  return undefined;
}

/** Sources must exist and be directories (perNodeCache makes its own). Shifter's own messages. */
export function checkSources(entries: readonly VolumeEntry[], stat: (p: string) => { isDirectory(): boolean } | undefined = statOrUndefined): string[] {
  const errors: string[] = [];
  for (const v of entries) {
    if (v.perNodeCache) continue;
    const st = stat(v.source);
    if (!st) errors.push(`FAILED to find real path for volume "from": ${v.source}`);
    else if (!st.isDirectory()) errors.push(`FAILED "from" location is not directory: ${v.source}`);
  }
  return errors;
}

function statOrUndefined(p: string) {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}
