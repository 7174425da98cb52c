import fc from 'fast-check';
import { ERRORS, ErrorCode } from '../../src/protocol/error-codes';
import {
  CoordinatorLoadInProgressError,
  CoordinatorNotAvailableError,
  CorruptRecordError,
  InvalidConfigError,
  InvalidPartitionsError,
  InvalidReplicationFactorError,
  InvalidRequestError,
  InvalidTopicError,
  KafkaError,
  KafkaStorageError,
  NotCoordinatorError,
  NotLeaderOrFollowerError,
  OffsetOutOfRangeError,
  PolicyViolationError,
  RecordTooLargeError,
  TopicAlreadyExistsError,
  UnknownTopicOrPartitionError,
  UnsupportedVersionError,
  toErrorCode,
} from '../../src/protocol/kafka-errors';
import {
  EncodeError,
  MalformedMessageError,
  UnsupportedVersionError as CodecUnsupportedVersionError,
} from '../../src/protocol/primitives/errors';
import { InvariantError } from '../../src/util/invariant';

describe('KafkaError', () => {
  it('carries its code, the table message by default, and Kafka name and retriability', () => {
    const err = new KafkaError(ErrorCode.NOT_ENOUGH_REPLICAS);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('KafkaError');
    expect(err.errorCode).toBe(19);
    expect(err.message).toBe(ERRORS.get(19)!.message);
    expect(err.errorName).toBe('NOT_ENOUGH_REPLICAS');
    expect(err.retriable).toBe(true);
    expect(err.cause).toBeUndefined();
  });

  it('keeps a given message and cause', () => {
    const cause = new Error('EIO');
    const err = new KafkaError(ErrorCode.INVALID_RECORD, 'record 3 has a null key', { cause });
    expect(err.message).toBe('record 3 has a null key');
    expect(err.cause).toBe(cause);
    expect(err.retriable).toBe(false);
  });

  it('accepts UNKNOWN_SERVER_ERROR', () => {
    expect(new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR).errorCode).toBe(-1);
  });

  it('refuses NONE and codes outside the table', () => {
    expect(() => new KafkaError(ErrorCode.NONE)).toThrow(InvariantError);
    expect(() => new KafkaError(ErrorCode.NONE)).toThrow(/got 0/);
    expect(() => new KafkaError(999 as never)).toThrow(/got 999/);
  });
});

describe('KafkaError subclasses', () => {
  const cases: ReadonlyArray<[new (message?: string) => KafkaError, string, number, boolean]> = [
    [OffsetOutOfRangeError, 'OffsetOutOfRangeError', 1, false],
    [CorruptRecordError, 'CorruptRecordError', 2, true],
    [UnknownTopicOrPartitionError, 'UnknownTopicOrPartitionError', 3, true],
    [NotLeaderOrFollowerError, 'NotLeaderOrFollowerError', 6, true],
    [RecordTooLargeError, 'RecordTooLargeError', 10, false],
    [CoordinatorLoadInProgressError, 'CoordinatorLoadInProgressError', 14, true],
    [CoordinatorNotAvailableError, 'CoordinatorNotAvailableError', 15, true],
    [NotCoordinatorError, 'NotCoordinatorError', 16, true],
    [InvalidTopicError, 'InvalidTopicError', 17, false],
    [UnsupportedVersionError, 'UnsupportedVersionError', 35, false],
    [TopicAlreadyExistsError, 'TopicAlreadyExistsError', 36, false],
    [InvalidPartitionsError, 'InvalidPartitionsError', 37, false],
    [InvalidReplicationFactorError, 'InvalidReplicationFactorError', 38, false],
    [InvalidConfigError, 'InvalidConfigError', 40, false],
    [InvalidRequestError, 'InvalidRequestError', 42, false],
    [PolicyViolationError, 'PolicyViolationError', 44, false],
    [KafkaStorageError, 'KafkaStorageError', 56, true],
  ];

  it.each(cases)('%p is %s with code %i (retriable=%s)', (Ctor, name, code, retriable) => {
    const err = new Ctor();
    expect(err).toBeInstanceOf(KafkaError);
    expect(err.name).toBe(name);
    expect(err.errorCode).toBe(code);
    expect(err.retriable).toBe(retriable);
    expect(err.message).toBe(ERRORS.get(code)!.message);
    expect(toErrorCode(err)).toBe(code);
    expect(new Ctor('custom').message).toBe('custom');
  });

  it('passes a cause through', () => {
    const cause = new Error('ENOSPC');
    expect(new KafkaStorageError('append failed', { cause }).cause).toBe(cause);
  });
});

describe('toErrorCode', () => {
  it('maps the codec errors as Kafka Errors.forException would', () => {
    expect(toErrorCode(new MalformedMessageError('truncated'))).toBe(ErrorCode.INVALID_REQUEST);
    expect(toErrorCode(new CodecUnsupportedVersionError('v99'))).toBe(
      ErrorCode.UNSUPPORTED_VERSION,
    );
    expect(toErrorCode(new EncodeError('null in non-nullable'))).toBe(
      ErrorCode.UNKNOWN_SERVER_ERROR,
    );
  });

  it('honours a numeric kafkaErrorCode property (e.g. the log layer errors)', () => {
    class LogLikeError extends Error {
      readonly code = 'LOG_OFFSET_OUT_OF_RANGE';
      readonly kafkaErrorCode = 1;
    }
    expect(toErrorCode(new LogLikeError('beyond end'))).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(toErrorCode({ kafkaErrorCode: 56 })).toBe(ErrorCode.KAFKA_STORAGE_ERROR);
  });

  it('honours a numeric errorCode property', () => {
    expect(toErrorCode({ errorCode: 16 })).toBe(ErrorCode.NOT_COORDINATOR);
    expect(toErrorCode(Object.assign(new Error('x'), { errorCode: 87 }))).toBe(87);
  });

  it('prefers kafkaErrorCode over errorCode, and skips one that is not a failure code', () => {
    expect(toErrorCode({ kafkaErrorCode: 3, errorCode: 16 })).toBe(3);
    expect(toErrorCode({ kafkaErrorCode: 0, errorCode: 16 })).toBe(16);
    expect(toErrorCode({ kafkaErrorCode: 9999, errorCode: 16 })).toBe(16);
  });

  it('never answers NONE or a code outside the table', () => {
    expect(toErrorCode({ errorCode: 0 })).toBe(-1);
    expect(toErrorCode({ errorCode: 9999 })).toBe(-1);
    expect(toErrorCode({ errorCode: 2.5 })).toBe(-1);
    expect(toErrorCode({ errorCode: '3' })).toBe(-1);
    expect(toErrorCode({ kafkaErrorCode: Number.NaN })).toBe(-1);
  });

  it('maps everything else to UNKNOWN_SERVER_ERROR', () => {
    for (const value of [new Error('boom'), new TypeError('x'), 'boom', 42, null, undefined, {}]) {
      expect(toErrorCode(value)).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
    }
  });

  it('does not look through cause chains (like Kafka)', () => {
    const wrapped = new Error('outer', { cause: new NotCoordinatorError() });
    expect(toErrorCode(wrapped)).toBe(ErrorCode.UNKNOWN_SERVER_ERROR);
  });

  it('always returns a failure code from the table, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), fc.integer({ min: -5, max: 200 }), (value, code) => {
        for (const input of [value, { errorCode: code }, { kafkaErrorCode: code, errorCode: value }]) {
          const result = toErrorCode(input);
          expect(result).not.toBe(ErrorCode.NONE);
          expect(ERRORS.has(result)).toBe(true);
        }
      }),
    );
  });
});
