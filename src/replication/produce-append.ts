/**
 * The produce path below the handler (Kafka's ReplicaManager.appendRecords /
 * appendToLocalLog, and DelayedProduce for acks=all): per partition, checks, validation,
 * append, and the per-partition result with Kafka's values for every outcome.
 *
 * - acks other than -1, 0, 1: every partition INVALID_REQUIRED_ACKS, nothing appended.
 * - Internal topics are written only by the admin client id (`__admin_client`), else
 *   INVALID_TOPIC_EXCEPTION.
 * - acks=-1: NOT_ENOUGH_REPLICAS before the append when the ISR is below the effective
 *   min.insync.replicas; after the append, the answer waits until the HW covers the records
 *   (immediate with no followers) or REQUEST_TIMED_OUT after timeout_ms; an ISR that shrank
 *   meanwhile gives NOT_ENOUGH_REPLICAS_AFTER_APPEND.
 * - On failure the base offset and append time are -1; the log start offset is -1 for the
 *   errors Kafka treats as expected (unknown partition, not leader, too large, corrupt,
 *   storage) and the partition's log start offset for the others (KafkaApis/ReplicaManager).
 *
 * - Transactional batches are first verified with the transaction coordinator (KIP-890,
 *   txn-verification.ts); a partition that fails is answered without appending, the others
 *   append with their verification guard.
 *
 * Partitions are appended concurrently; each partition's log orders its own appends.
 */
import { ErrorCode } from '../protocol/error-codes';
import { InvalidTopicError, toErrorCode } from '../protocol/kafka-errors';
import { checkProduceRequestRecords, prepareRecords } from './record-validator';
import { NotEnoughReplicasAfterAppendError, ProduceTimedOutError, RecordValidationError, type RecordError } from './errors';
import { partitionInfo, type PartitionManager } from './partition-manager';
import type { PartitionState } from './partition';
import { transactionOperationFor, verifyTransactionalPartitions, type PartitionVerification, type TransactionVerifier } from './txn-verification';

export interface ProducePartitionInput {
  topic: string;
  partition: number;
  records: Buffer | null;
}

export interface ProducePartitionResult {
  errorCode: number;
  baseOffset: number;
  logAppendTimeMs: number;
  logStartOffset: number;
  recordErrors: RecordError[];
  errorMessage: string | null;
}

export interface ProduceOptions {
  acks: number;
  timeoutMs: number;
  apiVersion: number;
  /** Kafka lets only the admin client (client id `__admin_client`) write internal topics. */
  internalTopicsAllowed: boolean;
  /** The request's transactional id (v3+), null outside transactions. */
  transactionalId?: string | null;
  /** The transaction coordinator, for KIP-890 verification (default: the manager's). */
  verifier?: TransactionVerifier;
}

/** Errors Kafka answers with log start offset -1 (the "expected" exceptions of appendToLocalLog). */
const LOG_START_UNKNOWN_ON: ReadonlySet<number> = new Set([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.MESSAGE_TOO_LARGE,
  ErrorCode.RECORD_LIST_TOO_LARGE,
  ErrorCode.CORRUPT_MESSAGE,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.INVALID_TOPIC_EXCEPTION,
  ErrorCode.INVALID_REQUIRED_ACKS,
]);

export function errorResult(errorCode: number, logStartOffset = -1, recordErrors: RecordError[] = [], errorMessage: string | null = null): ProducePartitionResult {
  return { errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset, recordErrors, errorMessage };
}

export function isValidAcks(acks: number): boolean {
  return acks === -1 || acks === 0 || acks === 1;
}

