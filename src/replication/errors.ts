/**
 * Errors of the data path (partition leadership, produce validation, fetch sessions). Each is a
 * KafkaError carrying the wire code Kafka answers with; the handlers put the code in the
 * per-partition result, never fail the whole request with them.
 */
import { ErrorCode } from '../protocol/error-codes';
import { KafkaError, type KafkaErrorOptions } from '../protocol/kafka-errors';

/** One refused record of a batch (Kafka's RecordError, KIP-467). */
export interface RecordError {
  /** Position of the record inside its batch. */
  batchIndex: number;
  message: string;
}

/**
 * Some records of a produced batch break a rule (compacted topic without key, timestamp out of
 * range). Kafka's RecordValidationException: INVALID_TIMESTAMP when any record has a bad
 * timestamp, else INVALID_RECORD; the produce response lists the records (v8+) and the message.
 */
export class RecordValidationError extends KafkaError {
  override name = 'RecordValidationError';
  constructor(
    readonly recordErrors: readonly RecordError[],
    invalidTimestamp: boolean,
  ) {
    super(
      invalidTimestamp ? ErrorCode.INVALID_TIMESTAMP : ErrorCode.INVALID_RECORD,
      invalidTimestamp
        ? 'One or more records have been rejected due to invalid timestamp'
        : `One or more records have been rejected due to ${recordErrors.length} record errors in total, and only ` +
            `showing the first three errors at most: [${recordErrors
              .slice(0, 3)
              .map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.message}')`)
              .join(', ')}]`,
    );
  }
}

/** INVALID_RECORD (87) raised by the produce checks Kafka makes before the log (ProduceRequest.validateRecords). */
export class InvalidProduceRecordsError extends KafkaError {
  override name = 'InvalidProduceRecordsError';
  constructor(message: string, options?: KafkaErrorOptions) {
    super(ErrorCode.INVALID_RECORD, message, options);
  }
}

/** NOT_ENOUGH_REPLICAS (19): acks=all while the ISR is smaller than the effective min.insync.replicas. */
export class NotEnoughReplicasError extends KafkaError {
  override name = 'NotEnoughReplicasError';
  constructor(message: string) {
    super(ErrorCode.NOT_ENOUGH_REPLICAS, message);
  }
}

/** NOT_ENOUGH_REPLICAS_AFTER_APPEND (20): written, but the ISR shrank below min.insync.replicas before acks=all completed. */
export class NotEnoughReplicasAfterAppendError extends KafkaError {
  override name = 'NotEnoughReplicasAfterAppendError';
  constructor(message: string) {
    super(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, message);
  }
}

/** FENCED_LEADER_EPOCH (74): the sender's leader epoch is older than ours. */
export class FencedLeaderEpochError extends KafkaError {
  override name = 'FencedLeaderEpochError';
  constructor(message: string) {
    super(ErrorCode.FENCED_LEADER_EPOCH, message);
  }
}

/** UNKNOWN_LEADER_EPOCH (75): the sender's leader epoch is newer than ours (or the replica is unknown). */
export class UnknownLeaderEpochError extends KafkaError {
  override name = 'UnknownLeaderEpochError';
  constructor(message: string) {
    super(ErrorCode.UNKNOWN_LEADER_EPOCH, message);
  }
}

/** REQUEST_TIMED_OUT (7): acks=all did not complete within the produce timeout (DelayedProduce expiry). */
export class ProduceTimedOutError extends KafkaError {
  override name = 'ProduceTimedOutError';
  constructor(message: string) {
    super(ErrorCode.REQUEST_TIMED_OUT, message);
  }
}

// Shared with the other layers; re-exported so the data path imports its errors from one place.
export { NotLeaderOrFollowerError, UnknownTopicOrPartitionError } from '../protocol/kafka-errors';
