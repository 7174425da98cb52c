/**
 * The transaction coordinator as the server sees it (Kafka's TransactionCoordinator with its
 * TransactionStateManager and TransactionMarkerChannelManager): routes each transactional id to
 * the shard of its __transaction_state partition (abs(hash(id)) % partitions), checks requests
 * before they reach a shard, creates and loads __transaction_state, writes the markers of ended
 * transactions and then logs their completion.
 *
 * On a single node every partition of __transaction_state is led here, so every shard is loaded.
 * As in Kafka, the topic is created by the first FindCoordinator for a transactional id, with
 * transaction.state.log.num.partitions partitions, cleanup.policy=compact, no compression, and
 * the configured replication factor, min ISR and segment size. Until then transactional
 * requests answer NOT_COORDINATOR, which sends clients to FindCoordinator.
 *
 * Markers: once PrepareCommit/PrepareAbort is logged, marker-sender.ts writes the markers to
 * every partition of the transaction and then logs CompleteCommit/CompleteAbort.
 */
import type { BrokerConfig } from '../../config';
import type { MetadataStore, NewTopic, TopicInfo } from '../../cluster/metadata-store';
import type { Log } from '../../log/log';
import type { TopicPartition } from '../../log/topic-partition';
import { ErrorCode } from '../../protocol/error-codes';
import { CoordinatorNotAvailableError, KafkaError, toErrorCode } from '../../protocol/kafka-errors';
import { Compression } from '../../protocol/records';
import type { Clock } from '../../util/clock';
import { logger as componentLogger, type Logger } from '../../util/logger';
import { CoordinatorRuntime } from '../runtime/coordinator-runtime';
import { InternalTopic } from '../runtime/internal-topic';
import { partitionFor } from '../runtime/partitioner';
import type { CoordinatorResult } from '../runtime/types';
import { TRANSACTION_STATE_TOPIC, txnCoordinatorConfig, type TxnCoordinatorConfig } from './config';
import type { TxnMarkerWriter } from './marker-writer';
import { TxnMarkerSender } from './marker-sender';
import type { ProducerIdManager } from './producer-id-manager';
import { txnRecordSerde, type TxnLogRecord } from './records';
import { NO_PRODUCER_EPOCH, NO_PRODUCER_ID, TransactionVersion } from './transaction-metadata';
import type { TransactionVerifier } from '../../replication/txn-verification';
import { stateFromName, type TxnStateName } from './transaction-state';
import type { EndTxnInput, ProducerIdAndEpoch } from './txn-decisions';
import {
  TxnCoordinatorShard,
  type DescribedTransaction,
  type ListedTransaction,
  type MarkerRequest,
  type ProducerIdResult,
} from './txn-shard';

export interface TxnCoordinatorDeps {
  config(): BrokerConfig;
  clock: Clock;
  metadata: MetadataStore;
  logs: { getLog(tp: { topic: string; partition: number }): Log | undefined };
  topics: { createTopic(t: NewTopic): Promise<TopicInfo> };
  producerIds: ProducerIdManager;
  markers: TxnMarkerWriter;
  logger?: Logger;
}

export interface ListTransactionsInput {
  stateFilters: readonly string[];
  producerIdFilters: readonly bigint[];
  durationFilterMs: number;
  transactionalIdPattern: string | null;
}

export interface ListTransactionsResult {
  errorCode: number;
  unknownStateFilters: string[];
  transactions: ListedTransaction[];
}

const failed = (errorCode: number): ProducerIdResult => ({ errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH });

export class TransactionCoordinatorService {
  private readonly runtime: CoordinatorRuntime<TxnCoordinatorShard, TxnLogRecord>;
  private readonly log: Logger;
  private active = false;
  private readonly topic: InternalTopic;
  private readonly markers: TxnMarkerSender;

  constructor(private readonly deps: TxnCoordinatorDeps) {
    this.log = deps.logger ?? componentLogger('txn-coordinator');
    this.markers = new TxnMarkerSender({
      writer: deps.markers,
      metadata: deps.metadata,
      clock: deps.clock,
      log: this.log,
      owns: (p) => this.active && this.runtime.isLoaded(p),
      complete: (req) => this.runtime.scheduleWriteOperation('complete-txn', req.txnPartition, (s) => s.completeTransaction(req)),
    });
    this.runtime = new CoordinatorRuntime<TxnCoordinatorShard, TxnLogRecord>({
      name: 'txn-coordinator',
      clock: deps.clock,
      serde: txnRecordSerde,
      newShard: (ctx) =>
        new TxnCoordinatorShard(ctx, {
          config: () => this.config(),
          generateProducerId: () => deps.producerIds.generateProducerId(),
          coordinatorEpoch: (p) => this.coordinatorEpochOf(p),
          writeMarkers: (req) => this.markers.send(req),
        }),
      logFor: (partition) => deps.logs.getLog({ topic: TRANSACTION_STATE_TOPIC, partition }),
      loadBufferSize: () => this.config().transactionLogLoadBufferSize,
      // Kafka enforces no compression for the transaction log.
      compression: () => Compression.NONE,
      logger: this.log,
    });
    this.topic = new InternalTopic({
      name: TRANSACTION_STATE_TOPIC,
      serves: 'transactions',
      metadata: deps.metadata,
      topics: deps.topics,
      runtime: this.runtime,
      log: this.log,
      spec: () => {
        const c = this.config();
        return {
          numPartitions: c.transactionLogNumPartitions,
          replicationFactor: c.transactionLogReplicationFactor,
          replicationFactorKey: 'transaction.state.log.replication.factor',
          configs: {
            'cleanup.policy': 'compact',
            'compression.type': 'uncompressed',
            'min.insync.replicas': String(c.transactionLogMinIsr),
            'segment.bytes': String(c.transactionLogSegmentBytes),
            'unclean.leader.election.enable': 'false',
          },
        };
      },
    });
  }

