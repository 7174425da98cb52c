/**
 * One partition this broker leads (Kafka's Partition, leader side): the log, the leader epoch
 * and replica set from the metadata, and the offsets consumers see.
 *
 * Offsets (names as in src/log/offsets.ts), invariant logStartOffset <= LSO <= HW <= LEO:
 *  - high watermark: the smallest log end offset among the ISR. With no followers (single node:
 *    the ISR is this broker) it is the log end offset once an append has completed. Followers'
 *    positions would enter through `remoteLogEndOffsets` when replica fetching exists.
 *  - last stable offset: min(first unstable offset, HW), the first unstable offset being the
 *    first offset of a transaction still open, or decided by a marker not yet below the HW. The
 *    `TransactionStateView` answers it and the aborted transactions of a read_committed fetch;
 *    by default (`logTransactionStateView`) from the log's producer state and transaction
 *    indexes.
 *  - the log's own high watermark: the log follows its end offset on its own (right for a
 *    single node, and for the coordinators that append to their logs directly); once there are
 *    followers the HW set here is pushed to the log (`Log.updateHighWatermark`), which releases
 *    the transactions whose markers it passes.
 *
 * Waking fetches: every completed append that moves the HW calls the listeners (the fetch
 * purgatory), with the bytes that became readable; `readableBytes` is a running total used by
 * delayed fetches to tell whether min_bytes is reached without reading the log.
 */
import type { PartitionInfo } from '../cluster/metadata-store';
import type { AppendResult, Log, ReadResult } from '../log/log';
import { AppendOrigin, type AppendOriginName } from '../log/append-batches';
import type { VerificationGuard } from '../log/producer-state-verification';
import { OffsetOutOfRangeError } from '../log/errors';
import { isDeleteRetained } from '../log/log-config';
import { PolicyViolationError } from '../protocol/kafka-errors';
import { BATCH_HEADER_SIZE, LAST_OFFSET_DELTA_OFFSET, batchSize } from '../protocol/records/batch-header';
import type { TopicPartition } from '../log/topic-partition';
import { tpKey } from '../log/topic-partition';
import type { Clock } from '../util/clock';
import type { AppendConfig } from './append-config';
import { FencedLeaderEpochError, NotEnoughReplicasError, UnknownLeaderEpochError } from './errors';

/** Kafka's FetchIsolation: how far a read may go. */
export const FetchIsolation = {
  /** Followers: up to the log end offset. */
  LOG_END: 'log-end',
  /** read_uncommitted consumers: up to the high watermark. */
  HIGH_WATERMARK: 'high-watermark',
  /** read_committed consumers: up to the last stable offset. */
  TXN_COMMITTED: 'txn-committed',
} as const;
export type FetchIsolationName = (typeof FetchIsolation)[keyof typeof FetchIsolation];

export interface AbortedTransaction {
  producerId: bigint;
  firstOffset: bigint;
}

/** Open and aborted transactions of a partition, as read_committed readers must see them. */
export interface TransactionStateView {
  /** First offset of the earliest open (or not yet stable) transaction on the partition, or null. */
  firstUnstableOffset(tp: TopicPartition, log: Log): number | null;
  /** Aborted transactions whose data overlaps [fetchOffset, upperBoundOffset). */
  abortedTransactions(tp: TopicPartition, log: Log, fetchOffset: number, upperBoundOffset: number): Promise<AbortedTransaction[]> | AbortedTransaction[];
}

/** The view from the partition's own log: its producer state and its transaction indexes. */
export const logTransactionStateView: TransactionStateView = {
  firstUnstableOffset: (_tp, log) => log.firstUnstableOffset,
  abortedTransactions: async (_tp, log, fetchOffset, upperBoundOffset) =>
    (await log.collectAbortedTransactions(fetchOffset, upperBoundOffset)).map((t) => ({ producerId: t.producerId, firstOffset: BigInt(t.firstOffset) })),
};

/** How a leader append is checked (Kafka's AppendOrigin and the KIP-890 verification guard). */
export interface LeaderAppendOptions {
  /** Default client: sequence checks; coordinator: markers and coordinator writes. */
  origin?: AppendOriginName;
  /** Of a marker append (WriteTxnMarkers): 2 requires a bumped epoch. */
  transactionVersion?: number;
  /** The guard of a transactional append the transaction coordinator verified. */
  verificationGuard?: VerificationGuard;
}

