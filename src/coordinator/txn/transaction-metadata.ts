/**
 * What the coordinator knows about one transactional id (Kafka's TransactionMetadata), as an
 * immutable value, and the transitions between values. Each `prepare*` function returns the
 * next value without changing anything: an operation puts it in a record, and the state changes
 * only when that record is replayed (txn-shard.ts). Every transition goes through
 * `transitionTo`, which asserts the state table of transaction-state.ts.
 *
 * Epochs (int16). A producer may use epochs up to 32766 (Short.MAX_VALUE - 1): the last one is
 * kept so the coordinator can always fence a producer. `lastProducerEpoch` is the epoch before
 * the last bump: a retried InitProducerId or EndTxn (transactions v2) that carries it is
 * recognised as a retry. It is not stored in __transaction_state (Kafka neither): after a
 * reload it is -1.
 *
 * Transactions v2 (KIP-890 part 2): every commit or abort bumps the epoch (PrepareCommit /
 * PrepareAbort carry epoch + 1 and the markers are written with it); when the epoch is
 * exhausted the transaction ends with a new producer id (`nextProducerId`, epoch 0).
 */
import { NO_PRODUCER_EPOCH } from '../../protocol/records/batch-header';
import { ErrorCode } from '../../protocol/error-codes';
import { KafkaError } from '../../protocol/kafka-errors';
import { TransactionVersion } from '../../log/producer-append-info';
import { tpKey, type TopicPartition } from '../../log/topic-partition';
import { invariant } from '../../util/invariant';
import { checkTransition, hasPendingTransaction, TxnState, type TxnStateName } from './transaction-state';

export const NO_PRODUCER_ID = -1n;
export { NO_PRODUCER_EPOCH, TransactionVersion };

const SHORT_MAX = 32767;

export interface TxnMetadata {
  readonly transactionalId: string;
  readonly producerId: bigint;
  /** Producer id before the last transition (Kafka: previousProducerId; changes on rotation), -1 if none. */
  readonly prevProducerId: bigint;
  /** Transactions v2: the producer id the transaction ends with when the epoch overflowed, else -1. */
  readonly nextProducerId: bigint;
  readonly producerEpoch: number;
  readonly lastProducerEpoch: number;
  readonly txnTimeoutMs: number;
  readonly state: TxnStateName;
  /** Partitions of the open transaction, sorted by topic then partition, no duplicates. */
  readonly partitions: readonly TopicPartition[];
  /** When the transaction began (first partition added), -1 when none is open. */
  readonly txnStartTimestamp: number;
  readonly txnLastUpdateTimestamp: number;
  /** Transaction version the client used for the last transition (0, 1 or 2). */
  readonly clientTransactionVersion: number;
}

/** A producer id may not use the last epoch: the coordinator must always be able to fence it. */
export function isEpochExhausted(epoch: number): boolean {
  return epoch >= SHORT_MAX - 1;
}

export function supportsEpochBump(tv: number): boolean {
  return tv >= TransactionVersion.TV_2;
}

/** The metadata of a transactional id seen for the first time (Kafka: handleInitProducerId). */
export function newTxnMetadata(transactionalId: string, producerId: bigint, txnTimeoutMs: number, nowMs: number): TxnMetadata {
  return {
    transactionalId,
    producerId,
    prevProducerId: NO_PRODUCER_ID,
    nextProducerId: NO_PRODUCER_ID,
    producerEpoch: NO_PRODUCER_EPOCH,
    lastProducerEpoch: NO_PRODUCER_EPOCH,
    txnTimeoutMs,
    state: TxnState.EMPTY,
    partitions: [],
    txnStartTimestamp: -1,
    txnLastUpdateTimestamp: nowMs,
    clientTransactionVersion: TransactionVersion.TV_0,
  };
}

/**
 * The one way to a new state: checks the state table and the values the new state needs. As in
 * Kafka (TxnTransitMetadata), every transition records the producer id it came from as the
 * previous producer id.
 */
