import {
  ERRORS,
  ErrorCode,
  errorName,
  isErrorCode,
  isRetriable,
} from '../../src/protocol/error-codes';

const rows = [...ERRORS.values()];

/**
 * The codes whose Kafka exception extends RetriableException (directly or via
 * InvalidMetadataException), per Kafka's org.apache.kafka.common.errors classes.
 */
const KAFKA_RETRIABLE = [
  2, 3, 5, 6, 7, 9, 13, 14, 15, 16, 19, 20, 41, 51, 56, 70, 71, 72, 74, 75, 78, 80, 83, 84, 88,
  89, 100, 103, 106, 122, 123, 133,
];

describe('wire error table', () => {
  it('has unique codes and unique names', () => {
    const codes = rows.map((r) => r.code);
    const names = rows.map((r) => r.name);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(names).size).toBe(names.length);
  });

  it('covers every code from -1 to 133 without gaps (Kafka allocates codes contiguously)', () => {
    const codes = rows.map((r) => r.code).sort((a, b) => a - b);
    expect(codes[0]).toBe(-1);
    expect(codes[codes.length - 1]).toBe(133);
    expect(codes).toEqual(Array.from({ length: 135 }, (_, i) => i - 1));
  });

  it('keys each row by its own code, and ErrorCode agrees with ERRORS in both directions', () => {
    for (const [code, r] of ERRORS) expect(r.code).toBe(code);
    const entries = Object.entries(ErrorCode);
    expect(entries).toHaveLength(ERRORS.size);
    for (const [name, code] of entries) expect(ERRORS.get(code)?.name).toBe(name);
  });

  it('uses Kafka-style names, int16 codes and non-empty one-line messages', () => {
    for (const r of rows) {
      expect(r.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(Number.isInteger(r.code)).toBe(true);
      expect(r.code).toBeGreaterThanOrEqual(-32768);
      expect(r.code).toBeLessThanOrEqual(32767);
      expect(r.message.length).toBeGreaterThan(0);
      expect(r.message).not.toMatch(/\n/);
    }
  });

  it('marks exactly the codes whose Kafka exception is a RetriableException as retriable', () => {
    const retriable = rows
      .filter((r) => r.retriable)
      .map((r) => r.code)
      .sort((a, b) => a - b);
    expect(retriable).toEqual(KAFKA_RETRIABLE);
  });

  it.each([
    [-1, 'UNKNOWN_SERVER_ERROR', false],
    [0, 'NONE', false],
    [1, 'OFFSET_OUT_OF_RANGE', false],
    [2, 'CORRUPT_MESSAGE', true],
    [3, 'UNKNOWN_TOPIC_OR_PARTITION', true],
    [6, 'NOT_LEADER_OR_FOLLOWER', true],
    [10, 'MESSAGE_TOO_LARGE', false],
    [16, 'NOT_COORDINATOR', true],
    [17, 'INVALID_TOPIC_EXCEPTION', false],
    [35, 'UNSUPPORTED_VERSION', false],
    [42, 'INVALID_REQUEST', false],
    [47, 'INVALID_PRODUCER_EPOCH', false],
    [56, 'KAFKA_STORAGE_ERROR', true],
    [87, 'INVALID_RECORD', false],
    [90, 'PRODUCER_FENCED', false],
    [99, 'POSITION_OUT_OF_RANGE', false],
    [100, 'UNKNOWN_TOPIC_ID', true],
    [122, 'SHARE_SESSION_NOT_FOUND', true],
    [129, 'REBOOTSTRAP_REQUIRED', false],
    [133, 'SHARE_SESSION_LIMIT_REACHED', true],
  ] as const)('code %i is %s, retriable=%s', (code, name, retriable) => {
    expect(ErrorCode[name]).toBe(code);
    expect(errorName(code)).toBe(name);
    expect(isRetriable(code)).toBe(retriable);
    expect(ERRORS.get(code)).toMatchObject({ code, name, retriable });
  });

  it('freezes ErrorCode and each row', () => {
    expect(Object.isFrozen(ErrorCode)).toBe(true);
    for (const r of rows) expect(Object.isFrozen(r)).toBe(true);
  });
});

describe('lookups', () => {
  it('errorName names an unknown code without pretending it is a Kafka name', () => {
    expect(errorName(134)).toBe('UNKNOWN_ERROR_CODE(134)');
    expect(errorName(-2)).toBe('UNKNOWN_ERROR_CODE(-2)');
    expect(errorName(1.5)).toBe('UNKNOWN_ERROR_CODE(1.5)');
  });

  it('isRetriable is false for unknown codes (clients treat them as UnknownServerException)', () => {
    expect(isRetriable(134)).toBe(false);
    expect(isRetriable(-2)).toBe(false);
    expect(isRetriable(Number.NaN)).toBe(false);
  });

  it('isErrorCode accepts exactly the table codes', () => {
    expect(isErrorCode(0)).toBe(true);
    expect(isErrorCode(-1)).toBe(true);
    expect(isErrorCode(133)).toBe(true);
    expect(isErrorCode(134)).toBe(false);
    expect(isErrorCode(-2)).toBe(false);
    expect(isErrorCode(3.5)).toBe(false);
  });
});
