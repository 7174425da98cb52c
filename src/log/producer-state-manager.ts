/**
 * The producer state of one partition (Kafka: ProducerStateManager): an entry per producer id
 * (producer-state-entry.ts), the transactions in progress ordered by first offset, the
 * transactions completed but whose marker is not yet below the high watermark, and the
 * snapshot files (producer-state-snapshot.ts).
 *
 *   firstUnstableOffset = min(first offset of an open transaction,
 *                             first offset of a completed one whose marker is >= HW)
 *   mapEndOffset        = the log offset the state corresponds to (snapshots are named by it)
 *
 * Appends in flight. The log writes several append groups concurrently and commits them in
 * order (log-queue.ts), so validation of an append cannot wait for the commit of the one before.
 * `stage` records the entries an append will leave in a pending layer that later validations
 * see first (`effectiveEntry`); `commit` moves them into the committed map, in log order; a
 * failed write drops the whole layer (`discardStaged`: every write in flight fails with it).
 * Everything else (expiry, truncation, snapshots, loading) runs in the log's queue with no write
 * in flight, when the pending layer is empty.
 */
import { Clock } from '../util/clock';
import { invariant } from '../util/invariant';
import { Logger, logger } from '../util/logger';
import { AppendOriginName } from './append-batches';
import { CorruptFileError, storageError } from './errors';
import { LogFs, joinPath } from './log-fs';
import type { ProducerStateView } from './log-types';
import { CompletedTxn, ProducerAppendInfo, StartedTxn } from './producer-append-info';
import { ProducerStateEntry } from './producer-state-entry';
import {
  encodeSnapshot,
  readSnapshotFile,
  snapshotFileName,
  snapshotOffsetOf,
  syncSnapshotFile,
  writeSnapshotFile,
} from './producer-state-snapshot';
import { VerificationStateEntry } from './producer-state-verification';

export interface ProducerStateConfig {
  /** producer.id.expiration.ms: idle producers without an open transaction are forgotten. */
  producerIdExpirationMs: number;
  /** transaction.partition.verification.enable (KIP-890). */
  transactionVerificationEnabled: boolean;
  /** transaction.max.timeout.ms, for hasLateTransaction. */
  maxTransactionTimeoutMs: number;
}

export const DEFAULT_PRODUCER_STATE_CONFIG: Readonly<ProducerStateConfig> = Object.freeze({
  producerIdExpirationMs: 86_400_000,
  transactionVerificationEnabled: false,
  maxTransactionTimeoutMs: 900_000,
});

/** Kafka's LATE_TRANSACTION_BUFFER_MS. */
const LATE_TRANSACTION_BUFFER_MS = 5 * 60 * 1000;

/** What the cleaner must keep of a producer: the batch with its last data offset, or its last marker. */
export interface LastProducerRecord {
  /** -1 when the producer has no retained data batch. */
  lastDataOffset: number;
  producerEpoch: number;
}

export interface TxnMetadata {
  producerId: bigint;
  firstOffset: number;
  /** Offset of the marker once completed, else -1. */
  lastOffset: number;
}

/** What one validated append will do to the producer state once it is in the log. */
export interface PreparedProducerAppend {
  entries: Map<bigint, ProducerStateEntry>;
  started: StartedTxn[];
  completed: CompletedTxn[];
  /** Producers that wrote transactional batches (their verification entry is done). */
  transactional: bigint[];
}

/** Transactions ordered by first offset (few: one per producer with an open transaction). */
class TxnsByFirstOffset {
  private list: TxnMetadata[] = [];

  get size(): number {
    return this.list.length;
  }
  first(): TxnMetadata | undefined {
    return this.list[0];
  }
  values(): readonly TxnMetadata[] {
    return this.list;
  }
  add(t: TxnMetadata): void {
    let i = this.list.length;
    while (i > 0 && this.list[i - 1]!.firstOffset > t.firstOffset) i--;
    this.list.splice(i, 0, t);
  }
  remove(firstOffset: number): TxnMetadata | undefined {
    const i = this.list.findIndex((t) => t.firstOffset === firstOffset);
    return i < 0 ? undefined : this.list.splice(i, 1)[0];
  }
  removeWhere(pred: (t: TxnMetadata) => boolean): void {
    // Called on every commit: nothing to allocate when there is nothing to remove.
    if (this.list.some(pred)) this.list = this.list.filter((t) => !pred(t));
  }
  clear(): void {
    this.list = [];
  }
}

