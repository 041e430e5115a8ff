// A job can fail before its command ever runs because srun, inside the batch script, could not reach
// slurmctld to confirm the allocation or create the job step (a controller restart or outage longer
// than MessageTimeout). That failure is the cluster's, not the job's: the runner resubmits such a job
// without spending the user's retries. Recognised by srun's own error lines in the job's stderr.

import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { isTransientSlurmError } from './errors';

// srun/libsrun: existing_allocation() "Unable to confirm allocation for job %u: %m" and
// launch_common_create_job_step() "Unable to create step for job %u: %m" (%m is slurm_strerror).
const LAUNCH_ERROR = /^srun: error: (Unable to confirm allocation for job \d+|Unable to create step for job \d+): (.+)$/gm;

/** srun's line saying it could not start the step because Slurm did not answer, or undefined. */
export function srunLaunchFailure(stderrText: string): string | undefined {
  for (const m of stderrText.matchAll(LAUNCH_ERROR)) {
    if (isTransientSlurmError(m[2])) return m[0].trim();
  }
  return undefined;
}

/** The last `bytes` of a file ('' when it cannot be read: a missing log explains nothing). */
export function readTail(path: string, bytes = 16 * 1024): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    return buf.toString('utf8');
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