  config(): TxnCoordinatorConfig {
    return txnCoordinatorConfig(this.deps.config());
  }

  /** Loads every partition of __transaction_state that exists (Kafka: onElection at start-up). */
  async startup(): Promise<void> {
    this.active = true;
    await this.topic.loadExisting();
  }

  /** Stops answering and writing markers; shards are dropped. */
  async shutdown(): Promise<void> {
    this.active = false;
    await this.markers.shutdown();
    await this.runtime.close();
  }

  /** Resolves once no operation or marker write is running (tests). */
  async whenIdle(): Promise<void> {
    do {
      await this.runtime.whenIdle();
      await this.markers.idle();
    } while (this.markers.pending > 0);
  }

  numPartitions(): number {
    return this.deps.metadata.topic(TRANSACTION_STATE_TOPIC)?.partitions.length ?? this.config().transactionLogNumPartitions;
  }

  partitionFor(transactionalId: string): number {
    return partitionFor(transactionalId, this.numPartitions());
  }

  /** The shard of a loaded partition (tests). */
  shardOf(transactionalId: string): Promise<TxnCoordinatorShard> {
    return this.runtime.scheduleReadOperation(this.partitionFor(transactionalId), (s) => s);
  }

  /** FindCoordinator for a transactional id: creates and loads __transaction_state if needed. */
  async findCoordinator(transactionalId: string): Promise<number> {
    if (!this.active) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    try {
      await this.topic.ensure(true);
      return this.runtime.isLoaded(this.partitionFor(transactionalId)) ? ErrorCode.NONE : ErrorCode.COORDINATOR_NOT_AVAILABLE;
    } catch {
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  // ---- producer ids and transactions ----------------------------------------------------------

  /**
   * InitProducerId. Without a transactional id a fresh producer id with epoch 0 (KIP-360 retries
   * included: Kafka hands out a new id whatever the request carries).
   */
  async initProducerId(transactionalId: string | null, txnTimeoutMs: number, expected: ProducerIdAndEpoch | null): Promise<ProducerIdResult> {
    if (transactionalId === null) {
      try {
        return { errorCode: ErrorCode.NONE, producerId: this.deps.producerIds.generateProducerId(), producerEpoch: 0 };
      } catch (e) {
        return failed(toErrorCode(e));
      }
    }
    if (transactionalId === '') return failed(ErrorCode.INVALID_REQUEST);
    if (!(txnTimeoutMs > 0 && txnTimeoutMs <= this.config().transactionMaxTimeoutMs)) return failed(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    try {
      return await this.write('init-producer-id', transactionalId, (s) => s.initProducerId(transactionalId, txnTimeoutMs, expected));
    } catch (e) {
      return failed(this.operationError('init-producer-id', e));
    }
  }

  /** AddPartitionsToTxn (v0-3 and the adding form of v4+), AddOffsetsToTxn, a v2 produce: NONE or the error. */
  async addPartitions(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    partitions: readonly TopicPartition[],
    clientTransactionVersion: number,
  ): Promise<number> {
    if (!transactionalId) return ErrorCode.INVALID_REQUEST;
    try {
      return await this.write('add-partitions', transactionalId, (s) => s.addPartitions(transactionalId, producerId, producerEpoch, partitions, clientTransactionVersion));
    } catch (e) {
      return this.operationError('add-partitions', e);
    }
  }

  /** The verify-only form of AddPartitionsToTxn: an error code per partition, in order. */
  async verifyPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: readonly TopicPartition[]): Promise<number[]> {
    if (!transactionalId) return partitions.map(() => ErrorCode.INVALID_REQUEST);
    try {
      await this.topic.ensure(false);
      return await this.runtime.scheduleReadOperation(this.partitionFor(transactionalId), (s) =>
        s.verifyPartitions(transactionalId, producerId, producerEpoch, partitions),
      );
    } catch (e) {
      const code = this.operationError('verify-partitions', e);
      return partitions.map(() => code);
    }
  }

  /** EndTxn: the new producer id and epoch are meaningful with transactions v2 only. */
  async endTransaction(transactionalId: string, req: EndTxnInput): Promise<ProducerIdResult> {
    if (!transactionalId) return failed(ErrorCode.INVALID_REQUEST);
    try {
      return await this.write('end-txn', transactionalId, (s) => s.endTransaction(transactionalId, req));
    } catch (e) {
      return failed(this.operationError('end-txn', e));
    }
  }

  /**
   * The coordinator as partition leaders ask it before transactional appends (KIP-890): verify
   * the partitions, or for transactions v2 add them. `enabled` defaults to the broker's current
   * transaction.partition.verification.enable; the broker passes the value its logs were opened
   * with (they check guards by it), so that the two agree.
   */
  asVerifier(enabled: () => boolean = () => this.config().partitionVerificationEnabled): TransactionVerifier {
    return {
      enabled,
      verifyPartitions: async (transactionalId, producerId, producerEpoch, partitions, add) => {
        if (!add) return this.verifyPartitions(transactionalId, producerId, producerEpoch, partitions);
        const code = await this.addPartitions(transactionalId, producerId, producerEpoch, partitions, TransactionVersion.TV_2);
        return partitions.map(() => code);
      },
    };
  }

  // ---- operators ------------------------------------------------------------------------------

  async describeTransaction(transactionalId: string): Promise<DescribedTransaction> {
    const failedWith = (errorCode: number): DescribedTransaction => ({
      errorCode, transactionalId, state: '', timeoutMs: 0, startTimeMs: 0, producerId: 0n, producerEpoch: 0, partitions: [],
    });
    if (!this.active) return failedWith(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (transactionalId === '') return failedWith(ErrorCode.INVALID_REQUEST);
    try {
      await this.topic.ensure(false);
      return await this.runtime.scheduleReadOperation(this.partitionFor(transactionalId), (s) => s.describe(transactionalId));
    } catch (e) {
      return failedWith(this.operationError('describe-transactions', e));
    }
  }

  /** ListTransactions over every loaded partition; an invalid pattern throws INVALID_REGULAR_EXPRESSION. */
  async listTransactions(input: ListTransactionsInput): Promise<ListTransactionsResult> {
    const unknownStateFilters = input.stateFilters.filter((s) => stateFromName(s) === undefined);
    if (!this.active) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, unknownStateFilters: [], transactions: [] };
    let pattern: RegExp | null = null;
    if (input.transactionalIdPattern) {
      try {
        // Java's Pattern.matches: the whole id must match.
        pattern = new RegExp(`^(?:${input.transactionalIdPattern})$`, 'u');
      } catch (e) {
        throw new KafkaError(ErrorCode.INVALID_REGULAR_EXPRESSION, `Transactional ID pattern '${input.transactionalIdPattern}' is not a valid regular expression: ${(e as Error).message}`);
      }
    }
    await this.topic.ensure(false).catch(() => undefined);
    const states = new Set(input.stateFilters.map(stateFromName).filter((s): s is TxnStateName => s !== undefined));
    // Only unknown state names: nothing can match.
    if (input.stateFilters.length > 0 && states.size === 0) return { errorCode: ErrorCode.NONE, unknownStateFilters, transactions: [] };
    const filters = { states, producerIds: new Set(input.producerIdFilters), durationMs: input.durationFilterMs, pattern };
    return { errorCode: ErrorCode.NONE, unknownStateFilters, transactions: this.runtime.readAll((s) => s.list(filters)).flat() };
  }

  // ---- internals ------------------------------------------------------------------------------

  private coordinatorEpochOf(partition: number): number {
    const p = this.deps.metadata.topic(TRANSACTION_STATE_TOPIC)?.partitions.find((x) => x.partition === partition);
    return p?.leaderEpoch ?? 0;
  }

  private async write<T>(name: string, transactionalId: string, op: (s: TxnCoordinatorShard) => CoordinatorResult<T, TxnLogRecord>): Promise<T> {
    if (!this.active) throw new CoordinatorNotAvailableError('the transaction coordinator is not running');
    await this.topic.ensure(false);
    return this.runtime.scheduleWriteOperation(name, this.partitionFor(transactionalId), op);
  }

  /**
   * Kafka's TransactionStateManager.appendTransactionToLog error mapping: a failed append of the
   * transaction log becomes an error the client recovers from.
   */
  private operationError(operation: string, e: unknown): number {
    const code = toErrorCode(e);
    switch (code) {
      case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      case ErrorCode.NOT_ENOUGH_REPLICAS:
      case ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND:
      case ErrorCode.REQUEST_TIMED_OUT:
        return ErrorCode.COORDINATOR_NOT_AVAILABLE;
      case ErrorCode.NOT_LEADER_OR_FOLLOWER:
      case ErrorCode.KAFKA_STORAGE_ERROR:
        return ErrorCode.NOT_COORDINATOR;
      case ErrorCode.MESSAGE_TOO_LARGE:
      case ErrorCode.RECORD_LIST_TOO_LARGE:
      case ErrorCode.UNKNOWN_SERVER_ERROR:
        this.log.error({ err: e, operation }, `transaction coordinator operation ${operation} failed`);
        return ErrorCode.UNKNOWN_SERVER_ERROR;
      default:
        return code;
    }
  }


}
