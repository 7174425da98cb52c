/**
 * Transaction verification before a transactional produce (KIP-890; Kafka's
 * ReplicaManager.handleProduceAppend and AddPartitionsToTxnManager): a partition leader asks the
 * transaction coordinator whether the partition is part of the producer's open transaction
 * before the first transactional batch that could start a transaction there, so that a late or
 * stray write cannot open a "hanging" transaction nobody will ever end.
 *
 * Per partition with transactional batches, the log gives a verification guard (none needed when
 * the producer already has a transaction open there); the partitions that got one are sent to
 * the coordinator together; the append then carries the guard, which the log checks is still the
 * registered one. How the coordinator is asked depends on the Produce version (Kafka's
 * TransactionSupportedOperation):
 *   v0-v10  verify only; TRANSACTION_ABORTABLE and PRODUCER_FENCED are answered as
 *           INVALID_TXN_STATE and INVALID_PRODUCER_EPOCH (older clients do not know them)
 *   v11     verify only; TRANSACTION_ABORTABLE passes through
 *   v12+    transactions v2: the partition is added to the transaction (the client sends no
 *           AddPartitionsToTxn), done even when verification is disabled.
 * Coordinator errors a client would not retry become NOT_ENOUGH_REPLICAS (Kafka's choice: a
 * retriable error that does not refresh metadata); INVALID_TXN_STATE says the partition was not
 * added. Transactional batches of more than one producer id fail the whole request with
 * INVALID_PRODUCER_ID_MAPPING.
 */
import { ErrorCode, errorName } from '../protocol/error-codes';
import { toErrorCode } from '../protocol/kafka-errors';
import { iterateBatches, isTransactional, NO_PRODUCER_ID, readBatchHeader } from '../protocol/records';
import { VerificationGuard } from '../log/producer-state-verification';
import type { TopicPartition } from '../log/topic-partition';
import { partitionInfo, type PartitionManager } from './partition-manager';

export const TransactionOperation = {
  DEFAULT_ERROR: 'default-error',
  GENERIC_ERROR: 'generic-error',
  ADD_PARTITION: 'add-partition',
} as const;
export type TransactionOperationName = (typeof TransactionOperation)[keyof typeof TransactionOperation];

/** Kafka's KafkaApis choice by Produce version. */
export function transactionOperationFor(produceVersion: number): TransactionOperationName {
  if (produceVersion >= 12) return TransactionOperation.ADD_PARTITION;
  return produceVersion >= 11 ? TransactionOperation.GENERIC_ERROR : TransactionOperation.DEFAULT_ERROR;
}

/** The transaction coordinator as a partition leader sees it (AddPartitionsToTxn v4+ on one node). */
export interface TransactionVerifier {
  /** transaction.partition.verification.enable */
  enabled(): boolean;
  /** Verifies (or with `add`, adds) the partitions; resolves with an error code per partition, in order. */
  verifyPartitions(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: readonly TopicPartition[], add: boolean): Promise<number[]>;
}

export interface PartitionVerification {
  /** The append must not happen: answer this error. */
  errorCode?: number;
  errorMessage?: string | null;
  /** The guard the append must carry. */
  guard?: VerificationGuard;
}

export type VerificationResult = { mixedProducers: true } | { mixedProducers: false; byIndex: Map<number, PartitionVerification> };

interface TransactionalBatchInfo {
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
}

/** The producer of the transactional batches in `records` (first batch's sequence), or null if none. */
function transactionalInfo(records: Buffer | null): TransactionalBatchInfo[] {
  const out: TransactionalBatchInfo[] = [];
  if (!records) return out;
  let first: number | null = null;
  for (const slice of iterateBatches(records)) {
    if (slice.magic !== 2) continue;
    const h = readBatchHeader(records, slice.offset);
    first ??= h.baseSequence;
    if (h.producerId !== NO_PRODUCER_ID && isTransactional(h.attributes)) out.push({ producerId: h.producerId, producerEpoch: h.producerEpoch, baseSequence: first });
  }
  return out;
}

/**
 * Verifies the transactional partitions of a produce request; `inputs[i]` is the i-th partition.
 * Partitions without transactional batches, or that need no verification, get no entry.
 */
