/**
 * What each transaction coordinator request does to a transactional id's metadata, as pure
 * decisions (Kafka's TransactionCoordinator handlers, minus locking and I/O): an error to answer,
 * "done" (answer success, nothing to write), or the next metadata to write. The shard
 * (txn-shard.ts) turns a decision into records and a response.
 *
 * EndTxn with transactions v2 (KIP-890 part 2), for the states that have ended or never started
 * ("retry": the request carries the epoch before the last bump; "current": the current epoch):
 *
 *                    abort retry   abort current   commit retry   commit current
 *   Empty            FENCED        bump            FENCED         INVALID_TXN_STATE
 *   CompleteAbort    NONE          bump            INVALID        INVALID_TXN_STATE
 *   CompleteCommit   INVALID       bump            NONE           INVALID_TXN_STATE
 *
 * With transactions v0/v1 the epoch must match exactly, Empty accepts nothing, and a complete
 * transaction accepts only the same outcome again (NONE).
 */
import { ErrorCode } from '../../protocol/error-codes';
import { KafkaError } from '../../protocol/kafka-errors';
import type { TopicPartition } from '../../log/topic-partition';
import { invariant } from '../../util/invariant';
import {
  containsPartition,
  isEpochExhausted,
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  prepareAbortOrCommit,
  prepareAddPartitions,
  prepareFenceProducerEpoch,
  prepareIncrementProducerEpoch,
  prepareProducerIdRotation,
  supportsEpochBump,
  TransactionVersion,
  type TxnMetadata,
} from './transaction-metadata';
import { TxnState } from './transaction-state';

const SHORT_MAX = 32767;

export type Decision =
  | { readonly kind: 'error'; readonly errorCode: number }
  | { readonly kind: 'done' }
  | { readonly kind: 'write'; readonly next: TxnMetadata };

const error = (errorCode: number): Decision => ({ kind: 'error', errorCode });
const DONE: Decision = { kind: 'done' };
const write = (next: TxnMetadata): Decision => ({ kind: 'write', next });

export interface ProducerIdAndEpoch {
  producerId: bigint;
  producerEpoch: number;
}

/**
 * InitProducerId for a transactional id with metadata `m` (new ids get fresh metadata first).
 * An open transaction is not decided here: the caller fences it (decideFence).
 */
export function decideInitProducerId(
  m: TxnMetadata,
  txnTimeoutMs: number,
  expected: ProducerIdAndEpoch | null,
  nowMs: number,
  generateProducerId: () => bigint,
): Decision | 'fence' {
  // KIP-360: a producer naming its id and epoch is fenced unless the metadata is new, the id is
  // the current one (the epoch is checked when bumping), or it retries after an epoch overflow.
  if (
    expected &&
    !(
      m.producerEpoch === NO_PRODUCER_EPOCH ||
      expected.producerId === m.producerId ||
      (expected.producerId === m.prevProducerId && isEpochExhausted(expected.producerEpoch))
    )
  ) {
    return error(ErrorCode.PRODUCER_FENCED);
  }
  switch (m.state) {
    case TxnState.PREPARE_ABORT:
    case TxnState.PREPARE_COMMIT:
      return error(ErrorCode.CONCURRENT_TRANSACTIONS);
    case TxnState.COMPLETE_ABORT:
    case TxnState.COMPLETE_COMMIT:
    case TxnState.EMPTY:
      if (isEpochExhausted(m.producerEpoch) && (!expected || expected.producerEpoch === m.producerEpoch)) {
        return write(prepareProducerIdRotation(m, generateProducerId(), txnTimeoutMs, nowMs, expected !== null));
      }
      try {
        return write(prepareIncrementProducerEpoch(m, txnTimeoutMs, expected ? expected.producerEpoch : null, nowMs));
      } catch (e) {
        // An expected epoch that is neither the current nor the previous one.
        if (e instanceof KafkaError) return error(e.errorCode);
        throw e;
      }
    case TxnState.ONGOING:
      return 'fence';
    default:
      invariant(false, () => `transactional id ${m.transactionalId} found in state ${m.state}, which is never stored`);
  }
}

