/**
 * The transaction coordinator's state machine for one partition of __transaction_state (Kafka's
 * TransactionStateManager cache for that partition plus the TransactionCoordinator handlers):
 * the metadata of each transactional id the partition owns, the operations the service runs
 * through the coordinator runtime, record replay, and two periodic tasks.
 *
 * Operations return {records, response}; the metadata changes only when a record is replayed,
 * which the runtime does right after appending it, before the response is released. An
 * operation that decides a commit or abort (PrepareCommit / PrepareAbort) asks for the markers
 * to be written once its record is in the log (`onAppended` → deps.writeMarkers); when every
 * marker is written the service runs `completeTransaction`, which logs CompleteCommit /
 * CompleteAbort.
 *
 * Periodic tasks (timers of the runtime, so they run as write operations):
 *  - every transaction.abort.timed.out.transaction.cleanup.interval.ms, transactions open longer
 *    than their timeout are fenced (epoch bump) and aborted;
 *  - every transaction.remove.expired.transaction.cleanup.interval.ms, transactional ids idle for
 *    transactional.id.expiration.ms in Empty/CompleteCommit/CompleteAbort get a tombstone.
 * After loading, transactions found in PrepareCommit/PrepareAbort get their markers written again.
 */
import { ErrorCode } from '../../protocol/error-codes';
import type { TopicPartition } from '../../log/topic-partition';
import type { CoordinatorResult, CoordinatorShard, ReplayContext, ShardContext } from '../runtime/types';
import { FINALIZED_TRANSACTION_VERSION, type TxnCoordinatorConfig } from './config';
import { txnRecord, txnTombstone, type TxnLogRecord } from './records';
import {
  newTxnMetadata,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  prepareComplete,
  prepareDead,
  type TxnMetadata,
} from './transaction-metadata';
import { isExpirationAllowed, isValidTransition, TxnState, type TxnStateName } from './transaction-state';
import {
  decideAddPartitions,
  decideEndTxn,
  decideFenceAbort,
  decideInitProducerId,
  decideVerifyPartitions,
  isTimedOut,
  type Decision,
  type EndTxnInput,
  type ProducerIdAndEpoch,
} from './txn-decisions';

export const ABORT_TIMED_OUT_KEY = 'txn-abort-timed-out';
export const EXPIRE_TRANSACTIONAL_IDS_KEY = 'txn-expire-transactional-ids';

/** The markers one ended transaction needs (Kafka: TxnMarkerEntry + the pending completion). */
export interface MarkerRequest {
  transactionalId: string;
  /** The __transaction_state partition owning the transactional id. */
  txnPartition: number;
  coordinatorEpoch: number;
  producerId: bigint;
  producerEpoch: number;
  committed: boolean;
  /** The transaction version the markers are written with (2: the epoch must have been bumped). */
  transactionVersion: number;
  partitions: readonly TopicPartition[];
}

export interface ProducerIdResult {
  errorCode: number;
  producerId: bigint;
  producerEpoch: number;
}

export interface DescribedTransaction {
  errorCode: number;
  transactionalId: string;
  state: TxnStateName | '';
  timeoutMs: number;
  startTimeMs: number;
  producerId: bigint;
  producerEpoch: number;
  partitions: readonly TopicPartition[];
}

export interface ListedTransaction {
  transactionalId: string;
  producerId: bigint;
  state: TxnStateName;
}

export interface ListFilters {
  states: ReadonlySet<TxnStateName>;
  producerIds: ReadonlySet<bigint>;
  /** Keep transactions running longer than this many ms; negative keeps all. */
  durationMs: number;
  pattern: RegExp | null;
}

export interface TxnShardDeps {
  config(): TxnCoordinatorConfig;
  generateProducerId(): bigint;
  coordinatorEpoch(partition: number): number;
  /** Writes the markers of a transaction whose PrepareCommit/PrepareAbort is in the log. */
  writeMarkers(req: MarkerRequest): void;
}