/** Appends every partition's records; results are in input order. */
export async function appendRecords(manager: PartitionManager, inputs: readonly ProducePartitionInput[], o: ProduceOptions): Promise<ProducePartitionResult[]> {
  let verified = new Map<number, PartitionVerification>();
  if (isValidAcks(o.acks) && o.transactionalId) {
    const verifier = o.verifier ?? manager.transactionVerifier;
    const v = await verifyTransactionalPartitions(manager, inputs, o.transactionalId, verifier, transactionOperationFor(o.apiVersion));
    if (v.mixedProducers) return inputs.map(() => errorResult(ErrorCode.INVALID_PRODUCER_ID_MAPPING));
    verified = v.byIndex;
  }
  return Promise.all(
    inputs.map((input, i) => {
      const v = verified.get(i);
      if (v?.errorCode !== undefined) return errorResult(v.errorCode, -1, [], v.errorMessage ?? null);
      return appendOne(manager, input, o, v);
    }),
  );
}

async function appendOne(manager: PartitionManager, input: ProducePartitionInput, o: ProduceOptions, verification?: PartitionVerification): Promise<ProducePartitionResult> {
  let state: PartitionState | undefined;
  try {
    // KafkaApis: the partition must exist in the metadata, then the request-level record checks,
    // then ReplicaManager's acks check, internal topics, and leadership.
    const topic = manager.topic(input.topic);
    if (!topic || !partitionInfo(topic, input.partition)) return errorResult(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const records = input.records ?? EMPTY;
    try {
      checkProduceRequestRecords(records, o.apiVersion);
    } catch (e) {
      return errorResult(toErrorCode(e));
    }
    if (!isValidAcks(o.acks)) return errorResult(ErrorCode.INVALID_REQUIRED_ACKS);
    if (topic.internal && !o.internalTopicsAllowed) throw new InvalidTopicError(`Cannot append to internal topic ${input.topic}`);
    state = manager.leaderPartitionOf(topic, input.partition);
    const prepared = prepareRecords(records, { config: state.appendConfig, nowMs: manager.clock.now(), partitionName: state.key });
    if (prepared.records.length === 0) {
      // An empty legacy message set: Kafka appends nothing and answers success with offset -1.
      return { errorCode: ErrorCode.NONE, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: state.logStartOffset, recordErrors: [], errorMessage: null };
    }
    const result = await state.appendAsLeader(prepared.records, o.acks, prepared.recordCheck, { verificationGuard: verification?.guard });
    const appended: ProducePartitionResult = {
      errorCode: ErrorCode.NONE,
      baseOffset: result.firstOffset,
      logAppendTimeMs: result.logAppendTime,
      logStartOffset: result.logStartOffset,
      recordErrors: [],
      errorMessage: null,
    };
    // DelayedProduce keeps the append's offsets and sets the error of a failed wait.
    if (o.acks === -1) appended.errorCode = await awaitReplication(manager, state, result.lastOffset + 1, o.timeoutMs);
    return appended;
  } catch (e) {
    const code = toErrorCode(e);
    const logStart = LOG_START_UNKNOWN_ON.has(code) || !state ? -1 : state.logStartOffset;
    if (e instanceof RecordValidationError) return errorResult(code, logStart, [...e.recordErrors], e.message);
    return errorResult(code, logStart);
  }
}

/**
 * DelayedProduce: done once the HW reaches `requiredOffset` with the ISR at the effective
 * min.insync.replicas (else NOT_ENOUGH_REPLICAS_AFTER_APPEND), or REQUEST_TIMED_OUT after
 * `timeoutMs`. With no followers the HW is there as soon as the append returns.
 */
async function awaitReplication(manager: PartitionManager, state: PartitionState, requiredOffset: number, timeoutMs: number): Promise<number> {
  const reached = await state.waitForHighWatermark(requiredOffset, timeoutMs, manager.clock);
  if (!reached) return new ProduceTimedOutError(`${state.key}: replication of offset ${requiredOffset - 1} timed out`).errorCode;
  try {
    state.checkMinIsr(NotEnoughReplicasAfterAppendError);
    return ErrorCode.NONE;
  } catch (e) {
    return toErrorCode(e);
  }
}

const EMPTY = Buffer.alloc(0);
