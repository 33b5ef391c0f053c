import { CancelledError } from '../errors';

/**
 * Set by a `cancel` request; long loops check it between forward passes, so a cancelled run stops within one
 * pass (ORT's `run` yields to the event loop before each pass, which is when the cancel message lands).
 */
export class CancelToken {
  private cancelled = false;

  cancel(): void {
    this.cancelled = true;
  }

  get isCancelled(): boolean {
    return this.cancelled;
  }

  throwIfCancelled(): void {
    if (this.cancelled) throw new CancelledError();
  }
}
