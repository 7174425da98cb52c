/**
 * The transaction coordinator's settings (Kafka's TransactionConfig / TransactionLogConfig),
 * read from the broker config each time they are needed so dynamic changes apply to the next
 * operation.
 */
import type { BrokerConfig } from '../../config';
import { TransactionVersion } from '../../log/producer-append-info';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

/**
 * The finalized `transaction.version` feature of this broker: 2, transactions v2 (KIP-890 part
 * 2), what a Kafka 4.x cluster formatted with its defaults finalizes. Clients that see it in
 * ApiVersions bump the epoch on every transaction; the coordinator also uses it for the aborts
 * it decides itself (timeouts, fencing).
 */
export const FINALIZED_TRANSACTION_VERSION = TransactionVersion.TV_2;

export interface TxnCoordinatorConfig {
  readonly transactionMaxTimeoutMs: number;
  readonly transactionalIdExpirationMs: number;
  readonly abortTimedOutTransactionsIntervalMs: number;
  readonly removeExpiredTransactionalIdsIntervalMs: number;
  readonly transactionLogNumPartitions: number;
  readonly transactionLogReplicationFactor: number;
  readonly transactionLogMinIsr: number;
  readonly transactionLogSegmentBytes: number;
  readonly transactionLogLoadBufferSize: number;
  readonly partitionVerificationEnabled: boolean;
  /** How long marker writes are retried before a retriable failure is logged again. */
  readonly requestTimeoutMs: number;
}

export function txnCoordinatorConfig(c: BrokerConfig): TxnCoordinatorConfig {
  return {
    transactionMaxTimeoutMs: c.get('transaction.max.timeout.ms'),
    transactionalIdExpirationMs: c.get('transactional.id.expiration.ms'),
    abortTimedOutTransactionsIntervalMs: c.get('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
    removeExpiredTransactionalIdsIntervalMs: c.get('transaction.remove.expired.transaction.cleanup.interval.ms'),
    transactionLogNumPartitions: c.get('transaction.state.log.num.partitions'),
    transactionLogReplicationFactor: c.get('transaction.state.log.replication.factor'),
    transactionLogMinIsr: c.get('transaction.state.log.min.isr'),
    transactionLogSegmentBytes: c.get('transaction.state.log.segment.bytes'),
    transactionLogLoadBufferSize: c.get('transaction.state.log.load.buffer.size'),
    partitionVerificationEnabled: c.get('transaction.partition.verification.enable'),
    requestTimeoutMs: c.get('request.timeout.ms'),
  };
}
