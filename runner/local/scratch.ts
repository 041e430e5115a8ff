// perNodeCache on one machine: a fresh, empty directory owned by the container's user, mounted at the
// target. Shifter gives an --exclusive job one per node that lasts across the job's steps, and every
// container of a shared job a new one; so here an exclusive job's lives under the job's directory
// (the local executor removes it when the job ends) and any other is removed when its container
// exits. The size is not enforced: the directory lives on the host's temporary file system.

import { createHash } from 'node:crypto';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchRequest {
  /** The executor's scratch root (SF_LOCAL_SCRATCH), or a default under the temporary directory. */
  root?: string;
  jobId?: string;
  exclusive: boolean;
  target: string;
  uid: number;
  gid: number;
}

export function defaultScratchRoot(): string {
  return join(tmpdir(), `shifterflow-scratch-${process.getuid?.() ?? 0}`);
}

export function scratchDir(r: ScratchRequest): { path: string; remove?: () => void } {
  const root = r.root ?? defaultScratchRoot();
  // Other users may pass through (the container's user must reach its own directory) but not list it.
  mkdirSync(root, { recursive: true, mode: 0o711 });
  let path: string;
  let remove: (() => void) | undefined;
  if (r.exclusive && r.jobId) {
    const jobDir = join(root, `job_${r.jobId.replace(/[^A-Za-z0-9_.-]/g, '_')}`);
    mkdirSync(jobDir, { recursive: true, mode: 0o711 });
    path = join(jobDir, createHash('sha256').update(r.target).digest('hex').slice(0, 16));
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } else {
    path = mkdtempSync(join(root, 'cache-'));
    remove = () => rmSync(path, { recursive: true, force: true });
  }
  if (process.getuid?.() === 0 && r.uid !== 0) chownSync(path, r.uid, r.gid);
  return { path, remove };
}
