// Where a host path appears inside a job's container: below the target of the volume whose source
// holds it (the longest such source wins, as the innermost mount hides the others), or at its own
// path on one of the profile's site file systems (mounted at the same place on nodes and in images).
// The renderer expands `${{ inputs.X }}`/`${{ outputs.X }}` with it, the rules say when a path is
// nowhere to be seen. Pure text.

import { isUnder, trimSlashes } from '../workflow/rules/paths';

export interface ViewVolume {
  name?: string;
  source: string;
  target: string;
  readOnly?: boolean;
}

export type Sighting = { via: 'volume'; path: string; volume: ViewVolume } | { via: 'site'; path: string; root: string };

/** How the job sees `host`, or undefined when it cannot (not under a volume's source, not on a site file system). */
export function sightOf(host: string, volumes: readonly ViewVolume[], siteFileSystems: readonly string[]): Sighting | undefined {
  let best: ViewVolume | undefined;
  for (const v of volumes) if (isUnder(host, v.source) && (!best || trimSlashes(v.source).length > trimSlashes(best.source).length)) best = v;
  if (best) {
    const source = trimSlashes(best.source);
    const rest = trimSlashes(host).slice(source === '/' ? 0 : source.length);
    const target = trimSlashes(best.target);
    return { via: 'volume', path: rest === '' ? target : target === '/' ? rest : target + (rest.startsWith('/') ? rest : '/' + rest), volume: best };
  }
  const root = siteFileSystems.find((r) => isUnder(host, r));
  return root !== undefined ? { via: 'site', path: host, root } : undefined;
}

/** The path the job's command is given: as seen in the image, or the host's when the command runs on the host (engine none). */
export function pathForJob(host: string, volumes: readonly ViewVolume[], siteFileSystems: readonly string[], onHost: boolean): string {
  if (onHost) return host;
  return sightOf(host, volumes, siteFileSystems)?.path ?? host;
}
