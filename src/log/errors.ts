/**
 * Errors raised by the log layer. Each class has a stable `code` (internal) and names the Kafka
 * wire error the server boundary should map it to (`kafkaError`, with its numeric code), so the
 * mapping there is one table lookup and no instanceof chain.
 */

export interface LogErrorOptions {
  cause?: unknown;
}

export abstract class LogError extends Error {
  abstract readonly code: string;
  /** Kafka error name the broker returns for this error. */
  abstract readonly kafkaError: string;
  /** Kafka error code (protocol ErrorCodes) for `kafkaError`. */
  abstract readonly kafkaErrorCode: number;
  constructor(message: string, options?: LogErrorOptions) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
  }
}

/** I/O failure (ENOSPC, EIO, …) on a log; Kafka answers KAFKA_STORAGE_ERROR (56). */
export class KafkaStorageError extends LogError {
  override name = 'KafkaStorageError';
  readonly code = 'LOG_STORAGE_ERROR';
  readonly kafkaError = 'KAFKA_STORAGE_ERROR';
  readonly kafkaErrorCode = 56;
  /** errno code of the underlying failure when known (e.g. 'ENOSPC'). */
  readonly errno: string | undefined;
  constructor(message: string, options?: LogErrorOptions) {
    super(message, options);
    const c = options?.cause as { code?: unknown } | undefined;
    this.errno = typeof c?.code === 'string' ? c.code : undefined;
  }
}

export class OffsetOutOfRangeError extends LogError {
  override name = 'OffsetOutOfRangeError';
  readonly code = 'LOG_OFFSET_OUT_OF_RANGE';
  readonly kafkaError = 'OFFSET_OUT_OF_RANGE';
  readonly kafkaErrorCode = 1;
}

/** A batch fails its size/CRC/magic checks. */
export class CorruptRecordError extends LogError {
  override name = 'CorruptRecordError';
  readonly code = 'LOG_CORRUPT_RECORD';
  readonly kafkaError = 'CORRUPT_MESSAGE';
  readonly kafkaErrorCode = 2;
}

/** A batch is larger than max.message.bytes. */
export class RecordTooLargeError extends LogError {
  override name = 'RecordTooLargeError';
  readonly code = 'LOG_RECORD_TOO_LARGE';
  readonly kafkaError = 'MESSAGE_TOO_LARGE';
  readonly kafkaErrorCode = 10;
}

/** The appended data is larger than a whole segment (Kafka: RecordBatchTooLargeException). */
export class RecordBatchTooLargeError extends LogError {
  override name = 'RecordBatchTooLargeError';
  readonly code = 'LOG_RECORD_BATCH_TOO_LARGE';
  readonly kafkaError = 'RECORD_LIST_TOO_LARGE';
  readonly kafkaErrorCode = 18;
}

/** Well-formed bytes that break a rule (control batch from a client, count mismatch, …). */
export class InvalidRecordError extends LogError {
  override name = 'InvalidRecordError';
  readonly code = 'LOG_INVALID_RECORD';
  readonly kafkaError = 'INVALID_RECORD';
  readonly kafkaErrorCode = 87;
}

/** Magic 0/1 data: this broker stores only magic-2 batches. */
export class UnsupportedMessageFormatError extends LogError {
  override name = 'UnsupportedMessageFormatError';
  readonly code = 'LOG_UNSUPPORTED_MESSAGE_FORMAT';
  readonly kafkaError = 'UNSUPPORTED_FOR_MESSAGE_FORMAT';
  readonly kafkaErrorCode = 43;
}

/** Offsets would exceed what this implementation represents exactly (2^53 - 1). */
export class OffsetOverflowError extends LogError {
  override name = 'OffsetOverflowError';
  readonly code = 'LOG_OFFSET_OVERFLOW';
  readonly kafkaError = 'KAFKA_STORAGE_ERROR';
  readonly kafkaErrorCode = 56;
}

/** The log was closed or deleted while the operation was pending. */
export class LogClosedError extends LogError {
  override name = 'LogClosedError';
  readonly code = 'LOG_CLOSED';
  readonly kafkaError = 'NOT_LEADER_OR_FOLLOWER';
  readonly kafkaErrorCode = 6;
}

/** A file on disk fails its own checks (index, checkpoint, metadata) and cannot be used. */
export class CorruptFileError extends LogError {
  override name = 'CorruptFileError';
  readonly code = 'LOG_CORRUPT_FILE';
  readonly kafkaError = 'KAFKA_STORAGE_ERROR';
  readonly kafkaErrorCode = 56;
  constructor(
    readonly path: string,
    reason: string,
    options?: LogErrorOptions,
  ) {
    super(`${path}: ${reason}`, options);
  }
}

/** Wraps an unknown I/O failure as a storage error naming the operation and file. */
export function storageError(op: string, path: string, cause: unknown): KafkaStorageError {
  if (cause instanceof KafkaStorageError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new KafkaStorageError(`${op} ${path} failed: ${detail}`, { cause });
}