export class ProducerStateManager {
  private readonly producers = new Map<bigint, ProducerStateEntry>();
  private readonly pending = new Map<bigint, ProducerStateEntry>();
  private readonly ongoing = new TxnsByFirstOffset();
  private readonly unreplicated = new TxnsByFirstOffset();
  private readonly verificationStates = new Map<bigint, VerificationStateEntry>();
  /** Snapshot files by offset. */
  private readonly snapshots = new Map<number, string>();
  private lastMapOffset = 0;
  private lastSnapOffset = 0;
  private oldestTxnLastTimestamp = -1;
  private readonly log: Logger;

  constructor(
    private readonly fsys: LogFs,
    public dir: string,
    /** Partition name for messages. */
    readonly where: string,
    public config: Readonly<ProducerStateConfig>,
    private readonly clock: Clock,
  ) {
    this.log = logger('producer-state').child({ partition: where });
  }

  // ---- queries ----------------------------------------------------------------------------------

  get mapEndOffset(): number {
    return this.lastMapOffset;
  }
  get producerIdCount(): number {
    return this.producers.size;
  }
  /** Committed entries by producer id (do not mutate). */
  get activeProducers(): ReadonlyMap<bigint, ProducerStateEntry> {
    return this.producers;
  }
  get isEmpty(): boolean {
    return this.producers.size === 0 && this.unreplicated.size === 0;
  }
  get hasStaged(): boolean {
    return this.pending.size > 0;
  }
  lastEntry(producerId: bigint): ProducerStateEntry | undefined {
    return this.producers.get(producerId);
  }
  /** The entry including appends validated but not yet in the log. */
  effectiveEntry(producerId: bigint): ProducerStateEntry | undefined {
    return this.pending.get(producerId) ?? this.producers.get(producerId);
  }
  ongoingTransactions(): readonly TxnMetadata[] {
    return this.ongoing.values();
  }

  /** DescribeProducers (Kafka: UnifiedLog.activeProducers). */
  producerStateViews(): ProducerStateView[] {
    return [...this.producers.values()].map((e) => ({
      producerId: e.producerId,
      producerEpoch: e.producerEpoch,
      lastSequence: e.lastSeq,
      lastTimestamp: e.lastTimestamp,
      coordinatorEpoch: e.coordinatorEpoch,
      currentTxnStartOffset: e.currentTxnFirstOffset,
    }));
  }

  lastRecordsOfActiveProducers(): Map<bigint, LastProducerRecord> {
    const out = new Map<bigint, LastProducerRecord>();
    for (const [pid, e] of this.producers) out.set(pid, { lastDataOffset: e.lastDataOffset, producerEpoch: e.producerEpoch });
    return out;
  }

  /**
   * First offset that is undecided (open transaction) or decided by a marker not yet below the
   * high watermark; null when there is none.
   */
  firstUnstableOffset(): number | null {
    const a = this.unreplicated.first()?.firstOffset;
    const b = this.ongoing.first()?.firstOffset;
    if (a === undefined) return b ?? null;
    if (b === undefined) return a;
    return Math.min(a, b);
  }

  /** First offset of an open transaction, ignoring replication. */
  firstUndecidedOffset(): number | null {
    return this.ongoing.first()?.firstOffset ?? null;
  }

  /** An open transaction idle for longer than the longest transaction timeout plus a buffer. */
  hasLateTransaction(nowMs: number): boolean {
    const t = this.oldestTxnLastTimestamp;
    return t > 0 && nowMs - t > this.config.maxTransactionTimeoutMs + LATE_TRANSACTION_BUFFER_MS;
  }

  // ---- the append path --------------------------------------------------------------------------

  prepareUpdate(producerId: bigint, origin: AppendOriginName): ProducerAppendInfo {
    const current = this.effectiveEntry(producerId) ?? ProducerStateEntry.empty(producerId);
    return new ProducerAppendInfo(producerId, current, origin, this.verificationStates.get(producerId) ?? null, this.where);
  }

  /** Makes a validated append visible to the validation of the next ones (not yet committed). */
  stage(p: PreparedProducerAppend): void {
    for (const [pid, e] of p.entries) this.pending.set(pid, e);
  }

  /** The append is in the log: its entries and started transactions become the state. */
  commit(p: PreparedProducerAppend): void {
    for (const [pid, e] of p.entries) {
      this.producers.set(pid, e);
      if (this.pending.get(pid) === e) this.pending.delete(pid);
    }
    for (const t of p.started) this.ongoing.add({ producerId: t.producerId, firstOffset: t.firstOffset, lastOffset: -1 });
    for (const pid of p.transactional) this.verificationStates.delete(pid);
    this.updateOldestTxnTimestamp();
  }

  /** Every write in flight failed: forget what they would have done. */
  discardStaged(): void {
    this.pending.clear();
  }

  /**
   * The LSO to record with an aborted transaction in the index: the first offset of another
   * producer's open transaction, else just past the marker (Kafka: lastStableOffset(completedTxn)).
   */
  lastStableOffset(ct: CompletedTxn): number {
    for (const t of this.ongoing.values()) if (t.producerId !== ct.producerId) return t.firstOffset;
    return ct.lastOffset + 1;
  }

