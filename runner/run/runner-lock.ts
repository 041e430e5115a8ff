// `runner.pid` in a run directory: which process is following the run right now. It lets `cancel`
// reach a live runner, and refuses a second runner on the same run (two followers would submit the
// same retry twice). Two runs of one workflow get two run ids and never share a directory.

import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function runnerPidFile(runRoot: string): string {
  return join(runRoot, 'runner.pid');
}

export function liveRunner(runRoot: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(runnerPidFile(runRoot), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/** Claims the run for this process; returns the pid of the runner that already has it, if any. */
export function claimRun(runRoot: string): number | undefined {
  const other = liveRunner(runRoot);
  if (other !== undefined && other !== process.pid) return other;
  writeFileSync(runnerPidFile(runRoot), `${process.pid}\n`, { mode: 0o600 });
  return undefined;
}

export function releaseRun(runRoot: string): void {
  if (liveRunner(runRoot) === process.pid) unlinkSync(runnerPidFile(runRoot));
}
