/**
 * Runs tasks one after the other. A task that returns a promise holds the queue until it
 * settles; a synchronous task runs to completion at once. When the queue is idle, `enqueue` runs
 * the task synchronously, inside the caller: a timer that fires during ManualClock.advance()
 * has taken effect when advance() returns, unless an append is in flight.
 *
 * Tasks must not throw; they report their own failures.
 */
export type SerialTask = () => Promise<void> | void;

export class SerialQueue {
  private readonly pending: SerialTask[] = [];
  private running = false;
  private idleWaiters: Array<() => void> = [];

  get idle(): boolean {
    return !this.running && this.pending.length === 0;
  }

  enqueue(task: SerialTask): void {
    this.pending.push(task);
    if (!this.running) this.drain();
  }

  /** Resolves once every task enqueued so far (and any they enqueue) has finished. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private drain(): void {
    this.running = true;
    for (;;) {
      const task = this.pending.shift();
      if (!task) break;
      let r: Promise<void> | void;
      try {
        r = task();
      } catch {
        r = undefined;
      }
      if (r instanceof Promise) {
        const next = (): void => this.drain();
        r.then(next, next);
        return;
      }
    }
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
