// The installed package's root, wherever the code runs from (dist/ bundle or out/ for tests).

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function packageRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'schemas'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`shifterflow: cannot find the package root above ${from}`);
    dir = up;
  }
  return dir;
}
