// A rule is a pure function of the scanned image and how the workflow uses it.

import type { CheckContext } from '../check-context';
import type { ImageFinding } from '../finding';
import type { ImageIndex } from '../image-index';
import type { ViewEntry } from '../merged-view';

export type ImageRule = (image: ImageIndex, context: CheckContext) => ImageFinding[];

/** The job's user is never the owner nor in the group (a site user, unknown to the image): only the "other" bits count. */
export const otherCanRead = (e: ViewEntry) => (e.mode & 0o004) !== 0;
export const otherCanExec = (e: ViewEntry) => (e.mode & 0o001) !== 0;

/** Under `dir` (or it): string prefix on a path boundary. */
export function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : dir + '/');
}

export function owner(e: ViewEntry): string {
  return e.uid === 0 ? 'root' : `uid ${e.uid}`;
}
