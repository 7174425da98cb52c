/**
 * Leader epoch → start offset map of one partition (Kafka: LeaderEpochFileCache, KIP-101),
 * mirrored in `<partitionDir>/leader-epoch-checkpoint`. Entries have strictly increasing epochs
 * and strictly increasing start offsets. Updated on append (the epoch stamped on each batch),
 * truncated with the log, and answered for OffsetForLeaderEpoch (`endOffsetFor`).
 *
 * Writes of the checkpoint are not on the append path: the file is rewritten at flush, close and
 * truncation; after an unclean shutdown recovery re-assigns epochs from the scanned batches.
 */
import { LogFs, readWholeFile, writeFileAtomic } from './log-fs';
import { EpochEntry, formatLeaderEpochCheckpoint, parseLeaderEpochCheckpoint } from './checkpoint-files';

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export class LeaderEpochCache {
  private entries: EpochEntry[] = [];
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    public path: string,
    private readonly fsys: LogFs,
  ) {}

  static async load(fsys: LogFs, path: string): Promise<LeaderEpochCache> {
    const cache = new LeaderEpochCache(path, fsys);
    const data = await readWholeFile(fsys, path, 16 * 1024 * 1024);
    if (data) {
      for (const e of parseLeaderEpochCheckpoint(path, data.toString('utf8'))) cache.assign(e.epoch, e.startOffset);
      cache.dirty = false;
    }
    return cache;
  }

  get all(): readonly EpochEntry[] {
    return this.entries;
  }

  get latestEpoch(): number {
    return this.entries.length ? this.entries[this.entries.length - 1]!.epoch : UNDEFINED_EPOCH;
  }

  get isDirty(): boolean {
    return this.dirty;
  }

  /**
   * Records that `epoch` starts at `startOffset`. A repeat of the latest epoch is a no-op;
   * entries that conflict (epoch >= or start offset >= the new one) are removed, as in Kafka.
   */
  assign(epoch: number, startOffset: number): void {
    if (epoch < 0) return;
    const latest = this.entries[this.entries.length - 1];
    if (latest && latest.epoch === epoch && startOffset >= latest.startOffset) return;
    if (latest && epoch > latest.epoch && startOffset > latest.startOffset) {
      this.entries.push({ epoch, startOffset });
    } else {
      this.entries = this.entries.filter((e) => e.epoch < epoch && e.startOffset < startOffset);
      this.entries.push({ epoch, startOffset });
    }
    this.dirty = true;
  }

  /**
   * OffsetForLeaderEpoch: the largest epoch <= `requested` and the start offset of the next
   * epoch after it (or `logEndOffset` if it is the latest); (-1, -1) when `requested` is below
   * every known epoch.
   */
  endOffsetFor(requested: number, logEndOffset: number): { epoch: number; endOffset: number } {
    const n = this.entries.length;
    if (requested === UNDEFINED_EPOCH || n === 0) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requested === this.entries[n - 1]!.epoch) return { epoch: requested, endOffset: logEndOffset };
    let i = n - 1;
    while (i >= 0 && this.entries[i]!.epoch > requested) i--;
    if (i < 0) return { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    const next = this.entries[i + 1];
    return { epoch: this.entries[i]!.epoch, endOffset: next ? next.startOffset : logEndOffset };
  }

  /** Removes entries starting at or after `endOffset` (log truncated to it). */
  truncateFromEnd(endOffset: number): void {
    const kept = this.entries.filter((e) => e.startOffset < endOffset);
    if (kept.length !== this.entries.length) {
      this.entries = kept;
      this.dirty = true;
    }
  }

  /** Log start moved to `startOffset`: earlier entries go, the one covering it starts there. */
  truncateFromStart(startOffset: number): void {
    let i = 0;
    while (i + 1 < this.entries.length && this.entries[i + 1]!.startOffset <= startOffset) i++;
    const e = this.entries[i];
    if (!e || e.startOffset >= startOffset) return;
    this.entries = [{ epoch: e.epoch, startOffset }, ...this.entries.slice(i + 1)];
    this.dirty = true;
  }

  clear(): void {
    if (this.entries.length) this.dirty = true;
    this.entries = [];
  }

  /**
   * Rewrites the checkpoint file when it changed. Writes are serialized (flushes and truncations
   * may ask at the same time, and they share the temp file name).
   */
  persist(force = false): Promise<void> {
    const run = async (): Promise<void> => {
      if (!this.dirty && !force) return;
      this.dirty = false;
      try {
        await writeFileAtomic(this.fsys, this.path, formatLeaderEpochCheckpoint(this.entries));
      } catch (e) {
        this.dirty = true;
        throw e;
      }
    };
    const next = this.writing.then(run, run);
    this.writing = next.catch(() => undefined);
    return next;
  }
}
