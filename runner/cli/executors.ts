// Which executor a command talks to, and how the images get ready before a run submits anything.

import { availableParallelism } from 'node:os';
import type { Plan } from '../plan/types';
import { LocalExecutor } from '../local/local-executor';
import { SlurmExecutor } from '../slurm';
import { pullAll, ImageGatewayUnreachableError } from '../images';
import { event, type RunEvent } from '../run/events';
import type { Executor } from '../run/executor';
import { UserError } from '../user-error';

export { scriptEngine } from './script-engine';

export function makeExecutor(kind: string, engine: string, emit: (e: RunEvent) => void): Executor {
  if (kind === 'local') return new LocalExecutor({ slots: availableParallelism(), engine: engine === 'auto' ? 'none' : engine });
  if (kind === 'slurm') {
    const warn = (message: string) => emit(event('message', { level: 'warning', text: message }));
    return new SlurmExecutor({ onRetry: warn, onWarning: warn });
  }
  throw new UserError(`unknown executor "${kind}"`);
}

/** An executor for status and cancel of jobs submitted earlier (no runner is following them). */
export function makeTracker(kind: string): Executor {
  if (kind === 'slurm') return new SlurmExecutor({ onRetry: (message) => process.stderr.write(`${message}\n`) });
  // Local jobs live inside their runner; without it there is nothing left to reach.
  return new LocalExecutor({ slots: 1, engine: 'none' });
}

/**
 * Shifter: every image pulled once, in parallel, and READY before anything is submitted (sbatch
 * itself refuses an image that is not); the pinned ids go to the journal. Any failure stops the run.
 */
export async function pullShifterImages(plan: Plan, emit: (e: RunEvent) => void): Promise<void> {
  let results;
  try {
    results = await pullAll(
      plan.images.map((i) => ({ ref: i.ref, users: i.users, groups: i.groups })),
      // Every pull at once: the gateway converts images side by side, so the wait is the slowest pull.
      { onStatus: (ref, status) => emit(event('image', { ref, status })), concurrency: Math.max(1, plan.images.length) },
    );
  } catch (e) {
    if (e instanceof ImageGatewayUnreachableError) throw new UserError(`${e.message}; nothing was submitted`, 1);
    throw e;
  }
  for (const r of results) emit(event('image', { ref: r.ref, status: r.status, id: r.id, message: r.message }));
  const failed = results.filter((r) => !r.ok);
  if (failed.length > 0) {
    throw new UserError(`${failed.map((r) => `image ${r.ref} is ${r.status}${r.message ? `: ${r.message}` : ''}`).join('; ')}; nothing was submitted`, 1);
  }
}
