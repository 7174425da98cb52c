/**
 * A task run every `intervalMs` on an injected Clock; a run never overlaps the previous one (the
 * next is scheduled when the current finishes). Errors are reported, not thrown.
 */
import { Clock, TimerHandle } from '../util/clock';

export class PeriodicTask {
  private timer: TimerHandle | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly run: () => Promise<void>,
    private readonly onError: (e: unknown) => void,
  ) {}

  start(initialDelayMs = this.intervalMs): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(initialDelayMs);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.runNow();
    }, ms);
    this.timer.unref?.();
  }

  /** Runs once now (or joins the run in progress); the periodic schedule continues after it. */
  runNow(): Promise<void> {
    if (this.running) return this.running;
    if (this.timer) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    this.running = this.run()
      .catch(this.onError)
      .finally(() => {
        this.running = null;
        this.schedule(this.intervalMs);
      });
    return this.running;
  }

  /** Stops scheduling and waits for a run in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) {
      this.clock.clearTimeout(this.timer);
      this.timer = null;
    }
    await this.running;
  }
}
