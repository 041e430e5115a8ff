// Slurm's job states, as shifterflow tracks them for every executor (the local one speaks them too).

export const ACTIVE_STATES = ['PENDING', 'CONFIGURING', 'RUNNING', 'COMPLETING', 'SUSPENDED', 'REQUEUED', 'RESIZING', 'SIGNALING', 'STAGE_OUT'] as const;
export const FINAL_STATES = ['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'REVOKED', 'SPECIAL_EXIT'] as const;

export type ActiveState = (typeof ACTIVE_STATES)[number];
export type FinalState = (typeof FINAL_STATES)[number];
export type JobState = ActiveState | FinalState | 'UNKNOWN';

export function isFinal(state: JobState): state is FinalState {
  return (FINAL_STATES as readonly string[]).includes(state);
}

/** Slurm prints `CANCELLED by 1000`, `OUT_OF_ME+` (squeue/sacct column cut) and short codes (CD, F, TO...). */
export function parseState(text: string): JobState {
  const word = text.trim().split(/\s+/)[0]?.replace(/\+$/, '').toUpperCase() ?? '';
  const short: Record<string, JobState> = {
    PD: 'PENDING', R: 'RUNNING', CG: 'COMPLETING', CF: 'CONFIGURING', S: 'SUSPENDED', RQ: 'REQUEUED', RS: 'RESIZING', SI: 'SIGNALING', SO: 'STAGE_OUT',
    CD: 'COMPLETED', F: 'FAILED', CA: 'CANCELLED', TO: 'TIMEOUT', NF: 'NODE_FAIL', OOM: 'OUT_OF_MEMORY', PR: 'PREEMPTED', BF: 'BOOT_FAIL', DL: 'DEADLINE', RV: 'REVOKED', SE: 'SPECIAL_EXIT',
  };
  if (short[word]) return short[word];
  const all: readonly string[] = [...ACTIVE_STATES, ...FINAL_STATES];
  const full = all.find((s) => s === word || (word.length >= 8 && s.startsWith(word)));
  return (full as JobState | undefined) ?? 'UNKNOWN';
}

/**
 * A job's state from its tasks' (one, or one per array index; `expected` of them in all): COMPLETED
 * only when every task is; the first other final state when all ended; RUNNING while some task runs
 * or already ended; PENDING before that.
 */
export function aggregateState(states: readonly JobState[], expected: number): JobState {
  if (states.length >= expected && states.every(isFinal)) return states.find((s) => s !== 'COMPLETED') ?? 'COMPLETED';
  if (states.some((s) => s === 'RUNNING' || s === 'COMPLETING' || isFinal(s))) return 'RUNNING';
  return 'PENDING';
}
