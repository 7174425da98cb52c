/**
 * Long polling for Fetch (Kafka's DelayedFetch in the fetch purgatory). A fetch that found fewer
 * than min_bytes waits, watching its partitions, until one of:
 *  - enough bytes became readable across its partitions (each counted up to its
 *    partition_max_bytes) — Kafka's case G;
 *  - a partition changed in a way the reader must see at once: its log start passed the fetch
 *    offset, the fetch offset is past the fetchable end (truncation), or the partition is gone
 *    or no longer led here — cases A-F;
 *  - max_wait_ms elapsed (a timer on the injected Clock);
 * and then reads again and answers. Nothing polls: appends wake the partitions' watchers.
 *
 * Bytes are counted with each partition's running `readableBytes` total: the bytes the first
 * read returned plus what became readable since, which matches Kafka's position difference
 * for a reader at the high watermark (the usual waiting case). It counts bytes below the HW;
 * for read_committed Kafka counts to the LSO: here the bytes count only once the LSO has moved
 * past where the wait started (an open transaction holds back everything after it, and its
 * marker releases it all at once).
 */
import type { Clock, TimerHandle } from '../util/clock';
import type { PartitionState } from './partition';

export interface WatchedPartition {
  key: string;
  /** The state the first read used; a different object means the partition was recreated. */
  state: PartitionState | null;
  fetchOffset: number;
  partitionMaxBytes: number;
  /** The fetcher's view of the leader epoch (-1: none); a change of leader epoch ends the wait. */
  currentLeaderEpoch: number;
  /** Bytes the first read returned for this partition. */
  initialBytes: number;
  /** `state.readableBytes` just before the first read. */
  readableAtStart: number;
  /** read_committed: the LSO just before the first read; absent for other isolations. */
  lsoAtStart?: number;
}

/** Tells whether a watched partition must end the wait now (cases A-F). */
export type ForceCompleteCheck = (w: WatchedPartition) => boolean;

export class DelayedFetch {
  private done = false;
  private timer: TimerHandle | null = null;
  readonly completion: Promise<void>;
  private resolveCompletion!: () => void;

  constructor(
    readonly partitions: readonly WatchedPartition[],
    private readonly minBytes: number,
    private readonly mustComplete: ForceCompleteCheck,
  ) {
    this.completion = new Promise<void>((resolve) => (this.resolveCompletion = resolve));
  }

  get isCompleted(): boolean {
    return this.done;
  }

  /** Completes (and returns true) if the fetch can be answered now. */
  tryComplete(): boolean {
    if (this.done) return true;
    let accumulated = 0;
    for (const w of this.partitions) {
      if (this.mustComplete(w)) return this.forceComplete();
      if (w.state) {
        let grown = w.state.readableBytes - w.readableAtStart;
        if (w.lsoAtStart !== undefined && w.state.lastStableOffset <= Math.max(w.lsoAtStart, w.fetchOffset)) grown = 0;
        accumulated += Math.min(w.initialBytes + Math.max(0, grown), w.partitionMaxBytes);
      }
    }
    return accumulated >= this.minBytes ? this.completeWithData() : false;
  }

  /**
   * Enough data arrived: answer at the end of this event-loop turn rather than at once. The
   * partitions of one Produce request finish their log writes one I/O callback after another
   * (Kafka appends them all before any fetch can look); answering at the first would send the
   * consumer one partition's records and leave the rest for its next fetch. The I/O callbacks
   * of the same poll phase all run before setImmediate's, so the read sees them.
   */
  private completeWithData(): boolean {
    if (this.done) return false;
    this.done = true;
    setImmediate(this.resolveCompletion);
    return true;
  }

  forceComplete(): boolean {
    if (this.done) return false;
    this.done = true;
    this.resolveCompletion();
    return true;
  }

  setTimer(t: TimerHandle): void {
    this.timer = t;
  }
  takeTimer(): TimerHandle | null {
    const t = this.timer;
    this.timer = null;
    return t;
  }
}

/** Delayed fetches keyed by partition (`topic-partition`); an append checks only its key's watchers. */
export class FetchPurgatory {
  private readonly watchers = new Map<string, Set<DelayedFetch>>();
  private closed = false;

  constructor(private readonly clock: Clock) {}

  /** Number of fetches waiting (for tests and metrics). */
  get delayed(): number {
    const all = new Set<DelayedFetch>();
    for (const s of this.watchers.values()) for (const op of s) all.add(op);
    return all.size;
  }

  /**
   * Kafka's tryCompleteElseWatch: watches the fetch's partitions and arms its timer, then tries
   * once more so that an append landing between the first read and the watch is not missed.
   * Resolves when the fetch completes (by data, by a partition change or by timeout).
   */
  watch(op: DelayedFetch, maxWaitMs: number): Promise<void> {
    if (this.closed) {
      op.forceComplete();
      return op.completion;
    }
    for (const w of op.partitions) {
      let set = this.watchers.get(w.key);
      if (!set) this.watchers.set(w.key, (set = new Set()));
      set.add(op);
    }
    op.setTimer(this.clock.setTimeout(() => op.forceComplete(), maxWaitMs));
    void op.completion.then(() => this.unwatch(op));
    op.tryComplete();
    return op.completion;
  }

  /** Called when `key`'s partition advanced or changed: completes the watchers that can be. */
  checkAndComplete(key: string): void {
    const set = this.watchers.get(key);
    if (!set) return;
    for (const op of [...set]) op.tryComplete();
  }

  /** Ends every wait (broker shutdown): each fetch answers with what it has. */
  shutdown(): void {
    this.closed = true;
    for (const set of [...this.watchers.values()]) for (const op of [...set]) op.forceComplete();
  }

  private unwatch(op: DelayedFetch): void {
    const t = op.takeTimer();
    if (t) this.clock.clearTimeout(t);
    for (const w of op.partitions) {
      const set = this.watchers.get(w.key);
      if (!set) continue;
      set.delete(op);
      if (set.size === 0) this.watchers.delete(w.key);
    }
  }
}