export interface OffsetSnapshot {
  logStartOffset: number;
  lastStableOffset: number;
  highWatermark: number;
  logEndOffset: number;
}

export interface PartitionReadResult extends OffsetSnapshot {
  records: Buffer;
  /** Gives the read memory back to its pool; `records` must not be touched afterwards. */
  release: () => void;
  /** null unless the isolation is read_committed (Kafka sends null for read_uncommitted). */
  abortedTransactions: AbortedTransaction[] | null;
}

export type HighWatermarkListener = (p: PartitionState, newlyReadableBytes: number) => void;

export class PartitionState {
  readonly key: string;
  readonly tp: TopicPartition;
  private hw: number;
  private readable = 0;
  private info: PartitionInfo;
  private readonly listeners: HighWatermarkListener[] = [];
  private hwWaiters: Array<{ offset: number; done: (reached: boolean) => void }> = [];

  constructor(
    tp: TopicPartition,
    readonly topicId: string,
    readonly log: Log,
    info: PartitionInfo,
    /** The topic's append settings, resolved lazily by the manager (cached per config change). */
    private readonly appendConfigOf: () => AppendConfig,
    private readonly transactions: TransactionStateView,
    readonly internalTopic: boolean,
  ) {
    this.tp = tp;
    this.key = tpKey(tp);
    this.info = info;
    // Single node: everything in the log is replicated to the whole ISR (us).
    this.hw = log.logEndOffset;
    this.startLeaderEpoch();
  }

  get topic(): string {
    return this.tp.topic;
  }
  get partition(): number {
    return this.tp.partition;
  }
  get leaderEpoch(): number {
    return this.info.leaderEpoch;
  }
  get leaderId(): number {
    return this.info.leader;
  }
  get appendConfig(): AppendConfig {
    return this.appendConfigOf();
  }
  /** Bytes that became readable below the HW since this state was created (monotonic). */
  get readableBytes(): number {
    return this.readable;
  }

  /** Latest metadata of the partition (epoch, ISR); only while this broker leads it. */
  refresh(info: PartitionInfo): void {
    const newEpoch = info.leaderEpoch !== this.info.leaderEpoch;
    this.info = info;
    if (newEpoch) this.startLeaderEpoch();
  }

  /**
   * Kafka's Partition.makeLeader: the leader's epoch starts at the current log end offset, even
   * before anything is appended in it (ListOffsets and OffsetForLeaderEpoch then report it).
   */
  private startLeaderEpoch(): void {
    const cache = this.log.epochCache;
    if (cache.latestEpoch < this.info.leaderEpoch) cache.assign(this.info.leaderEpoch, this.log.logEndOffset);
  }

  onHighWatermarkAdvance(listener: HighWatermarkListener): void {
    this.listeners.push(listener);
  }