  /** The transaction's marker is in the log; it stays unstable until the HW passes the marker. */
  completeTxn(ct: CompletedTxn): void {
    const t = this.ongoing.remove(ct.firstOffset);
    invariant(t !== undefined, () => `${this.where}: completing transaction at ${ct.firstOffset} of producer ${ct.producerId}, which was not started`);
    t.lastOffset = ct.lastOffset;
    this.unreplicated.add(t);
    this.updateOldestTxnTimestamp();
  }

  onHighWatermarkUpdated(highWatermark: number): void {
    this.unreplicated.removeWhere((t) => t.lastOffset < highWatermark);
  }

  updateMapEndOffset(offset: number): void {
    this.lastMapOffset = offset;
  }

  private updateOldestTxnTimestamp(): void {
    const first = this.ongoing.first();
    this.oldestTxnLastTimestamp = first ? (this.producers.get(first.producerId)?.lastTimestamp ?? -1) : -1;
  }

  /** Adds an entry as loaded from a snapshot (and its open transaction). */
  loadProducerEntry(e: ProducerStateEntry): void {
    this.producers.set(e.producerId, e);
    if (e.hasOngoingTxn) this.ongoing.add({ producerId: e.producerId, firstOffset: e.currentTxnFirstOffset, lastOffset: -1 });
  }

  // ---- KIP-890 verification ---------------------------------------------------------------------

  maybeCreateVerificationStateEntry(producerId: bigint, sequence: number, epoch: number, supportsEpochBump = false): VerificationStateEntry {
    let e = this.verificationStates.get(producerId);
    if (!e) {
      e = new VerificationStateEntry(this.clock.now(), sequence, epoch, supportsEpochBump);
      this.verificationStates.set(producerId, e);
    }
    e.maybeUpdateLowestSequenceAndEpoch(sequence, epoch);
    return e;
  }

  verificationStateEntry(producerId: bigint): VerificationStateEntry | undefined {
    return this.verificationStates.get(producerId);
  }

  clearVerificationStateEntry(producerId: bigint): void {
    this.verificationStates.delete(producerId);
  }

  // ---- expiry -----------------------------------------------------------------------------------

  private isExpired(nowMs: number, e: ProducerStateEntry): boolean {
    return !e.hasOngoingTxn && nowMs - e.lastTimestamp >= this.config.producerIdExpirationMs;
  }

  /** Forgets producers idle for producer.id.expiration.ms, except those with an open transaction. */
  removeExpiredProducers(nowMs: number): number {
    invariant(this.pending.size === 0, () => `${this.where}: producer expiry with appends in flight`);
    let n = 0;
    for (const [pid, e] of this.producers) {
      if (this.isExpired(nowMs, e)) {
        this.producers.delete(pid);
        n++;
      }
    }
    for (const [pid, v] of this.verificationStates) {
      if (nowMs - v.timestamp >= this.config.producerIdExpirationMs) this.verificationStates.delete(pid);
    }
    if (n > 0) this.log.info({ expired: n, remaining: this.producers.size }, 'expired idle producer ids');
    return n;
  }

  // ---- snapshots, truncation, loading -----------------------------------------------------------

  /** Lists the snapshot files of the partition directory (`names`: its listing, if at hand). */
  async loadSnapshotList(names?: readonly string[]): Promise<void> {
    this.snapshots.clear();
    for (const name of names ?? (await this.fsys.readdir(this.dir))) {
      const off = snapshotOffsetOf(name);
      if (off !== null) this.snapshots.set(off, joinPath(this.dir, name));
    }
  }

  snapshotOffsets(): number[] {
    return [...this.snapshots.keys()].sort((a, b) => a - b);
  }
  latestSnapshotOffset(): number | null {
    const all = this.snapshotOffsets();
    return all.length ? all[all.length - 1]! : null;
  }

  /**
   * Deletes snapshots whose offset is no segment's base offset, except the latest one if it is
   * past every base (the clean-shutdown snapshot at the log end) (Kafka: removeStraySnapshots).
   */
  async removeStraySnapshots(segmentBaseOffsets: readonly number[]): Promise<void> {
    const bases = new Set(segmentBaseOffsets);
    const maxBase = segmentBaseOffsets.length ? Math.max(...segmentBaseOffsets) : null;
    let stray: number | null = null;
    for (const off of this.snapshotOffsets()) {
      if (bases.has(off)) continue;
      if (stray !== null) await this.removeAndDeleteSnapshot(stray);
      stray = off;
    }
    if (stray !== null && maxBase !== null && stray < maxBase) await this.removeAndDeleteSnapshot(stray);
  }

