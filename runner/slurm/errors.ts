// Errors from driving Slurm. A refusal (bad qos, unknown image, invalid volume map) is the user's to fix
// and carries Slurm's own words; an unreachable controller is reported once the retries are used up.

import { UserError } from '../user-error';

/** Messages that mean "the controller or the database did not answer": the same command may work later. */
export const TRANSIENT_PATTERNS: readonly RegExp[] = [
  /Socket timed out/i,
  /Unable to contact slurm controller/i,
  /Connection refused/i,
  /Zero Bytes were transmitted or received/i,
  /Resource temporarily unavailable/i,
  /slurm_persist_conn_open/i,
  /Connection reset by peer/i,
  /Communication connection failure/i,
];

export function isTransientSlurmError(text: string): boolean {
  return TRANSIENT_PATTERNS.some((re) => re.test(text));
}

/** sbatch refused the submission; `slurmMessage` is sbatch's stderr, unchanged. */
export class SlurmSubmitError extends UserError {
  constructor(
    readonly jobName: string,
    readonly slurmMessage: string,
    readonly argv: readonly string[],
  ) {
    super(`sbatch refused job ${jobName}. Slurm said:\n${indent(slurmMessage || '(no message)')}`, 1);
    this.name = 'SlurmSubmitError';
  }
}

/** A Slurm command failed for a reason that is not transient (or printed something unreadable). */
export class SlurmCommandError extends UserError {
  constructor(
    message: string,
    readonly argv: readonly string[],
    readonly slurmMessage: string,
  ) {
    super(slurmMessage ? `${message}. Slurm said:\n${indent(slurmMessage)}` : message, 1);
    this.name = 'SlurmCommandError';
  }
}

/** The controller (or slurmdbd) stayed unreachable for the whole retry budget. */
export class SlurmUnavailableError extends UserError {
  readonly transient = true;
  constructor(
    message: string,
    readonly lastSlurmMessage: string,
    readonly attempts: number,
  ) {
    super(lastSlurmMessage ? `${message}. Last message from Slurm:\n${indent(lastSlurmMessage)}` : message, 1);
    this.name = 'SlurmUnavailableError';
  }
}

function indent(text: string): string {
  return text
    .trim()
    .split('\n')
    .map((l) => `  | ${l}`)
    .join('\n');
}
