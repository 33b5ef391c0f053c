/**
 * A mistake the user can fix (bad file, missing model, wrong flag). Shown as one line that says what to
 * do, never as a stack trace. `exitCode` follows docs/cli.md: 1 = the input has errors, 2 = usage/environment.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** The user (or a test) cancelled the run; nothing was written. */
export class CancelledError extends Error {
  constructor(message = 'Cancelled.') {
    super(message);
    this.name = 'CancelledError';
  }
}
