// A job the renderer cannot write safely (a value no quoting can carry, a placeholder in a spot whose
// quoting cannot be told). The CLI reports it like a validation error, never with a stack trace.

export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}