export function transitionTo(m: TxnMetadata, state: TxnStateName, changes: Partial<Omit<TxnMetadata, 'transactionalId' | 'state' | 'prevProducerId'>> = {}): TxnMetadata {
  checkTransition(m.transactionalId, m.state, state);
  const next: TxnMetadata = { ...m, ...changes, prevProducerId: m.producerId, state };
  invariant(next.producerId >= 0n, () => `transactional id ${m.transactionalId}: illegal producer id ${next.producerId} for ${state}`);
  invariant(
    state === TxnState.DEAD || next.producerEpoch >= 0,
    () => `transactional id ${m.transactionalId}: illegal producer epoch ${next.producerEpoch} for ${state}`,
  );
  invariant(
    state !== TxnState.EMPTY || next.partitions.length === 0,
    () => `transactional id ${m.transactionalId}: Empty with ${next.partitions.length} partitions`,
  );
  return next;
}

/** An open transaction is to be aborted by the coordinator: the epoch is bumped unless `skipBump`. */
export function prepareFenceProducerEpoch(m: TxnMetadata, skipBump: boolean): TxnMetadata {
  const bumped = skipBump || m.producerEpoch === SHORT_MAX ? m.producerEpoch : m.producerEpoch + 1;
  return transitionTo(m, TxnState.PREPARE_EPOCH_FENCE, { producerEpoch: bumped, lastProducerEpoch: NO_PRODUCER_EPOCH });
}

/**
 * InitProducerId on a transactional id with no open transaction: the epoch is bumped. With an
 * expected epoch (KIP-360): the current one → bump; the previous one → a retry, answered with
 * the current epoch; anything else → PRODUCER_FENCED.
 */
export function prepareIncrementProducerEpoch(m: TxnMetadata, txnTimeoutMs: number, expectedEpoch: number | null, nowMs: number): TxnMetadata {
  invariant(!isEpochExhausted(m.producerEpoch), () => `transactional id ${m.transactionalId}: no epoch left for producer id ${m.producerId}`);
  let producerEpoch: number;
  let lastProducerEpoch: number;
  if (expectedEpoch === null) {
    producerEpoch = m.producerEpoch + 1;
    lastProducerEpoch = NO_PRODUCER_EPOCH;
  } else if (m.producerEpoch === NO_PRODUCER_EPOCH || expectedEpoch === m.producerEpoch) {
    producerEpoch = m.producerEpoch + 1;
    lastProducerEpoch = m.producerEpoch;
  } else if (expectedEpoch === m.lastProducerEpoch) {
    producerEpoch = m.producerEpoch;
    lastProducerEpoch = m.lastProducerEpoch;
  } else {
    throw new KafkaError(
      ErrorCode.PRODUCER_FENCED,
      `expected epoch ${expectedEpoch} of ${m.transactionalId} is neither the current epoch ${m.producerEpoch} nor the previous one ${m.lastProducerEpoch}`,
    );
  }
  return transitionTo(m, TxnState.EMPTY, {
    producerEpoch,
    lastProducerEpoch,
    txnTimeoutMs,
    partitions: [],
    txnStartTimestamp: -1,
    txnLastUpdateTimestamp: nowMs,
  });
}

/** The epoch is exhausted: continue with a new producer id at epoch 0. */
export function prepareProducerIdRotation(m: TxnMetadata, newProducerId: bigint, txnTimeoutMs: number, nowMs: number, recordLastEpoch: boolean): TxnMetadata {
  invariant(!hasPendingTransaction(m.state), () => `transactional id ${m.transactionalId}: cannot rotate producer ids in ${m.state}`);
  return transitionTo(m, TxnState.EMPTY, {
    producerId: newProducerId,
    producerEpoch: 0,
    lastProducerEpoch: recordLastEpoch ? m.producerEpoch : NO_PRODUCER_EPOCH,
    txnTimeoutMs,
    partitions: [],
    txnStartTimestamp: -1,
    txnLastUpdateTimestamp: nowMs,
  });
}

