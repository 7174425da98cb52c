/**
 * Errors that carry a Kafka wire error code, and `toErrorCode()`, the one mapping from
 * anything thrown to the code a response carries.
 *
 * Broker layers throw a `KafkaError` (usually one of the subclasses below) when the failure
 * has a precise wire meaning. Layers with their own error classes (e.g. the log's) instead expose
 * a numeric `kafkaErrorCode` property, which `toErrorCode()` honours without importing them.
 *
 * `toErrorCode()` follows Kafka's `Errors.forException`: a recognised error gives its code,
 * anything else gives UNKNOWN_SERVER_ERROR. Like Kafka, it does not walk `cause` chains: an
 * error that wraps a KafkaError maps to UNKNOWN_SERVER_ERROR unless it carries a code itself.
 */
import { invariant } from '../util/invariant';
import {
  ERRORS,
  ErrorCode,
  type ErrorCodeValue,
  errorName,
  isErrorCode,
  isRetriable,
} from './error-codes';
import {
  MalformedMessageError,
  UnsupportedVersionError as CodecUnsupportedVersionError,
} from './primitives/errors';

export interface KafkaErrorOptions {
  cause?: unknown;
}

/** A code a failure can be answered with: any code from the table except NONE. */
function isFailureCode(code: number): code is ErrorCodeValue {
  return code !== ErrorCode.NONE && isErrorCode(code);
}

function checkedMessage(errorCode: number, message: string | undefined): string {
  invariant(
    isFailureCode(errorCode),
    () => `KafkaError needs a wire error code other than NONE (0); got ${errorCode}`,
  );
  return message ?? ERRORS.get(errorCode)!.message;
}

/** An error the broker answers with a specific Kafka wire error code. */
export class KafkaError extends Error {
  override name = 'KafkaError';
  /** The wire code to put in the response (never NONE). */
  readonly errorCode: ErrorCodeValue;

  /** `message` defaults to the table's message for `errorCode`. */
  constructor(errorCode: ErrorCodeValue, message?: string, options?: KafkaErrorOptions) {
    super(
      checkedMessage(errorCode, message),
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.errorCode = errorCode;
  }

  /** Kafka's name for `errorCode`, e.g. 'NOT_COORDINATOR'. */
  get errorName(): string {
    return errorName(this.errorCode);
  }

  /** Whether Kafka clients retry this error on their own. */
  get retriable(): boolean {
    return isRetriable(this.errorCode);
  }
}

// Common subclasses. Each fixes its code; the message defaults to the table's text.

/** OFFSET_OUT_OF_RANGE (1): the fetch or list offset lies outside [logStartOffset, logEndOffset]. */
export class OffsetOutOfRangeError extends KafkaError {
  override name = 'OffsetOutOfRangeError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.OFFSET_OUT_OF_RANGE, message, options);
  }
}

/** CORRUPT_MESSAGE (2): a record batch fails its CRC or size checks. Retriable in Kafka. */
export class CorruptRecordError extends KafkaError {
  override name = 'CorruptRecordError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.CORRUPT_MESSAGE, message, options);
  }
}

/** UNKNOWN_TOPIC_OR_PARTITION (3): this broker does not host the topic-partition. */
export class UnknownTopicOrPartitionError extends KafkaError {
  override name = 'UnknownTopicOrPartitionError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message, options);
  }
}

/** NOT_LEADER_OR_FOLLOWER (6): leader-only request sent to a broker that is not the leader. */
export class NotLeaderOrFollowerError extends KafkaError {
  override name = 'NotLeaderOrFollowerError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.NOT_LEADER_OR_FOLLOWER, message, options);
  }
}

/** MESSAGE_TOO_LARGE (10): a batch exceeds max.message.bytes (Kafka: RecordTooLargeException). */
export class RecordTooLargeError extends KafkaError {
  override name = 'RecordTooLargeError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.MESSAGE_TOO_LARGE, message, options);
  }
}

/** COORDINATOR_LOAD_IN_PROGRESS (14): the coordinator is still replaying its partition. */
export class CoordinatorLoadInProgressError extends KafkaError {
  override name = 'CoordinatorLoadInProgressError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, message, options);
  }
}

/** COORDINATOR_NOT_AVAILABLE (15): no coordinator can serve the group or transactional id now. */
export class CoordinatorNotAvailableError extends KafkaError {
  override name = 'CoordinatorNotAvailableError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.COORDINATOR_NOT_AVAILABLE, message, options);
  }
}