export async function verifyTransactionalPartitions(
  manager: PartitionManager,
  inputs: ReadonlyArray<{ topic: string; partition: number; records: Buffer | null }>,
  transactionalId: string | null,
  verifier: TransactionVerifier | undefined,
  operation: TransactionOperationName,
): Promise<VerificationResult> {
  const byIndex = new Map<number, PartitionVerification>();
  const producers = new Map<bigint, number>();
  const candidates: Array<{ index: number; info: TransactionalBatchInfo }> = [];
  inputs.forEach((input, index) => {
    let infos: TransactionalBatchInfo[];
    try {
      infos = transactionalInfo(input.records);
    } catch {
      return; // malformed records: the append path reports them
    }
    for (const i of infos) producers.set(i.producerId, i.producerEpoch);
    if (infos.length > 0) candidates.push({ index, info: infos[0]! });
  });
  if (producers.size > 1) return { mixedProducers: true };
  const add = operation === TransactionOperation.ADD_PARTITION;
  if (transactionalId === null || !verifier || candidates.length === 0 || (!add && !verifier.enabled())) return { mixedProducers: false, byIndex };

  const toVerify: Array<{ index: number; tp: TopicPartition }> = [];
  for (const { index, info } of candidates) {
    const input = inputs[index]!;
    const topic = manager.topic(input.topic);
    if (!topic || !partitionInfo(topic, input.partition)) continue; // answered by the append path
    try {
      const state = manager.leaderPartitionOf(topic, input.partition);
      const guard = state.maybeStartTransactionVerification(info.producerId, info.baseSequence, info.producerEpoch, add);
      if (guard === VerificationGuard.SENTINEL) continue; // a transaction is open here already
      byIndex.set(index, { guard });
      toVerify.push({ index, tp: { topic: input.topic, partition: input.partition } });
    } catch (e) {
      byIndex.set(index, { errorCode: toErrorCode(e) });
    }
  }
  if (toVerify.length === 0) return { mixedProducers: false, byIndex };
  const { producerId, producerEpoch } = candidates[0]!.info;
  let codes: number[];
  try {
    codes = await verifier.verifyPartitions(transactionalId, producerId, producerEpoch, toVerify.map((v) => v.tp), add);
  } catch (e) {
    codes = toVerify.map(() => toErrorCode(e));
  }
  toVerify.forEach((v, i) => {
    const failure = appendError(codes[i] ?? ErrorCode.UNKNOWN_SERVER_ERROR, operation);
    if (failure) byIndex.set(v.index, failure);
  });
  return { mixedProducers: false, byIndex };
}

/**
 * A transaction coordinator answer as a partition leader passes it on (Kafka's
 * AddPartitionsToTxnManager): PRODUCER_FENCED becomes INVALID_PRODUCER_EPOCH, and for clients
 * that predate it TRANSACTION_ABORTABLE becomes INVALID_TXN_STATE.
 */
export function leaderVerificationError(code: number, operation: TransactionOperationName): number {
  if (operation === TransactionOperation.DEFAULT_ERROR && code === ErrorCode.TRANSACTION_ABORTABLE) return ErrorCode.INVALID_TXN_STATE;
  return code === ErrorCode.PRODUCER_FENCED ? ErrorCode.INVALID_PRODUCER_EPOCH : code;
}

/**
 * KIP-890 for a coordinator's own transactional write (TxnOffsetCommit to a __consumer_offsets
 * partition; Kafka's CoordinatorPartitionWriter.maybeStartTransactionVerification): the guard
 * the append must carry (none when no verification is needed), or the error to answer.
 */
export async function verifyCoordinatorPartition(
  manager: PartitionManager,
  tp: TopicPartition,
  transactionalId: string,
  producerId: bigint,
  producerEpoch: number,
  verifier: TransactionVerifier | undefined,
  operation: TransactionOperationName,
): Promise<{ errorCode: number } | { guard?: VerificationGuard }> {
  const add = operation === TransactionOperation.ADD_PARTITION;
  if (!verifier || (!add && !verifier.enabled())) return {};
  let guard: VerificationGuard;
  try {
    guard = manager.leaderPartition(tp.topic, tp.partition).maybeStartTransactionVerification(producerId, -1, producerEpoch, add);
  } catch (e) {
    return { errorCode: toErrorCode(e) };
  }
  if (guard === VerificationGuard.SENTINEL) return {};
  let code: number;
  try {
    [code = ErrorCode.UNKNOWN_SERVER_ERROR] = await verifier.verifyPartitions(transactionalId, producerId, producerEpoch, [tp], add);
  } catch (e) {
    code = toErrorCode(e);
  }
  return code === ErrorCode.NONE ? { guard } : { errorCode: leaderVerificationError(code, operation) };
}

/** A coordinator answer as the produce response reports it (null: verified). */
function appendError(code: number, operation: TransactionOperationName): PartitionVerification | null {
  if (code === ErrorCode.NONE) return null;
  const c = leaderVerificationError(code, operation);
  switch (c) {
    case ErrorCode.INVALID_TXN_STATE:
      return { errorCode: c, errorMessage: 'Partition was not added to the transaction' };
    case ErrorCode.CONCURRENT_TRANSACTIONS:
    case ErrorCode.NETWORK_EXCEPTION:
    case ErrorCode.COORDINATOR_LOAD_IN_PROGRESS:
    case ErrorCode.COORDINATOR_NOT_AVAILABLE:
    case ErrorCode.NOT_COORDINATOR:
      return {
        errorCode: ErrorCode.NOT_ENOUGH_REPLICAS,
        errorMessage: `Unable to verify the partition has been added to the transaction. Underlying error: ${errorName(c)}`,
      };
    default:
      return { errorCode: c, errorMessage: null };
  }
}