export function prepareAddPartitions(m: TxnMetadata, added: readonly TopicPartition[], nowMs: number, clientTransactionVersion: number): TxnMetadata {
  const starts = m.state === TxnState.EMPTY || m.state === TxnState.COMPLETE_ABORT || m.state === TxnState.COMPLETE_COMMIT;
  return transitionTo(m, TxnState.ONGOING, {
    partitions: unionPartitions(m.partitions, added),
    txnStartTimestamp: starts ? nowMs : m.txnStartTimestamp,
    txnLastUpdateTimestamp: nowMs,
    clientTransactionVersion,
  });
}

/**
 * EndTxn (or an abort by the coordinator): PrepareCommit or PrepareAbort. With transactions v2
 * the epoch is bumped here; a transaction v2 may be aborted with no partition added, and then
 * starts now.
 */
export function prepareAbortOrCommit(
  m: TxnMetadata,
  state: typeof TxnState.PREPARE_COMMIT | typeof TxnState.PREPARE_ABORT,
  clientTransactionVersion: number,
  nextProducerId: bigint,
  nowMs: number,
  noPartitionAdded: boolean,
): TxnMetadata {
  let producerEpoch = m.producerEpoch;
  let lastProducerEpoch = m.lastProducerEpoch;
  if (supportsEpochBump(clientTransactionVersion)) {
    // At Short.MAX_VALUE only an abort can still go through (the fence already used the last epoch).
    if (!(m.producerEpoch === SHORT_MAX && state === TxnState.PREPARE_ABORT)) producerEpoch = m.producerEpoch + 1;
    lastProducerEpoch = m.producerEpoch;
  }
  return transitionTo(m, state, {
    producerEpoch,
    lastProducerEpoch,
    nextProducerId,
    txnStartTimestamp: noPartitionAdded ? nowMs : m.txnStartTimestamp,
    txnLastUpdateTimestamp: nowMs,
    clientTransactionVersion,
  });
}

/** Every marker is written: CompleteCommit / CompleteAbort; v2 overflow moves to the next producer id. */
export function prepareComplete(m: TxnMetadata, nowMs: number): TxnMetadata {
  invariant(
    m.state === TxnState.PREPARE_COMMIT || m.state === TxnState.PREPARE_ABORT,
    () => `transactional id ${m.transactionalId}: completing from ${m.state}`,
  );
  const rotate = supportsEpochBump(m.clientTransactionVersion) && m.nextProducerId !== NO_PRODUCER_ID;
  return transitionTo(m, m.state === TxnState.PREPARE_COMMIT ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT, {
    producerId: rotate ? m.nextProducerId : m.producerId,
    producerEpoch: rotate ? 0 : m.producerEpoch,
    nextProducerId: NO_PRODUCER_ID,
    partitions: [],
    txnLastUpdateTimestamp: nowMs,
  });
}

/** The transactional id expired: only its tombstone is written. */
export function prepareDead(m: TxnMetadata): TxnMetadata {
  return transitionTo(m, TxnState.DEAD, { partitions: [] });
}

// ---- partitions -----------------------------------------------------------------------------

export function comparePartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

/** Sorted, without duplicates. */
export function unionPartitions(a: readonly TopicPartition[], b: readonly TopicPartition[]): TopicPartition[] {
  const byKey = new Map<string, TopicPartition>();
  for (const tp of [...a, ...b]) byKey.set(tpKey(tp), { topic: tp.topic, partition: tp.partition });
  return [...byKey.values()].sort(comparePartitions);
}

export function containsPartition(ps: readonly TopicPartition[], tp: TopicPartition): boolean {
  return ps.some((p) => p.topic === tp.topic && p.partition === tp.partition);
}

/** Partitions grouped by topic, in order (DescribeTransactions, the log value). */
export function partitionsByTopic(ps: readonly TopicPartition[]): Array<{ topic: string; partitions: number[] }> {
  const out: Array<{ topic: string; partitions: number[] }> = [];
  for (const tp of [...ps].sort(comparePartitions)) {
    const last = out[out.length - 1];
    if (last && last.topic === tp.topic) last.partitions.push(tp.partition);
    else out.push({ topic: tp.topic, partitions: [tp.partition] });
  }
  return out;
}