type Result<T> = CoordinatorResult<T, TxnLogRecord>;

const failed = (errorCode: number): ProducerIdResult => ({ errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH });

export class TxnCoordinatorShard implements CoordinatorShard<TxnLogRecord> {
  private readonly txns = new Map<string, TxnMetadata>();
  /** Transactional ids whose last epoch fence could not be written (Kafka: hasFailedEpochFence). */
  private readonly failedEpochFence = new Set<string>();
  private loaded = false;
  private epoch = 0;

  constructor(
    private readonly ctx: ShardContext<TxnLogRecord>,
    private readonly deps: TxnShardDeps,
  ) {}

  get partition(): number {
    return this.ctx.partition;
  }

  get coordinatorEpoch(): number {
    return this.epoch;
  }

  /** The metadata of `transactionalId`, if this partition has it (tests, reads). */
  metadata(transactionalId: string): TxnMetadata | undefined {
    return this.txns.get(transactionalId);
  }

  get size(): number {
    return this.txns.size;
  }

  // ---- runtime hooks --------------------------------------------------------------------------

  replay(record: TxnLogRecord, _ctx: ReplayContext): void {
    if (record.metadata === null) {
      this.txns.delete(record.transactionalId);
      this.failedEpochFence.delete(record.transactionalId);
      return;
    }
    const prev = this.txns.get(record.transactionalId);
    if (this.loaded && prev && !isValidTransition(prev.state, record.metadata.state)) {
      this.ctx.log.error(
        { transactionalId: record.transactionalId, from: prev.state, to: record.metadata.state },
        'replayed a transaction state change the state table does not allow',
      );
    }
    this.txns.set(record.transactionalId, record.metadata);
  }

  onLoaded(): void {
    this.loaded = true;
    this.epoch = this.deps.coordinatorEpoch(this.partition);
    const c = this.deps.config();
    this.scheduleAbortTimedOut(c.abortTimedOutTransactionsIntervalMs);
    this.scheduleExpiration(c.removeExpiredTransactionalIdsIntervalMs);
    // Transactions decided before the restart still need their markers (Kafka: loading
    // re-queues PrepareCommit/PrepareAbort).
    for (const m of this.txns.values()) {
      if (m.state === TxnState.PREPARE_COMMIT || m.state === TxnState.PREPARE_ABORT) this.deps.writeMarkers(this.markerRequest(m));
    }
  }

  onUnloaded(): void {
    this.loaded = false;
  }

  // ---- InitProducerId -------------------------------------------------------------------------

  initProducerId(transactionalId: string, txnTimeoutMs: number, expected: ProducerIdAndEpoch | null): Result<ProducerIdResult> {
    const now = this.ctx.clock.now();
    const m = this.txns.get(transactionalId) ?? newTxnMetadata(transactionalId, this.deps.generateProducerId(), txnTimeoutMs, now);
    const d = decideInitProducerId(m, txnTimeoutMs, expected, now, () => this.deps.generateProducerId());
    if (d === 'fence') {
      // The open transaction of the fenced producer is aborted with a bumped epoch; the new
      // producer is told CONCURRENT_TRANSACTIONS and retries, which bumps the epoch again.
      return this.fenceAndAbort(m, now, { ...failed(ErrorCode.CONCURRENT_TRANSACTIONS) });
    }
    if (d.kind === 'error') return { records: [], response: failed(d.errorCode) };
    if (d.kind === 'done') return { records: [], response: { errorCode: ErrorCode.NONE, producerId: m.producerId, producerEpoch: m.producerEpoch } };
    return {
      records: [txnRecord(d.next)],
      response: { errorCode: ErrorCode.NONE, producerId: d.next.producerId, producerEpoch: d.next.producerEpoch },
    };
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn ---------------------------------------------------

  addPartitions(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    partitions: readonly TopicPartition[],
    clientTransactionVersion: number,
  ): Result<number> {
    const d = decideAddPartitions(this.txns.get(transactionalId), producerId, producerEpoch, partitions, this.ctx.clock.now(), clientTransactionVersion);
    return this.simple(d);
  }

  /** Verify-only AddPartitionsToTxn: an error for all, or an error code per partition (in order). */
  verifyPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: readonly TopicPartition[]): number[] {
    const d = decideVerifyPartitions(this.txns.get(transactionalId), producerId, producerEpoch, partitions);
    return 'errorCode' in d ? partitions.map(() => d.errorCode) : d.perPartition;
  }

