import fc from 'fast-check';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder';
import {
  ATTRIBUTES_OFFSET,
  BATCH_HEADER_SIZE,
  Compression,
  rewriteCrc,
  setBaseOffset,
  setPartitionLeaderEpoch,
  RECORD_COUNT_OFFSET,
  LAST_OFFSET_DELTA_OFFSET,
} from '../../../src/protocol/records/batch-header';
import { validateBatch } from '../../../src/protocol/records/batch-validate';
import {
  CorruptRecordError,
  InvalidRecordError,
  RecordsError,
  UnsupportedCompressionTypeError,
} from '../../../src/protocol/records/errors';
import { ALL_CODECS } from './arbitraries';

const sample = (compression = Compression.NONE as number, n = 3): Buffer =>
  buildRecordBatch({
    baseOffset: 0n,
    compression: compression as 0,
    records: Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value-${i}`), timestamp: 1000 + i })),
  });

const codeOf = (fn: () => unknown): number | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as RecordsError).kafkaErrorCode;
  }
  return undefined;
};

describe('validateBatch', () => {
  it('accepts a well-formed batch anywhere in a buffer and returns its header', () => {
    const batch = sample();
    const padded = Buffer.concat([Buffer.alloc(5), batch, Buffer.alloc(7)]);
    expect(validateBatch(padded, 5, { deep: true, fromClient: true }).recordCount).toBe(3);
  });

  it('detects a truncated batch at every cut (CORRUPT_MESSAGE)', () => {
    for (const [, codec] of ALL_CODECS) {
      const batch = sample(codec);
      for (let cut = 0; cut < batch.length; cut++) {
        expect(() => validateBatch(batch.subarray(0, cut))).toThrow(CorruptRecordError);
      }
    }
    expect(codeOf(() => validateBatch(sample().subarray(0, 30)))).toBe(2);
  });

  it('detects any flipped bit in the CRC-covered range', () => {
    const batch = sample(Compression.GZIP);
    for (let pos = ATTRIBUTES_OFFSET; pos < batch.length; pos++) {
      const bad = Buffer.from(batch);
      bad[pos] ^= 1 << pos % 8;
      expect(() => validateBatch(bad)).toThrow(/crc/);
    }
    const badCrc = Buffer.from(batch);
    badCrc[18] ^= 0xff;
    expect(codeOf(() => validateBatch(badCrc))).toBe(2);
  });

  it('lets the broker set baseOffset and partitionLeaderEpoch without recomputing the CRC', () => {
    const batch = sample();
    setBaseOffset(batch, 0, 123456789n);
    setPartitionLeaderEpoch(batch, 0, 17);
    expect(validateBatch(batch, 0, { deep: true })).toMatchObject({ baseOffset: 123456789n, partitionLeaderEpoch: 17 });
  });

  it('rejects a wrong magic, an impossible size and an unknown codec', () => {
    const wrongMagic = sample();
    wrongMagic[16] = 1;
    expect(() => validateBatch(wrongMagic)).toThrow(/magic/);
    const tiny = sample();
    tiny.writeInt32BE(20, 8);
    expect(() => validateBatch(tiny)).toThrow(CorruptRecordError);
    const huge = sample();
    huge.writeInt32BE(0x7fffffff, 8);
    expect(() => validateBatch(huge)).toThrow(/truncated/);
    const codec6 = sample();
    codec6.writeInt16BE(6, ATTRIBUTES_OFFSET);
    rewriteCrc(codec6, 0);
    expect(() => validateBatch(codec6)).toThrow(UnsupportedCompressionTypeError);
  });

  const withHeader = (mutate: (b: Buffer) => void, compression: number = Compression.NONE): Buffer => {
    const b = sample(compression);
    mutate(b);
    rewriteCrc(b, 0);
    return b;
  };

  it('checks recordCount against lastOffsetDelta and against the bytes (INVALID_RECORD)', () => {
    expect(() => validateBatch(withHeader((b) => b.writeInt32BE(-1, RECORD_COUNT_OFFSET)))).toThrow(InvalidRecordError);
    expect(() => validateBatch(withHeader((b) => b.writeInt32BE(1, LAST_OFFSET_DELTA_OFFSET)))).toThrow(/lastOffsetDelta/);
    // A compacted batch may have gaps: more offsets than records is fine.
    expect(validateBatch(withHeader((b) => b.writeInt32BE(10, LAST_OFFSET_DELTA_OFFSET))).lastOffsetDelta).toBe(10);
    const bogusCount = withHeader((b) => {
      b.writeInt32BE(0x7fffffff, RECORD_COUNT_OFFSET);
      b.writeInt32BE(0x7fffffff, LAST_OFFSET_DELTA_OFFSET);
    });
    expect(() => validateBatch(bogusCount)).toThrow(/cannot fit/);
    const bogusCompressed = withHeader((b) => {
      b.writeInt32BE(0x7fffffff, RECORD_COUNT_OFFSET);
      b.writeInt32BE(0x7fffffff, LAST_OFFSET_DELTA_OFFSET);
    }, Compression.ZSTD);
    expect(() => validateBatch(bogusCompressed, 0, { maxDecompressedBytes: 1 << 20 })).toThrow(/cannot fit/);
    expect(codeOf(() => validateBatch(bogusCount))).toBe(87);
  });

  it('applies the client rules of Kafka’s LogValidator on request', () => {
    const gap = withHeader((b) => b.writeInt32BE(10, LAST_OFFSET_DELTA_OFFSET));
    expect(() => validateBatch(gap, 0, { fromClient: true })).toThrow(InvalidRecordError);
    const control = withHeader((b) => b.writeInt16BE(0x20, ATTRIBUTES_OFFSET));
    expect(() => validateBatch(control, 0, { fromClient: true })).toThrow(/control/);
    const empty = buildRecordBatch({ records: [] });
    expect(validateBatch(empty).recordCount).toBe(0);
    expect(() => validateBatch(empty, 0, { fromClient: true })).toThrow(/no records/);
    const badSeq = buildRecordBatch({ producerId: 4n, producerEpoch: 0, baseSequence: -1, records: [{ timestamp: 0 }] });
    expect(() => validateBatch(badSeq, 0, { fromClient: true })).toThrow(/base sequence/);
  });

  it('deep-checks offset deltas', () => {
    // Two records both at offset delta 0, with consistent header counts.
    const a = buildRecordBatch({ records: [{ offsetDelta: 0, timestamp: 0 }] });
    const rec = a.subarray(BATCH_HEADER_SIZE);
    const twice = Buffer.concat([a.subarray(0, BATCH_HEADER_SIZE), rec, rec]);
    twice.writeInt32BE(twice.length - 12, 8);
    twice.writeInt32BE(2, RECORD_COUNT_OFFSET);
    twice.writeInt32BE(1, LAST_OFFSET_DELTA_OFFSET);
    rewriteCrc(twice, 0);
    expect(validateBatch(twice).recordCount).toBe(2);
    expect(() => validateBatch(twice, 0, { deep: true })).toThrow(/offset delta 0/);
    const gaps = buildRecordBatch({ records: [{ offsetDelta: 0, timestamp: 0 }, { offsetDelta: 5, timestamp: 0 }] });
    expect(validateBatch(gaps, 0, { deep: true }).recordCount).toBe(2);
    expect(() => validateBatch(gaps, 0, { deep: true, fromClient: true })).toThrow(InvalidRecordError);
  });

  it('never fails with anything but RecordsError on random mutations', () => {
    const batch = sample(Compression.LZ4, 5);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(batch.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }), fc.boolean(), (flips, fixCrc) => {
        const bad = Buffer.from(batch);
        for (const [pos, x] of flips) bad[pos] ^= x;
        if (fixCrc && bad.readInt32BE(8) + 12 <= bad.length && bad.readInt32BE(8) >= 49) rewriteCrc(bad, 0);
        try {
          validateBatch(bad, 0, { deep: true, maxDecompressedBytes: 1 << 20 });
        } catch (e) {
          expect(e).toBeInstanceOf(RecordsError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
