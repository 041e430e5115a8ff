// SI012: setuid/setgid bits give nothing under Shifter (the job never becomes root).

import { imageFinding } from '../finding';
import type { ImageRule } from './rule';

export const setuid: ImageRule = (image) => {
  const paths: string[] = [];
  for (const [p, e] of image.byPath) if (e.type === 'file' && (e.mode & 0o6000) !== 0) paths.push(p);
  if (paths.length === 0) return [];
  return [imageFinding('SI012', `${paths.length} setuid/setgid file${paths.length === 1 ? '' : 's'}: the bits do not work under Shifter`, paths)];
};