/** AddPartitionsToTxn / AddOffsetsToTxn / a transactions-v2 produce adding its partition. */
export function decideAddPartitions(
  m: TxnMetadata | undefined,
  producerId: bigint,
  producerEpoch: number,
  partitions: readonly TopicPartition[],
  nowMs: number,
  clientTransactionVersion: number,
): Decision {
  if (!m || m.producerId !== producerId) return error(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  if (m.producerEpoch !== producerEpoch) return error(ErrorCode.PRODUCER_FENCED);
  if (m.state === TxnState.PREPARE_COMMIT || m.state === TxnState.PREPARE_ABORT) return error(ErrorCode.CONCURRENT_TRANSACTIONS);
  // Already there: answered at once, nothing written.
  if (m.state === TxnState.ONGOING && partitions.every((tp) => containsPartition(m.partitions, tp))) return DONE;
  return write(prepareAddPartitions(m, partitions, nowMs, clientTransactionVersion));
}

/**
 * The verify-only form of AddPartitionsToTxn (KIP-890 part 1): per partition NONE when it is
 * in the open transaction, else TRANSACTION_ABORTABLE; or one error for all.
 */
export function decideVerifyPartitions(
  m: TxnMetadata | undefined,
  producerId: bigint,
  producerEpoch: number,
  partitions: readonly TopicPartition[],
): { errorCode: number } | { perPartition: number[] } {
  if (!m || m.producerId !== producerId) return { errorCode: ErrorCode.INVALID_PRODUCER_ID_MAPPING };
  if (m.producerEpoch !== producerEpoch) return { errorCode: ErrorCode.PRODUCER_FENCED };
  if (m.state === TxnState.PREPARE_COMMIT || m.state === TxnState.PREPARE_ABORT) return { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS };
  return { perPartition: partitions.map((tp) => (containsPartition(m.partitions, tp) ? ErrorCode.NONE : ErrorCode.TRANSACTION_ABORTABLE)) };
}

export interface EndTxnInput {
  producerId: bigint;
  producerEpoch: number;
  commit: boolean;
  clientTransactionVersion: number;
}

/** EndTxn from a client (Kafka: endTransaction / endTransactionWithTV1 with isFromClient). */
export function decideEndTxn(m: TxnMetadata | undefined, req: EndTxnInput, nowMs: number, generateProducerId: () => bigint): Decision {
  if (!m) return error(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  return supportsEpochBump(req.clientTransactionVersion) ? decideEndTxnV2(m, req, nowMs, generateProducerId) : decideEndTxnV1(m, req, nowMs);
}

function decideEndTxnV1(m: TxnMetadata, req: EndTxnInput, nowMs: number): Decision {
  if (m.producerId !== req.producerId) return error(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  if (req.producerEpoch !== m.producerEpoch) return error(ErrorCode.PRODUCER_FENCED);
  const wanted = req.commit ? TxnState.COMPLETE_COMMIT : TxnState.COMPLETE_ABORT;
  const preparing = req.commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT;
  switch (m.state) {
    case TxnState.ONGOING:
      return write(prepareAbortOrCommit(m, preparing, TransactionVersion.TV_0, NO_PRODUCER_ID, nowMs, false));
    case TxnState.COMPLETE_COMMIT:
    case TxnState.COMPLETE_ABORT:
      return m.state === wanted ? DONE : error(ErrorCode.INVALID_TXN_STATE);
    case TxnState.PREPARE_COMMIT:
    case TxnState.PREPARE_ABORT:
      return m.state === preparing ? error(ErrorCode.CONCURRENT_TRANSACTIONS) : error(ErrorCode.INVALID_TXN_STATE);
    case TxnState.EMPTY:
      return error(ErrorCode.INVALID_TXN_STATE);
    default:
      invariant(false, () => `transactional id ${m.transactionalId} found in state ${m.state}, which is never stored`);
  }
}

function decideEndTxnV2(m: TxnMetadata, req: EndTxnInput, nowMs: number, generateProducerId: () => bigint): Decision {
  const epoch = req.producerEpoch;
  // A retry of an EndTxn whose epoch bump overflowed into a new producer id.
  const retryOnOverflow = m.prevProducerId === req.producerId && epoch === SHORT_MAX - 1 && m.producerEpoch === 0;
  // A retry of an EndTxn that already bumped the epoch.
  const retryOnEpochBump = m.producerEpoch === epoch + 1;
  const isRetry = retryOnEpochBump || retryOnOverflow;
  let validEpoch: boolean;
  switch (m.state) {
    case TxnState.PREPARE_COMMIT:
    case TxnState.PREPARE_ABORT:
      validEpoch = retryOnEpochBump;
      break;
    case TxnState.COMPLETE_COMMIT:
    case TxnState.COMPLETE_ABORT:
      validEpoch = isRetry || epoch === m.producerEpoch;
      break;
    default:
      validEpoch = epoch === m.producerEpoch;
  }
  if (m.producerId !== req.producerId && !retryOnOverflow) return error(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
  if (!validEpoch) return error(ErrorCode.PRODUCER_FENCED);
  const complete = (state: typeof TxnState.PREPARE_COMMIT | typeof TxnState.PREPARE_ABORT, noPartitionAdded: boolean): Decision => {
    const nextProducerId = isEpochExhausted(m.producerEpoch) ? generateProducerId() : NO_PRODUCER_ID;
    return write(prepareAbortOrCommit(m, state, req.clientTransactionVersion, nextProducerId, nowMs, noPartitionAdded));
  };
  switch (m.state) {
    case TxnState.ONGOING:
      return complete(req.commit ? TxnState.PREPARE_COMMIT : TxnState.PREPARE_ABORT, false);
    case TxnState.COMPLETE_COMMIT:
      if (req.commit) return isRetry ? DONE : error(ErrorCode.INVALID_TXN_STATE);
      return isRetry ? error(ErrorCode.INVALID_TXN_STATE) : complete(TxnState.PREPARE_ABORT, true);
    case TxnState.COMPLETE_ABORT:
      if (!req.commit) return isRetry ? DONE : complete(TxnState.PREPARE_ABORT, true);
      return error(ErrorCode.INVALID_TXN_STATE);
    case TxnState.PREPARE_COMMIT:
      return req.commit ? error(ErrorCode.CONCURRENT_TRANSACTIONS) : error(ErrorCode.INVALID_TXN_STATE);
    case TxnState.PREPARE_ABORT:
      return req.commit ? error(ErrorCode.INVALID_TXN_STATE) : error(ErrorCode.CONCURRENT_TRANSACTIONS);
    case TxnState.EMPTY:
      return req.commit ? error(ErrorCode.INVALID_TXN_STATE) : complete(TxnState.PREPARE_ABORT, true);
    default:
      invariant(false, () => `transactional id ${m.transactionalId} found in state ${m.state}, which is never stored`);
  }
}

/**
 * The coordinator aborts an open transaction (a new producer fenced it, or it timed out), with
 * its own transaction version (Kafka: endTransaction with isFromClient = false): the metadata
 * passes through PrepareEpochFence to PrepareAbort and the epoch goes up by one in all. Before
 * transactions v2 the fence bumps it and the abort keeps it; with v2 the abort bumps it, so the
 * fence does not (KAFKA-19367), and an exhausted epoch ends the transaction with a new producer
 * id. After a fence whose record could not be written the epoch is not bumped again.
 */
export function decideFenceAbort(
  m: TxnMetadata,
  serverTransactionVersion: number,
  hasFailedEpochFence: boolean,
  nowMs: number,
  generateProducerId: () => bigint,
): TxnMetadata {
  const v2 = supportsEpochBump(serverTransactionVersion);
  const fenced = prepareFenceProducerEpoch(m, hasFailedEpochFence || v2);
  const nextProducerId = v2 && isEpochExhausted(m.producerEpoch) ? generateProducerId() : NO_PRODUCER_ID;
  return prepareAbortOrCommit(fenced, TxnState.PREPARE_ABORT, serverTransactionVersion, nextProducerId, nowMs, false);
}

/** An open transaction past its timeout (Kafka: timedOutTransactions). */
export function isTimedOut(m: TxnMetadata, nowMs: number): boolean {
  return m.state === TxnState.ONGOING && m.txnStartTimestamp + m.txnTimeoutMs < nowMs;
}
