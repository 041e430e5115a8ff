// An error the user can fix (a bad flag, a missing file). The CLI prints its message alone, never a
// stack trace, and exits with its code (2 for usage, 1 for a failed check or run).

export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}