  // ---- EndTxn ---------------------------------------------------------------------------------

  endTransaction(transactionalId: string, req: EndTxnInput): Result<ProducerIdResult> {
    const m = this.txns.get(transactionalId);
    const d = decideEndTxn(m, req, this.ctx.clock.now(), () => this.deps.generateProducerId());
    if (d.kind === 'error') return { records: [], response: failed(d.errorCode) };
    if (d.kind === 'done') return { records: [], response: { errorCode: ErrorCode.NONE, producerId: m!.producerId, producerEpoch: m!.producerEpoch } };
    const next = d.next;
    return {
      records: [txnRecord(next)],
      response: { errorCode: ErrorCode.NONE, producerId: next.producerId, producerEpoch: next.producerEpoch },
      onAppended: (err) => {
        if (!err) this.deps.writeMarkers(this.markerRequest(next));
      },
    };
  }

  /**
   * Every marker of the transaction is written: CompleteCommit / CompleteAbort, unless the
   * transaction moved on meanwhile (another coordinator epoch, producer or state).
   */
  completeTransaction(req: MarkerRequest): Result<boolean> {
    const m = this.txns.get(req.transactionalId);
    const expected = req.committed ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT;
    if (!m || m.state !== expected || m.producerId !== req.producerId || m.producerEpoch !== req.producerEpoch || req.coordinatorEpoch !== this.epoch) {
      this.ctx.log.info(
        { transactionalId: req.transactionalId, state: m?.state, producerId: String(m?.producerId), epoch: m?.producerEpoch },
        'markers written, but the transaction moved on; not completing it',
      );
      return { records: [], response: false };
    }
    this.failedEpochFence.delete(req.transactionalId);
    return { records: [txnRecord(prepareComplete(m, this.ctx.clock.now()))], response: true };
  }

  // ---- timeouts and expiration ----------------------------------------------------------------

  /** Fences and aborts every transaction open longer than its timeout (Kafka: abortTimedOutTransactions). */
  abortTimedOutTransactions(): Result<number> {
    const now = this.ctx.clock.now();
    const records: TxnLogRecord[] = [];
    const aborted: TxnMetadata[] = [];
    for (const m of this.txns.values()) {
      if (!isTimedOut(m, now)) continue;
      const next = this.fenceAbort(m, now);
      records.push(txnRecord(next));
      aborted.push(next);
      this.ctx.log.info({ transactionalId: m.transactionalId, producerId: String(m.producerId), timeoutMs: m.txnTimeoutMs }, 'aborting a timed-out transaction');
    }
    return {
      records,
      response: aborted.length,
      onAppended: (err) => this.afterFence(aborted, err),
    };
  }

  /** Tombstones for transactional ids idle past transactional.id.expiration.ms (Kafka: removeExpiredTransactionalIds). */
  expireTransactionalIds(): Result<number> {
    const now = this.ctx.clock.now();
    const expirationMs = this.deps.config().transactionalIdExpirationMs;
    const records: TxnLogRecord[] = [];
    for (const m of this.txns.values()) {
      if (isExpirationAllowed(m.state) && m.txnLastUpdateTimestamp <= now - expirationMs) {
        prepareDead(m); // asserts the transition
        records.push(txnTombstone(m.transactionalId));
      }
    }
    if (records.length) this.ctx.log.info({ expired: records.length }, 'expiring idle transactional ids');
    return { records, response: records.length };
  }

