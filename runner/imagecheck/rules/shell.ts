// SI019: a command with shell syntax is rendered `shifter /bin/sh -c '<the command>'`
// (render/command-form.ts), so the image's /bin/sh runs it, once per task. An image without a /bin/sh
// the job's user can start (none, a link left pointing at nothing by a later layer's whiteout, a
// directory, no o+x) fails every such command at its first task; a plain command does not need one.

import { imageFinding } from '../finding';
import type { ImageRule } from './rule';

export const shell: ImageRule = (image, context) => {
  const needing = (context.uses ?? []).filter((u) => u.shell !== undefined);
  if (needing.length === 0) return [];
  const sh = image.runnable('/bin/sh');
  if (sh.ok) return [];
  return needing.map((u) =>
    imageFinding('SI019', `job ${u.job}: the command needs a shell (it has ${u.shell}), so it runs as /bin/sh -c '...' inside the image, and ${sh.why}`, ['/bin/sh'], { job: u.job, ...(u.at ? { at: u.at } : {}) }),
  );
};