  private async removeAndDeleteSnapshot(offset: number): Promise<void> {
    const path = this.snapshots.get(offset);
    if (path === undefined) return;
    this.snapshots.delete(offset);
    await this.fsys.unlink(path).catch((e: { code?: string }) => {
      if (e.code !== 'ENOENT') throw storageError('delete producer snapshot', path, e);
    });
  }

  /** Deletes the snapshots named by these offsets (segments being deleted). */
  async deleteSnapshots(offsets: Iterable<number>): Promise<void> {
    for (const off of offsets) await this.removeAndDeleteSnapshot(off);
  }

  /** Writes a snapshot at the map end offset unless one exists there; returns its path. */
  async takeSnapshot(sync: boolean): Promise<string | null> {
    invariant(this.pending.size === 0, () => `${this.where}: snapshot with appends in flight`);
    if (this.lastMapOffset <= this.lastSnapOffset) return null;
    const offset = this.lastMapOffset;
    const path = joinPath(this.dir, snapshotFileName(offset));
    // Encoded before any await: the state is the one at `offset`.
    const data = encodeSnapshot(this.producers.values());
    await writeSnapshotFile(this.fsys, path, data, sync);
    this.snapshots.set(offset, path);
    this.lastSnapOffset = Math.max(this.lastSnapOffset, offset);
    this.log.debug({ offset, producers: this.producers.size }, 'wrote producer snapshot');
    return path;
  }

  syncSnapshot(path: string): Promise<void> {
    return syncSnapshotFile(this.fsys, path);
  }

  /**
   * Loads the latest readable snapshot; a corrupt one is deleted and the next older tried. With
   * none, the state starts empty at the log start offset.
   */
  private async loadFromSnapshot(logStartOffset: number, nowMs: number): Promise<void> {
    for (;;) {
      const latest = this.latestSnapshotOffset();
      if (latest === null) {
        this.lastSnapOffset = logStartOffset;
        this.lastMapOffset = logStartOffset;
        return;
      }
      const path = this.snapshots.get(latest)!;
      try {
        const entries = await readSnapshotFile(this.fsys, path);
        if (entries === null) {
          this.snapshots.delete(latest);
          continue;
        }
        for (const e of entries) if (!this.isExpired(nowMs, e)) this.loadProducerEntry(e);
        this.lastSnapOffset = latest;
        this.lastMapOffset = latest;
        this.updateOldestTxnTimestamp();
        this.log.info({ offset: latest, producers: this.producers.size }, 'loaded producer state snapshot');
        return;
      } catch (e) {
        if (!(e instanceof CorruptFileError)) throw e;
        this.log.warn({ err: e, path }, 'producer snapshot is corrupt; deleting it and using an older one or the log');
        await this.removeAndDeleteSnapshot(latest);
      }
    }
  }

  /**
   * Drops snapshots outside (logStartOffset, logEndOffset] and, unless the state already is at
   * `logEndOffset`, reloads it from the latest snapshot; the caller then replays the log from
   * `mapEndOffset` (Kafka: truncateAndReload).
   */
  async truncateAndReload(logStartOffset: number, logEndOffset: number, nowMs: number): Promise<void> {
    invariant(this.pending.size === 0, () => `${this.where}: producer state reload with appends in flight`);
    for (const off of this.snapshotOffsets()) {
      if (off > logEndOffset || off <= logStartOffset) await this.removeAndDeleteSnapshot(off);
    }
    if (logEndOffset !== this.lastMapOffset) {
      this.producers.clear();
      this.ongoing.clear();
      this.unreplicated.clear();
      this.updateOldestTxnTimestamp();
      await this.loadFromSnapshot(logStartOffset, nowMs);
    } else {
      this.onLogStartOffsetIncremented(logStartOffset);
    }
  }

  /** Forgets everything and every snapshot; the state starts empty at `offset`. */
  async truncateFullyAndStartAt(offset: number): Promise<void> {
    this.producers.clear();
    this.pending.clear();
    this.ongoing.clear();
    this.unreplicated.clear();
    for (const off of this.snapshotOffsets()) await this.removeAndDeleteSnapshot(off);
    this.lastSnapOffset = 0;
    this.lastMapOffset = offset;
    this.updateOldestTxnTimestamp();
  }

  /** Transactions decided below the new log start no longer hold back the LSO. */
  onLogStartOffsetIncremented(logStartOffset: number): void {
    this.unreplicated.removeWhere((t) => t.lastOffset < logStartOffset);
    if (this.lastMapOffset < logStartOffset) this.lastMapOffset = logStartOffset;
    this.lastSnapOffset = this.latestSnapshotOffset() ?? logStartOffset;
  }
}
