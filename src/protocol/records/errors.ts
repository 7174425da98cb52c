/**
 * Typed errors for record data (batches, legacy message sets, compression). Each class carries a
 * stable internal `code` and the Kafka wire error code the server boundary should answer with.
 *
 * Which Kafka code, following Kafka's own exceptions:
 *  - CorruptRecordError → CORRUPT_MESSAGE (2): framing, size, magic or CRC problems, and compressed
 *    data that cannot be decompressed (Kafka's CorruptRecordException).
 *  - InvalidRecordError → INVALID_RECORD (87): a batch whose CRC is fine but whose content breaks
 *    the format's rules (bad varints, record count mismatch, compressed inner messages…), as
 *    Kafka's InvalidRecordException.
 *  - UnsupportedCompressionTypeError → UNSUPPORTED_COMPRESSION_TYPE (76): unknown codec id, a codec
 *    the format cannot carry (zstd below magic 2), or a codec whose library is not installed.
 *  - InvalidTimestampError → INVALID_TIMESTAMP (32).
 *  - DecompressedSizeExceededError → MESSAGE_TOO_LARGE (10): decompression stopped at the caller's
 *    output limit (a bomb, or simply more data than this broker accepts).
 */

export const RecordsErrorKafkaCode = {
  MESSAGE_TOO_LARGE: 10,
  CORRUPT_MESSAGE: 2,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  INVALID_RECORD: 87,
} as const;

export abstract class RecordsError extends Error {
  /** Stable internal identifier (never changes once released). */
  abstract readonly code: string;
  /** Kafka wire error code this maps to at the server boundary. */
  abstract readonly kafkaErrorCode: number;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class CorruptRecordError extends RecordsError {
  override name = 'CorruptRecordError';
  readonly code: string = 'ERR_CORRUPT_RECORD';
  readonly kafkaErrorCode: number = RecordsErrorKafkaCode.CORRUPT_MESSAGE;
}

export class InvalidRecordError extends RecordsError {
  override name = 'InvalidRecordError';
  readonly code: string = 'ERR_INVALID_RECORD';
  readonly kafkaErrorCode: number = RecordsErrorKafkaCode.INVALID_RECORD;
}

export class UnsupportedCompressionTypeError extends RecordsError {
  override name = 'UnsupportedCompressionTypeError';
  readonly code: string = 'ERR_UNSUPPORTED_COMPRESSION_TYPE';
  readonly kafkaErrorCode: number = RecordsErrorKafkaCode.UNSUPPORTED_COMPRESSION_TYPE;
}

/** The codec is known but none of its implementations could be loaded on this machine. */
export class CodecUnavailableError extends UnsupportedCompressionTypeError {
  override name = 'CodecUnavailableError';
  override readonly code: string = 'ERR_CODEC_UNAVAILABLE';

  constructor(
    readonly codec: string,
    readonly operation: 'compress' | 'decompress',
    options?: { cause?: unknown },
  ) {
    super(`No ${codec} implementation is available to ${operation} (tried its optional libraries)`, options);
  }
}

export class InvalidTimestampError extends RecordsError {
  override name = 'InvalidTimestampError';
  readonly code: string = 'ERR_INVALID_TIMESTAMP';
  readonly kafkaErrorCode: number = RecordsErrorKafkaCode.INVALID_TIMESTAMP;
}

export class DecompressedSizeExceededError extends RecordsError {
  override name = 'DecompressedSizeExceededError';
  readonly code: string = 'ERR_DECOMPRESSED_SIZE_EXCEEDED';
  readonly kafkaErrorCode: number = RecordsErrorKafkaCode.MESSAGE_TOO_LARGE;

  constructor(
    readonly codec: string,
    readonly maxOutputBytes: number,
  ) {
    super(`${codec} data decompresses to more than the limit of ${maxOutputBytes} bytes`);
  }
}

export const isRecordsError = (e: unknown): e is RecordsError => e instanceof RecordsError;
