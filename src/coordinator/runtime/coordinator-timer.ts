/**
 * Keyed timers of one shard (Kafka's CoordinatorTimer): scheduling a key replaces the task that
 * key had; a task that fires runs as a write operation of the shard, so its records are
 * appended like any other. A task cancelled or replaced after it fired but before its operation
 * ran is skipped.
 */
import type { Clock, TimerHandle } from '../../util/clock';
import type { CoordinatorResult } from './types';

export type TimerOperation<R> = () => CoordinatorResult<void, R>;

interface Entry {
  handle: TimerHandle | null;
}

export class CoordinatorTimer<R> {
  private readonly tasks = new Map<string, Entry>();
  private closed = false;

  constructor(
    private readonly clock: Clock,
    /** Runs `op` as a write operation of the shard, named `key`. */
    private readonly runOperation: (key: string, op: TimerOperation<R>) => void,
  ) {}

  /** Schedules `op` in `delayMs`, replacing any task of `key`. */
  schedule(key: string, delayMs: number, op: TimerOperation<R>): void {
    if (this.closed) return;
    this.cancel(key);
    const entry: Entry = { handle: null };
    this.tasks.set(key, entry);
    entry.handle = this.clock.setTimeout(() => {
      if (this.tasks.get(key) !== entry) return;
      this.runOperation(key, () => {
        if (this.tasks.get(key) !== entry) return { records: [], response: undefined };
        this.tasks.delete(key);
        return op();
      });
    }, Math.max(0, delayMs));
    entry.handle.unref?.();
  }

  /** Schedules only when `key` has no task. */
  scheduleIfAbsent(key: string, delayMs: number, op: TimerOperation<R>): void {
    if (!this.tasks.has(key)) this.schedule(key, delayMs, op);
  }

  cancel(key: string): void {
    const entry = this.tasks.get(key);
    if (!entry) return;
    this.tasks.delete(key);
    if (entry.handle) this.clock.clearTimeout(entry.handle);
  }

  isScheduled(key: string): boolean {
    return this.tasks.has(key);
  }

  get size(): number {
    return this.tasks.size;
  }

  /** Cancels everything; later schedules are ignored (the shard is unloaded). */
  close(): void {
    this.closed = true;
    for (const key of [...this.tasks.keys()]) this.cancel(key);
  }
}