/** NOT_COORDINATOR (16): another broker coordinates this group or transactional id. */
export class NotCoordinatorError extends KafkaError {
  override name = 'NotCoordinatorError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.NOT_COORDINATOR, message, options);
  }
}

/** INVALID_TOPIC_EXCEPTION (17): bad topic name, or an operation not allowed on the topic. */
export class InvalidTopicError extends KafkaError {
  override name = 'InvalidTopicError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.INVALID_TOPIC_EXCEPTION, message, options);
  }
}

/**
 * UNSUPPORTED_VERSION (35), the wire error. Not the codec's `UnsupportedVersionError` of the
 * same name in `primitives/errors.ts`; `toErrorCode()` maps both to 35.
 */
export class UnsupportedVersionError extends KafkaError {
  override name = 'UnsupportedVersionError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.UNSUPPORTED_VERSION, message, options);
  }
}

/** TOPIC_ALREADY_EXISTS (36). */
export class TopicAlreadyExistsError extends KafkaError {
  override name = 'TopicAlreadyExistsError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.TOPIC_ALREADY_EXISTS, message, options);
  }
}

/** INVALID_PARTITIONS (37): partition count below 1, or not above the current count. */
export class InvalidPartitionsError extends KafkaError {
  override name = 'InvalidPartitionsError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.INVALID_PARTITIONS, message, options);
  }
}

/** INVALID_REPLICATION_FACTOR (38): below 1 or more than the available brokers. */
export class InvalidReplicationFactorError extends KafkaError {
  override name = 'InvalidReplicationFactorError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.INVALID_REPLICATION_FACTOR, message, options);
  }
}

/** INVALID_CONFIG (40): an unknown key or a bad value in a topic or broker config change. */
export class InvalidConfigError extends KafkaError {
  override name = 'InvalidConfigError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.INVALID_CONFIG, message, options);
  }
}

/** INVALID_REQUEST (42): the request decodes but breaks the protocol's rules. */
export class InvalidRequestError extends KafkaError {
  override name = 'InvalidRequestError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.INVALID_REQUEST, message, options);
  }
}

/** POLICY_VIOLATION (44): the request breaks a configured create/alter policy. */
export class PolicyViolationError extends KafkaError {
  override name = 'PolicyViolationError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.POLICY_VIOLATION, message, options);
  }
}

/** KAFKA_STORAGE_ERROR (56): disk failure on the log. Retriable: clients refresh metadata. */
export class KafkaStorageError extends KafkaError {
  override name = 'KafkaStorageError';
  constructor(message?: string, options?: KafkaErrorOptions) {
    super(ErrorCode.KAFKA_STORAGE_ERROR, message, options);
  }
}

/** Reads a numeric code property, if it holds a code a failure can be answered with. */
function carriedCode(err: object, key: 'kafkaErrorCode' | 'errorCode'): ErrorCodeValue | undefined {
  const value: unknown = (err as Record<string, unknown>)[key];
  return typeof value === 'number' && isFailureCode(value) ? value : undefined;
}

/**
 * The wire error code to answer with for `err`. The result is never NONE (0): a failure is
 * never reported as success.
 *
 * - `KafkaError` → its `errorCode`.
 * - The codec's `MalformedMessageError` → INVALID_REQUEST (42). Kafka wraps any failure to
 *   parse a request body in InvalidRequestException (RequestContext.parseRequest), which
 *   `Errors.forException` maps to 42. When the whole request cannot be parsed, Kafka closes
 *   the connection instead of answering (SocketServer), so the code matters mostly for
 *   nested data decoded inside a handler.
 * - The codec's `UnsupportedVersionError` → UNSUPPORTED_VERSION (35).
 * - Any other object with a numeric `kafkaErrorCode`, else `errorCode`, property that is a
 *   failure code from the table → that code. The first valid one wins; NONE and numbers
 *   outside the table are ignored.
 * - Anything else, including the codec's EncodeError (a broker bug) → UNKNOWN_SERVER_ERROR (-1).
 */
export function toErrorCode(err: unknown): ErrorCodeValue {
  if (err instanceof KafkaError) return err.errorCode;
  if (err instanceof MalformedMessageError) return ErrorCode.INVALID_REQUEST;
  if (err instanceof CodecUnsupportedVersionError) return ErrorCode.UNSUPPORTED_VERSION;
  if (typeof err === 'object' && err !== null) {
    const code = carriedCode(err, 'kafkaErrorCode') ?? carriedCode(err, 'errorCode');
    if (code !== undefined) return code;
  }
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}
