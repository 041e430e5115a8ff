// A CommandRunner for unit tests of parsing and retry logic: it answers each command with the next
// recorded result, checks the command is the expected one, and keeps every argv it was given.
// (The real programs are exercised by the @cluster tests.)

import assert from 'node:assert/strict';
import type { CommandResult, CommandRunner, RunOptions } from '../../runner/slurm/command-runner';
import type { Clock } from '../../runner/slurm/retry';

export interface Step {
  /** argv[0] expected (the program name). */
  program: string;
  /** Each of these must be among the arguments. */
  includes?: string[];
  result?: Partial<CommandResult>;
  /** Delivered through onStdout piece by piece before the command "exits". */
  chunks?: string[];
}

export class ScriptedRunner implements CommandRunner {
  readonly calls: { argv: string[]; opts: RunOptions }[] = [];
  private readonly steps: Step[];

  constructor(steps: Step[]) {
    this.steps = [...steps];
  }

  async run(argv: string[], opts: RunOptions = {}): Promise<CommandResult> {
    this.calls.push({ argv, opts });
    const step = this.steps.shift();
    assert.ok(step, `unexpected command (script exhausted): ${argv.join(' ')}`);
    assert.equal(argv[0], step.program, `expected ${step.program}, got: ${argv.join(' ')}`);
    for (const want of step.includes ?? []) assert.ok(argv.includes(want), `${argv.join(' ')} lacks ${want}`);
    let stdout = step.result?.stdout ?? '';
    if (step.chunks) {
      for (const c of step.chunks) opts.onStdout?.(c);
      stdout = step.chunks.join('');
    }
    return { code: 0, stderr: '', ...step.result, stdout };
  }

  /** Every scripted step was used. */
  assertDone(): void {
    assert.equal(this.steps.length, 0, `unused steps: ${this.steps.map((s) => s.program).join(', ')}`);
  }

  programs(): string[] {
    return this.calls.map((c) => c.argv[0]);
  }
}

/** Time that only moves when slept on. */
export class FakeClock implements Clock {
  t = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += ms;
  }
}
