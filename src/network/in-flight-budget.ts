/**
 * The broker-wide bound on requests read but not yet answered (Kafka's
 * `queued.max.requests`). A connection takes one unit per request it reads and
 * gives it back when the response is written or dropped. A connection that
 * finds the budget empty stops reading and registers as a waiter; it is
 * called back, in waiting order, when units are returned.
 */
import { invariant } from '../util/invariant';

export interface BudgetWaiter {
  /** Called when capacity may be available again; the waiter must retry `tryAcquire`. */
  onBudgetAvailable(): void;
}

export class InFlightBudget {
  private used = 0;
  private readonly waiters = new Set<BudgetWaiter>();
  private waking = false;

  constructor(readonly limit: number) {
    invariant(Number.isInteger(limit) && limit > 0, () => `in-flight budget limit must be a positive integer, got ${limit}`);
  }

  get inUse(): number {
    return this.used;
  }

  get available(): number {
    return this.limit - this.used;
  }

  tryAcquire(): boolean {
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  release(n = 1): void {
    invariant(n >= 0 && n <= this.used, () => `releasing ${n} in-flight units but only ${this.used} are in use`);
    this.used -= n;
    if (n > 0) this.wakeWaiters();
  }

  /** Registers `w` to be called back when units are released (idempotent). */
  wait(w: BudgetWaiter): void {
    this.waiters.add(w);
  }

  cancelWait(w: BudgetWaiter): void {
    this.waiters.delete(w);
  }

  private wakeWaiters(): void {
    // A woken waiter acquires units, and may release some synchronously (a
    // handler answering at once), which would re-enter here: the outer loop
    // carries on instead.
    if (this.waking) return;
    this.waking = true;
    try {
      while (this.used < this.limit && this.waiters.size > 0) {
        const w: BudgetWaiter = this.waiters.values().next().value as BudgetWaiter;
        this.waiters.delete(w);
        w.onBudgetAvailable();
      }
    } finally {
      this.waking = false;
    }
  }
}
