// What the image check reports: a code from codes.ts, its severity, the paths concerned (the first
// few, with the full count) and the fix. Findings are data: the CLI prints them, validate positions
// them at the image's line.

import type { Severity } from '../workflow/diagnostic';
import { IMAGE_CODES, type ImageCode } from './codes';

export const PATHS_SHOWN = 5;

export interface ImageFinding {
  code: ImageCode;
  severity: Severity;
  message: string;
  /** The first PATHS_SHOWN paths concerned, sorted. */
  paths: string[];
  /** How many paths there are in all. */
  count: number;
  fix: string;
  /** The workflow job whose use of the image this is about, when one is. */
  job?: string;
  /** Where in the workflow file the finding belongs (a JSON path), when not at the image's line. */
  at?: (string | number)[];
}

export function imageFinding(code: ImageCode, message: string, paths: readonly string[] = [], options: { severity?: Severity; job?: string; at?: (string | number)[] } = {}): ImageFinding {
  const info = IMAGE_CODES[code];
  const unique = [...new Set(paths)].sort();
  const f: ImageFinding = { code, severity: options.severity ?? info.severity, message, paths: unique.slice(0, PATHS_SHOWN), count: unique.length, fix: info.fix };
  if (options.job !== undefined) f.job = options.job;
  if (options.at !== undefined) f.at = options.at;
  return f;
}

/** `a, b, c and 4 more` */
export function listPaths(f: Pick<ImageFinding, 'paths' | 'count'>): string {
  const more = f.count - f.paths.length;
  return f.paths.join(', ') + (more > 0 ? ` and ${more} more` : '');
}

export function hasImageErrors(findings: readonly ImageFinding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}
