/** Types shared by the Log and its helpers (append, read, flush, loading). */
import type { DirectIo } from './direct-io';
import { LeaderEpochCache } from './leader-epoch-cache';
import { LogConfig } from './log-config';
import { Clock } from '../util/clock';
import { LogFs } from './log-fs';
import { OffsetBounds } from './offsets';
import { ReadBufferPool } from './read-buffer-pool';
import { LogSegment, SegmentSettings } from './segment';
import { AppendOriginName } from './append-batches';
import type { ProducerStateConfig, ProducerStateManager } from './producer-state-manager';
import type { VerificationGuard } from './producer-state-verification';

export interface AppendOptions {
  origin?: AppendOriginName;
  /** Leader epoch stamped on each batch (not for replication). */
  leaderEpoch?: number;
  /** Per-batch record validation from the protocol layer; records are decoded only through it. */
  validateBatch?: (batch: Buffer) => void;
  /**
   * Transaction version of a marker append from the coordinator (WriteTxnMarkers, KIP-890):
   * 2 requires the marker's epoch to be above the producer's; default legacy (0/1).
   */
  transactionVersion?: number;
  /** The guard from Log.maybeStartTransactionVerification once the coordinator verified (KIP-890). */
  verificationGuard?: VerificationGuard;
}

export interface AppendResult {
  firstOffset: number;
  lastOffset: number;
  /** The broker time stamped with LogAppendTime, else -1. */
  logAppendTime: number;
  logStartOffset: number;
  maxTimestamp: number;
  recordCount: number;
  sizeInBytes: number;
  /**
   * True when the append repeated batches already in the log (a producer retry): nothing was
   * written, and firstOffset/lastOffset are those of the original batch (Kafka answers
   * success, not DUPLICATE_SEQUENCE_NUMBER); logAppendTime and maxTimestamp are then that
   * batch's timestamp, recordCount and sizeInBytes 0.
   */
  duplicate?: boolean;
}

export interface ReadOptions {
  maxBytes: number;
  /** Exclusive: only batches entirely below it are returned (HW or LSO for consumers). Default LEO. */
  upperBoundOffset?: number;
  /** Return the first batch even if larger than maxBytes (KIP-74). Default true. */
  minOneBatch?: boolean;
  /** Supplied by the partition layer; echoed in the result. Default LEO. */
  highWatermark?: number;
  /** Supplied by the partition layer; echoed in the result. Default min(first unstable offset, highWatermark). */
  lastStableOffset?: number;
  /**
   * read_committed: also return the aborted transactions overlapping the batches returned
   * (ReadResult.abortedTransactions), from the segments' transaction indexes.
   */
  includeAbortedTransactions?: boolean;
}

/** One aborted transaction as a Fetch response lists it. */
export interface FetchAbortedTransaction {
  producerId: bigint;
  firstOffset: number;
}

export interface ReadResult extends OffsetBounds {
  /** Whole batches (possibly empty); a view into one read buffer. */
  records: Buffer;
  /** Base offset of the first batch returned, -1 if none. */
  firstOffset: number;
  /** Gives the read memory back to the pool; the caller must not touch `records` afterwards. */
  release(): void;
  /** With ReadOptions.includeAbortedTransactions: the aborted transactions the batches overlap. */
  abortedTransactions?: FetchAbortedTransaction[];
}

export interface LogState {
  segments: LogSegment[];
  logStartOffset: number;
  logEndOffset: number;
  recoveryPoint: number;
  epochCache: LeaderEpochCache;
  topicId: string | null;
  producerState: ProducerStateManager;
}

export interface LogDeps {
  fs: LogFs;
  clock: Clock;
  pool?: ReadBufferPool;
  /** Appends of up to this many bytes are written synchronously (see log-queue.ts); default 0. */
  syncWriteMaxBytes?: number;
  /** Direct I/O for large appends and reads (direct-io.ts); absent: all through the page cache. */
  directIo?: DirectIo;
  /** Broker-level producer state settings (producer.id.expiration.ms, …); Kafka's defaults. */
  producerState?: Partial<ProducerStateConfig>;
}

/** One producer as DescribeProducers reports it (Kafka: UnifiedLog.activeProducers). */
export interface ProducerStateView {
  producerId: bigint;
  producerEpoch: number;
  /** -1 when no batch of the current epoch is retained. */
  lastSequence: number;
  lastTimestamp: number;
  coordinatorEpoch: number;
  /** -1 when no transaction is open. */
  currentTxnStartOffset: number;
}

export function segmentSettingsOf(c: Readonly<LogConfig>): SegmentSettings {
  return {
    indexIntervalBytes: c['index.interval.bytes'],
    indexBytes: c['segment.index.bytes'],
    // Batches in the log were accepted under some max.message.bytes; a corrupt length is
    // bounded by the segment size instead, which no valid batch can exceed.
    maxBatchSize: Math.max(c['segment.bytes'], c['max.message.bytes']),
  };
}

/** Index of the last segment whose base offset is <= offset (0 if none). O(log n). */
export function floorSegment(segs: readonly LogSegment[], offset: number): number {
  let lo = 0;
  let hi = segs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (segs[mid]!.baseOffset <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