  private scheduleAbortTimedOut(intervalMs: number): void {
    this.ctx.timer.schedule(ABORT_TIMED_OUT_KEY, intervalMs, () => {
      this.scheduleAbortTimedOut(this.deps.config().abortTimedOutTransactionsIntervalMs);
      const r = this.abortTimedOutTransactions();
      return { records: r.records, response: undefined, onAppended: r.onAppended };
    });
  }

  private scheduleExpiration(intervalMs: number): void {
    this.ctx.timer.schedule(EXPIRE_TRANSACTIONAL_IDS_KEY, intervalMs, () => {
      this.scheduleExpiration(this.deps.config().removeExpiredTransactionalIdsIntervalMs);
      return { records: this.expireTransactionalIds().records, response: undefined };
    });
  }

  // ---- reads ----------------------------------------------------------------------------------

  describe(transactionalId: string): DescribedTransaction {
    const m = this.txns.get(transactionalId);
    if (!m || m.state === TxnState.DEAD) {
      return {
        errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND,
        transactionalId,
        state: '',
        timeoutMs: 0,
        startTimeMs: 0,
        producerId: 0n,
        producerEpoch: 0,
        partitions: [],
      };
    }
    return {
      errorCode: ErrorCode.NONE,
      transactionalId,
      state: m.state,
      timeoutMs: m.txnTimeoutMs,
      startTimeMs: m.txnStartTimestamp,
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      partitions: m.partitions,
    };
  }

  /** ListTransactions filters (Kafka: listTransactionStates); Dead ids are never listed. */
  list(f: ListFilters): ListedTransaction[] {
    const now = this.ctx.clock.now();
    const out: ListedTransaction[] = [];
    for (const m of this.txns.values()) {
      if (m.state === TxnState.DEAD) continue;
      if (f.states.size > 0 && !f.states.has(m.state)) continue;
      if (f.producerIds.size > 0 && !f.producerIds.has(m.producerId)) continue;
      if (f.durationMs >= 0 && !(now - m.txnStartTimestamp > f.durationMs)) continue;
      if (f.pattern && !f.pattern.test(m.transactionalId)) continue;
      out.push({ transactionalId: m.transactionalId, producerId: m.producerId, state: m.state });
    }
    return out;
  }

  // ---- internals ------------------------------------------------------------------------------

  private simple(d: Decision): Result<number> {
    if (d.kind === 'error') return { records: [], response: d.errorCode };
    if (d.kind === 'done') return { records: [], response: ErrorCode.NONE };
    return { records: [txnRecord(d.next)], response: ErrorCode.NONE };
  }

  private fenceAndAbort<T>(m: TxnMetadata, now: number, response: T): Result<T> {
    const next = this.fenceAbort(m, now);
    return { records: [txnRecord(next)], response, onAppended: (err) => this.afterFence([next], err) };
  }

  private fenceAbort(m: TxnMetadata, now: number): TxnMetadata {
    return decideFenceAbort(m, FINALIZED_TRANSACTION_VERSION, this.failedEpochFence.has(m.transactionalId), now, () => this.deps.generateProducerId());
  }

  private afterFence(aborted: readonly TxnMetadata[], err: unknown): void {
    for (const next of aborted) {
      if (err) {
        // The bumped epoch never reached the log nor the client: the next fence reuses it.
        this.failedEpochFence.add(next.transactionalId);
        this.ctx.log.warn({ err, transactionalId: next.transactionalId }, 'could not write the epoch fence of a transaction');
      } else {
        this.deps.writeMarkers(this.markerRequest(next));
      }
    }
  }

  private markerRequest(m: TxnMetadata): MarkerRequest {
    return {
      transactionalId: m.transactionalId,
      txnPartition: this.partition,
      coordinatorEpoch: this.epoch,
      producerId: m.producerId,
      producerEpoch: m.producerEpoch,
      committed: m.state === TxnState.PREPARE_COMMIT,
      transactionVersion: m.clientTransactionVersion,
      partitions: m.partitions,
    };
  }
}
