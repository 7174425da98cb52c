/** Time source, injected so that tests control time. */
export interface Clock {
  /** Wall-clock milliseconds since the epoch (timestamps, retention). */
  now(): number;
  /** Monotonic milliseconds (timeouts, durations). */
  monotonic(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export interface TimerHandle {
  unref?(): unknown;
}

/** Longest delay Node's timers accept; longer ones (Kafka's Long.MAX_VALUE intervals) mean "never". */
const MAX_TIMER_MS = 2 ** 31 - 1;
const NEVER_FIRES: TimerHandle = { unref: () => undefined };

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  // Node would fire an overlong timeout after 1 ms (TimeoutOverflowWarning); it must never fire.
  setTimeout: (fn, ms) => (ms > MAX_TIMER_MS ? NEVER_FIRES : setTimeout(fn, ms)),
  clearTimeout: (h) => {
    if (h !== NEVER_FIRES) clearTimeout(h as NodeJS.Timeout);
  },
};

/** A clock that only moves when told to; timers fire in due order as time advances. */
export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();

  constructor(startMs = 1_700_000_000_000) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  monotonic(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn });
    return { id } as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete((handle as { id: number }).id);
  }

  /** Moves time forward by `ms`, running every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
    }
    this.t = end;
  }
}
