// Where a host path appears inside a job's container: below the target of the volume whose source
// holds it (the longest such source wins, as the innermost mount hides the others), or at its own
// path on one of the profile's site file systems (mounted at the same place on nodes and in images).
// The renderer expands `${{ inputs.X }}`/`${{ outputs.X }}` with it, the rules say when a path is
// nowhere to be seen. Pure text.

import { trimSlashes } from '../workflow/rules/paths';

export interface ViewVolume {
  name?: string;
  source: string;
  target: string;
  readOnly?: boolean;
}

export type Sighting = { via: 'volume'; path: string; volume: ViewVolume } | { via: 'site'; path: string; root: string };

/** How the job sees `host`, or undefined when it cannot (not under a volume's source, not on a site file system). */
export function sightOf(host: string, volumes: readonly ViewVolume[], siteFileSystems: readonly string[]): Sighting | undefined {
  return sighter(volumes, siteFileSystems)(host);
}

/**
 * sightOf for many paths of one job: the volumes' sources and targets and the site roots trimmed once
 * (a job may declare thousands of files, bench P7), each path then compared as text.
 */
export function sighter(volumes: readonly ViewVolume[], siteFileSystems: readonly string[]): (host: string) => Sighting | undefined {
  const mounts = volumes.map((volume) => ({ volume, source: trimSlashes(volume.source), target: trimSlashes(volume.target) }));
  const roots = siteFileSystems.map((root) => ({ root, trimmed: trimSlashes(root) }));
  return (host) => {
    const q = trimSlashes(host);
    let best: (typeof mounts)[number] | undefined;
    for (const m of mounts) if (under(q, m.source) && (!best || m.source.length > best.source.length)) best = m;
    if (best) {
      const rest = q.slice(best.source === '/' ? 0 : best.source.length);
      const target = best.target;
      return { via: 'volume', path: rest === '' ? target : target === '/' ? rest : target + (rest.startsWith('/') ? rest : '/' + rest), volume: best.volume };
    }
    const site = roots.find((r) => under(q, r.trimmed));
    return site !== undefined ? { via: 'site', path: host, root: site.root } : undefined;
  };
}

/** isUnder for paths already trimmed. */
function under(q: string, r: string): boolean {
  if (r === '/') return q.startsWith('/');
  return q.length === r.length ? q === r : q.length > r.length && q.charCodeAt(r.length) === 47 && q.startsWith(r);
}

/** The path the job's command is given: as seen in the image, or the host's when the command runs on the host (engine none). */
export function pathForJob(host: string, volumes: readonly ViewVolume[], siteFileSystems: readonly string[], onHost: boolean): string {
  return jobPaths(volumes, siteFileSystems, onHost)(host);
}

/** pathForJob for many paths of one job. */
export function jobPaths(volumes: readonly ViewVolume[], siteFileSystems: readonly string[], onHost: boolean): (host: string) => string {
  if (onHost) return (host) => host;
  const sight = sighter(volumes, siteFileSystems);
  return (host) => sight(host)?.path ?? host;
}
