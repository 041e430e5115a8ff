// Exponential backoff with a bounded total time, for commands that hit an unreachable controller.

export interface RetryPolicy {
  /** First wait (ms). */
  initialDelayMs: number;
  /** Each wait is the previous one times this. */
  factor: number;
  /** No single wait is longer than this (ms). */
  maxDelayMs: number;
  /** Give up once this much time (ms) has passed since the first attempt. */
  totalMs: number;
}

/** Controllers at big centres are sometimes busy for minutes (a slurmctld restart, a backlog of RPCs). */
export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 1000, factor: 2, maxDelayMs: 30_000, totalMs: 5 * 60_000 };

export interface Clock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts (the caller looks at the signal). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Hands out the waits of one retried operation; `next()` is undefined once the budget is spent. */
export class Backoff {
  private readonly start: number;
  private delay: number;
  attempts = 0;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly clock: Clock,
  ) {
    this.start = clock.now();
    this.delay = policy.initialDelayMs;
  }

  /** The wait before the next attempt, cut to what is left of the budget; undefined when none is left. */
  next(): number | undefined {
    const left = this.start + this.policy.totalMs - this.clock.now();
    if (left <= 0) return undefined;
    const wait = Math.min(this.delay, this.policy.maxDelayMs, left);
    this.delay = Math.min(this.delay * this.policy.factor, this.policy.maxDelayMs);
    this.attempts++;
    return wait;
  }

  elapsedMs(): number {
    return this.clock.now() - this.start;
  }
}