  // ---- offsets ----------------------------------------------------------------------------------

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }
  get logEndOffset(): number {
    return this.log.logEndOffset;
  }
  get highWatermark(): number {
    // Retention and DeleteRecords move the log start; the HW never lags behind it.
    return Math.min(Math.max(this.hw, this.log.logStartOffset), this.log.logEndOffset);
  }
  get lastStableOffset(): number {
    const hw = this.highWatermark;
    const unstable = this.transactions.firstUnstableOffset(this.tp, this.log);
    return unstable === null ? hw : Math.max(this.log.logStartOffset, Math.min(unstable, hw));
  }

  snapshot(): OffsetSnapshot {
    const highWatermark = this.highWatermark;
    return {
      logStartOffset: this.log.logStartOffset,
      lastStableOffset: this.lastStableOffset,
      highWatermark,
      logEndOffset: this.log.logEndOffset,
    };
  }

  /** Exclusive upper bound of what a reader with `isolation` may see. */
  fetchableOffset(isolation: FetchIsolationName): number {
    if (isolation === FetchIsolation.LOG_END) return this.log.logEndOffset;
    return isolation === FetchIsolation.TXN_COMMITTED ? this.lastStableOffset : this.highWatermark;
  }

  /** Kafka's Partition.checkCurrentLeaderEpoch: -1 skips the check. */
  checkLeaderEpoch(currentLeaderEpoch: number): void {
    if (currentLeaderEpoch === -1) return;
    if (currentLeaderEpoch > this.leaderEpoch) {
      throw new UnknownLeaderEpochError(`${this.key}: leader epoch ${currentLeaderEpoch} is newer than the current epoch ${this.leaderEpoch}`);
    }
    if (currentLeaderEpoch < this.leaderEpoch) {
      throw new FencedLeaderEpochError(`${this.key}: leader epoch ${currentLeaderEpoch} is older than the current epoch ${this.leaderEpoch}`);
    }
  }

  /** Replicas other than this broker (followers); empty on a single node. */
  get remoteReplicas(): number[] {
    return this.info.replicas.filter((r) => r !== this.info.leader);
  }

  // ---- append -----------------------------------------------------------------------------------

  /**
   * Kafka's Partition.appendRecordsToLeader. With acks=all the ISR must hold at least the
   * effective min.insync.replicas: min(min.insync.replicas, replica count), so a topic with one
   * replica accepts acks=all whatever min.insync.replicas says (Kafka 4.x does the same).
   */
  async appendAsLeader(
    records: Buffer,
    requiredAcks: number,
    validateBatch?: (batch: Buffer) => void,
    opts: LeaderAppendOptions = {},
  ): Promise<AppendResult> {
    if (requiredAcks === -1) this.checkMinIsr(NotEnoughReplicasError);
    const result = await this.log.append(records, {
      origin: opts.origin ?? AppendOrigin.CLIENT,
      leaderEpoch: this.leaderEpoch,
      validateBatch,
      transactionVersion: opts.transactionVersion,
      verificationGuard: opts.verificationGuard,
    });
    this.maybeIncrementHighWatermark(result.sizeInBytes);
    return result;
  }

  /**
   * KIP-890: before a transactional batch that may open a transaction here, a guard the
   * coordinator's verification must confirm (the sentinel when the producer already has one open).
   */
  maybeStartTransactionVerification(producerId: bigint, baseSequence: number, producerEpoch: number, supportsEpochBump: boolean): VerificationGuard {
    return this.log.maybeStartTransactionVerification(producerId, baseSequence, producerEpoch, supportsEpochBump);
  }

  /** The effective min ISR check; `error` is NOT_ENOUGH_REPLICAS before, or _AFTER_APPEND after. */
  checkMinIsr(error: new (message: string) => Error): void {
    const minIsr = Math.min(this.appendConfig.minInSyncReplicas, this.info.replicas.length);
    if (this.info.isr.length < minIsr) {
      throw new error(`The size of the current ISR [${this.info.isr.join(',')}] is insufficient to satisfy the min.isr requirement of ${minIsr} for partition ${this.key}`);
    }
  }

  /** HW = min LEO over the ISR; the leader's LEO alone while there are no followers. */
  private maybeIncrementHighWatermark(appendedBytes: number): void {
    const newHw = this.log.logEndOffset;
    this.readable += appendedBytes;
    if (newHw > this.hw) {
      this.hw = newHw;
      // With followers the log's HW no longer follows its end offset: tell it (Kafka:
      // UnifiedLog.updateHighWatermark), so transactions whose markers it passes become stable.
      if (this.remoteReplicas.length > 0) this.log.updateHighWatermark(newHw);
    }
    this.notify(appendedBytes);
  }

  /** Wakes delayed operations watching this partition (also after DeleteRecords or deletion). */
  notify(newlyReadableBytes = 0): void {
    for (const l of this.listeners) l(this, newlyReadableBytes);
    if (this.hwWaiters.length > 0) {
      const hw = this.highWatermark;
      this.hwWaiters = this.hwWaiters.filter((w) => (hw >= w.offset ? (w.done(true), false) : true));
    }
  }

  /** Resolves true once the HW reaches `offset`, false after `timeoutMs` (acks=all). */
  waitForHighWatermark(offset: number, timeoutMs: number, clock: Clock): Promise<boolean> {
    if (this.highWatermark >= offset) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter = {
        offset,
        done: (ok: boolean) => {
          clock.clearTimeout(timer);
          resolve(ok);
        },
      };
      const timer = clock.setTimeout(() => {
        this.hwWaiters = this.hwWaiters.filter((w) => w !== waiter);
        resolve(false);
      }, Math.max(0, timeoutMs));
      this.hwWaiters.push(waiter);
    });
  }

  // ---- DeleteRecords ----------------------------------------------------------------------------

  /**
   * Kafka's Partition.deleteRecordsOnLeader: moves the log start offset to `offset` (-1: the HW)
   * and returns the new low watermark (the log start offset: there are no followers to wait for).
   */
  async deleteRecordsOnLeader(offset: number): Promise<number> {
    if (!isDeleteRetained(this.log.config)) {
      throw new PolicyViolationError(`Records of partition ${this.key} can not be deleted due to the configured policy`);
    }
    const hw = this.highWatermark;
    const target = offset === -1 ? hw : offset;
    if (target < 0) throw new OffsetOutOfRangeError(`The offset ${target} for partition ${this.key} is not valid`);
    if (target > hw) {
      throw new OffsetOutOfRangeError(`Cannot increment the log start offset to ${target} of partition ${this.key} since it is larger than the high watermark ${hw}`);
    }
    await this.log.advanceLogStartOffset(target);
    this.notify();
    return this.log.logStartOffset;
  }

  // ---- read -------------------------------------------------------------------------------------

  /**
   * What `read` answers when the reader is at the end of what `isolation` lets it see (a tailing
   * consumer, the usual case): nothing, with the current offsets - computed without the
   * asynchronous read path. Null when there may be something to read (or the offset is out of
   * range, which `read` reports).
   */
  emptyReadAt(fetchOffset: number, isolation: FetchIsolationName): PartitionReadResult | null {
    if (fetchOffset !== this.fetchableOffset(isolation) || fetchOffset < this.log.logStartOffset) return null;
    return readResult(this.snapshot(), EMPTY, noop, isolation === FetchIsolation.TXN_COMMITTED ? [] : null);
  }

  /**
   * Kafka's Partition.readRecords for a consumer or follower: whole batches from the one holding
   * `fetchOffset`, within `maxBytes` (the first batch whole when `minOneMessage`, KIP-74), up to
   * the isolation's bound. Offsets outside [logStartOffset, logEndOffset] -> OFFSET_OUT_OF_RANGE.
   */
  async read(fetchOffset: number, maxBytes: number, isolation: FetchIsolationName, minOneMessage: boolean): Promise<PartitionReadResult> {
    const snap = this.snapshot();
    if (fetchOffset < snap.logStartOffset || fetchOffset > snap.logEndOffset) {
      throw new OffsetOutOfRangeError(
        `Received request for offset ${fetchOffset} for partition ${this.key}, but we only have log segments in the range ${snap.logStartOffset} to ${snap.logEndOffset}.`,
      );
    }
    const upper = isolation === FetchIsolation.LOG_END ? snap.logEndOffset : isolation === FetchIsolation.TXN_COMMITTED ? snap.lastStableOffset : snap.highWatermark;
    let res: ReadResult | null = null;
    if (maxBytes > 0 || minOneMessage) {
      res = await this.log.read(fetchOffset, {
        maxBytes,
        upperBoundOffset: upper,
        minOneBatch: minOneMessage,
        highWatermark: snap.highWatermark,
        lastStableOffset: snap.lastStableOffset,
      });
    }
    // read_committed: the aborted transactions overlapping what was read (Kafka bounds the
    // search by the fetched data; nothing read, nothing to list).
    let aborted: AbortedTransaction[] | null = null;
    if (isolation === FetchIsolation.TXN_COMMITTED) {
      try {
        aborted = res && res.firstOffset >= 0 ? await this.transactions.abortedTransactions(this.tp, this.log, fetchOffset, lastOffsetOf(res)) : [];
      } catch (e) {
        res?.release();
        throw e;
      }
    }
    return readResult(snap, res ? res.records : EMPTY, res ? res.release : noop, aborted);
  }
}

/** A literal rather than `{ ...snap, ... }`, which costs ~1 KiB of garbage per read on Node 20 (log-read.ts). */
function readResult(snap: OffsetSnapshot, records: Buffer, release: () => void, abortedTransactions: AbortedTransaction[] | null): PartitionReadResult {
  return {
    logStartOffset: snap.logStartOffset,
    lastStableOffset: snap.lastStableOffset,
    highWatermark: snap.highWatermark,
    logEndOffset: snap.logEndOffset,
    records,
    release,
    abortedTransactions,
  };
}

const EMPTY = Buffer.alloc(0);
const noop = (): void => undefined;

/** One past the last offset of the batches a read returned (the log reads whole magic-2 batches). */
function lastOffsetOf(res: ReadResult): number {
  let end = res.firstOffset;
  const buf = res.records;
  for (let pos = 0; pos + BATCH_HEADER_SIZE <= buf.length; pos += batchSize(buf, pos)) {
    end = Number(buf.readBigInt64BE(pos)) + buf.readInt32BE(pos + LAST_OFFSET_DELTA_OFFSET) + 1;
  }
  return end;
}
