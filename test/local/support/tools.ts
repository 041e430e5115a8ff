// The real programs the local e2e tests drive. Missing ones FAIL the tests with the command that
// installs them (test/local/support/install.sh): a test that skips would pass on a machine that
// cannot run a single container.

import assert from 'node:assert/strict';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function which(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, program);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function requireTools(programs: readonly string[]): void {
  const missing = programs.filter((p) => !which(p));
  assert.deepEqual(missing, [], `missing ${missing.join(', ')}: run test/local/support/install.sh (as root: apt-get install bubblewrap podman skopeo umoci runc fuse-overlayfs uidmap docker-registry busybox-static)`);
}

/** What every local e2e test needs: the registry and image tools, and busybox for the images. */
export const IMAGE_TOOLS = ['docker-registry', 'skopeo', 'umoci', 'busybox'];
