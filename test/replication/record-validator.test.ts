import { ErrorCode } from '../../src/protocol/error-codes';
import { toErrorCode } from '../../src/protocol/kafka-errors';
import {
  Compression,
  TimestampType,
  buildMessageSet,
  buildRecordBatch,
  readBatchHeader,
  readRecords,
  rewriteCrc,
  validateBatch,
} from '../../src/protocol/records';
import type { AppendConfig } from '../../src/replication/append-config';
import { UNBOUNDED_MS } from '../../src/replication/append-config';
import { RecordValidationError } from '../../src/replication/errors';
import { checkProduceRequestRecords, prepareRecords, type ValidationContext } from '../../src/replication/record-validator';

const NOW = 1_700_000_000_000;
const base: AppendConfig = {
  targetCompression: 'producer',
  compressionLevel: undefined,
  logAppendTime: false,
  timestampBeforeMaxMs: UNBOUNDED_MS,
  timestampAfterMaxMs: UNBOUNDED_MS,
  compacted: false,
  maxMessageBytes: 1_048_588,
  minInSyncReplicas: 1,
};
const ctx = (o: Partial<AppendConfig> = {}): ValidationContext => ({ config: { ...base, ...o }, nowMs: NOW, partitionName: 'cmp-0' });
const recs = (n: number, o: { key?: (i: number) => Buffer | null; ts?: (i: number) => number } = {}) =>
  Array.from({ length: n }, (_, i) => ({ key: o.key ? o.key(i) : Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), timestamp: o.ts ? o.ts(i) : NOW }));
const codeOf = (fn: () => unknown): number => {
  try {
    fn();
  } catch (e) {
    return toErrorCode(e);
  }
  return 0;
};

describe('checkProduceRequestRecords (Produce v3+ request rules)', () => {
  const one = buildRecordBatch({ records: recs(1) });
  it('accepts exactly one magic-2 batch', () => {
    expect(codeOf(() => checkProduceRequestRecords(one, 9))).toBe(0);
  });
  it('refuses no batch, two batches and legacy messages with INVALID_RECORD', () => {
    expect(codeOf(() => checkProduceRequestRecords(Buffer.alloc(0), 3))).toBe(ErrorCode.INVALID_RECORD);
    expect(codeOf(() => checkProduceRequestRecords(Buffer.concat([one, one]), 9))).toBe(ErrorCode.INVALID_RECORD);
    const legacy = buildMessageSet({ magic: 1, messages: [{ value: Buffer.from('x'), timestamp: NOW }] });
    expect(codeOf(() => checkProduceRequestRecords(legacy, 3))).toBe(ErrorCode.INVALID_RECORD);
    expect(codeOf(() => checkProduceRequestRecords(legacy, 2))).toBe(0);
  });
  it('refuses zstd before v7 and impossible sizes', () => {
    const zstd = buildRecordBatch({ records: recs(2), compression: Compression.ZSTD });
    expect(codeOf(() => checkProduceRequestRecords(zstd, 6))).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
    expect(codeOf(() => checkProduceRequestRecords(zstd, 7))).toBe(0);
    const bad = Buffer.from(one);
    bad.writeInt32BE(5, 8);
    expect(codeOf(() => checkProduceRequestRecords(bad, 9))).toBe(ErrorCode.CORRUPT_MESSAGE);
  });
  it('ignores a partial trailing batch, as Kafka', () => {
    expect(codeOf(() => checkProduceRequestRecords(Buffer.concat([one, one.subarray(0, 30)]), 9))).toBe(0);
    expect(codeOf(() => checkProduceRequestRecords(one.subarray(0, one.length - 1), 9))).toBe(ErrorCode.INVALID_RECORD);
  });
});

describe('prepareRecords', () => {
  it('keeps an uncompressed batch as sent, without walking records, on a plain topic', () => {
    const b = buildRecordBatch({ records: recs(3) });
    const p = prepareRecords(b, ctx());
    expect(p.records.buffer).toBe(b.buffer);
    expect(p.records.byteOffset).toBe(b.byteOffset);
    expect(p.recordCheck).toBeUndefined();
  });

  it('lists every keyless record of a compacted topic (KIP-467 record errors)', () => {
    const b = buildRecordBatch({ records: recs(3, { key: (i) => (i === 0 ? Buffer.from('a') : null) }) });
    const p = prepareRecords(b, ctx({ compacted: true }));
    let err: unknown;
    try {
      p.recordCheck!(b);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RecordValidationError);
    const rve = err as RecordValidationError;
    expect(rve.errorCode).toBe(ErrorCode.INVALID_RECORD);
    expect(rve.recordErrors.map((e) => e.batchIndex)).toEqual([1, 2]);
    expect(rve.recordErrors[0]!.message).toBe('Compacted topic cannot accept message without key in topic partition cmp-0');
    expect(rve.message).toMatch(/^One or more records have been rejected due to 2 record errors in total/);
  });

  it('refuses timestamps outside message.timestamp.before/after.max.ms with INVALID_TIMESTAMP', () => {
    const b = buildRecordBatch({ records: recs(3, { ts: (i) => (i === 1 ? NOW - 5000 : NOW) }) });
    const p = prepareRecords(b, ctx({ timestampBeforeMaxMs: 1000 }));
    expect(() => p.recordCheck!(b)).toThrow(expect.objectContaining({ errorCode: ErrorCode.INVALID_TIMESTAMP }));
    try {
      p.recordCheck!(b);
    } catch (e) {
      expect((e as RecordValidationError).recordErrors).toEqual([
        { batchIndex: 1, message: `Timestamp ${NOW - 5000} of message with offset 1 is out of range. The timestamp should be within [${NOW - 1000}, ${NOW + UNBOUNDED_MS}]` },
      ]);
    }
  });

  it('checks future timestamps from the header, walking records only to name the bad ones', () => {
    const fine = buildRecordBatch({ records: recs(3) });
    expect(prepareRecords(fine, ctx({ timestampAfterMaxMs: 3_600_000 })).recordCheck).toBeUndefined();
    const future = buildRecordBatch({ records: recs(3, { ts: (i) => (i === 2 ? NOW + 7_200_000 : NOW) }) });
    const p = prepareRecords(future, ctx({ timestampAfterMaxMs: 3_600_000 }));
    expect(() => p.recordCheck!(future)).toThrow(expect.objectContaining({ errorCode: ErrorCode.INVALID_TIMESTAMP, recordErrors: [expect.objectContaining({ batchIndex: 2 })] }));
  });

  it('refuses a base offset other than 0 and batches over max.message.bytes', () => {
    const b = buildRecordBatch({ baseOffset: 5n, records: recs(1) });
    expect(codeOf(() => prepareRecords(b, ctx()))).toBe(ErrorCode.INVALID_RECORD);
    const big = buildRecordBatch({ records: recs(1) });
    expect(codeOf(() => prepareRecords(big, ctx({ maxMessageBytes: big.length - 1 })))).toBe(ErrorCode.MESSAGE_TOO_LARGE);
  });

  it('keeps the producer compressed bytes when the codec stays and inner offsets are in order', () => {
    const b = buildRecordBatch({ records: recs(4), compression: Compression.GZIP });
    const before = Buffer.from(b);
    const p = prepareRecords(b, ctx());
    expect(p.records.buffer).toBe(b.buffer);
    expect(p.records.byteOffset).toBe(b.byteOffset);
    expect(p.records.equals(before)).toBe(true);
  });

  it('rebuilds a compressed batch whose inner offsets are not 0, 1, 2…', () => {
    // An old client's batch: header says 3 records at deltas 0-2, the records say 0, 5, 6.
    const records = recs(3).map((r, i) => ({ ...r, offsetDelta: i === 0 ? 0 : i + 4 }));
    const b = buildRecordBatch({ records, compression: Compression.SNAPPY });
    b.writeInt32BE(2, 23);
    rewriteCrc(b, 0);
    const p = prepareRecords(b, ctx());
    expect(p.records.equals(b)).toBe(false);
    const out = readRecords(p.records);
    expect(out.map((r) => r.offsetDelta)).toEqual([0, 1, 2]);
    expect(readBatchHeader(p.records).lastOffsetDelta).toBe(2);
  });

  it('recompresses to the topic codec (compression.type) and keeps producer fields', () => {
    const b = buildRecordBatch({ records: recs(3), producerId: 7n, producerEpoch: 1, baseSequence: 10 });
    const p = prepareRecords(b, ctx({ targetCompression: Compression.GZIP }));
    const h = validateBatch(p.records, 0, { fromClient: true, deep: true });
    expect(h.attributes & 7).toBe(Compression.GZIP);
    expect([h.producerId, h.producerEpoch, h.baseSequence]).toEqual([7n, 1, 10]);
    expect(readRecords(p.records).map((r) => r.value!.toString())).toEqual(['v0', 'v1', 'v2']);
    const back = prepareRecords(buildRecordBatch({ records: recs(2), compression: Compression.LZ4 }), ctx({ targetCompression: Compression.NONE }));
    expect(readBatchHeader(back.records).attributes & 7).toBe(Compression.NONE);
  });

  it('clears a producer-set LogAppendTime flag on CreateTime topics and refuses it on LogAppendTime topics', () => {
    const lat = () => buildRecordBatch({ records: recs(2), timestampType: TimestampType.LOG_APPEND_TIME, logAppendTime: NOW - 10 });
    const p = prepareRecords(lat(), ctx());
    const h = validateBatch(p.records, 0, { fromClient: true });
    expect(h.attributes & 0x08).toBe(0);
    expect(h.maxTimestamp).toBe(BigInt(NOW - 10));
    expect(codeOf(() => prepareRecords(lat(), ctx({ logAppendTime: true })))).toBe(ErrorCode.INVALID_TIMESTAMP);
  });

  it('answers CORRUPT_MESSAGE for a compressed batch with a bad CRC', () => {
    const b = buildRecordBatch({ records: recs(2), compression: Compression.GZIP });
    b[b.length - 1] ^= 0xff;
    expect(codeOf(() => prepareRecords(b, ctx()))).toBe(ErrorCode.CORRUPT_MESSAGE);
  });

  it('converts a magic-1 message set to one magic-2 batch', () => {
    const set = buildMessageSet({
      magic: 1,
      messages: [
        { offset: 0n, timestamp: NOW - 1, key: Buffer.from('a'), value: Buffer.from('x') },
        { offset: 1n, timestamp: NOW, key: null, value: Buffer.from('y') },
      ],
    });
    const p = prepareRecords(set, ctx());
    const h = validateBatch(p.records, 0, { fromClient: true, deep: true });
    expect(h.magic).toBe(2);
    expect(h.baseOffset).toBe(0n);
    const out = readRecords(p.records);
    expect(out.map((r) => [r.key?.toString() ?? null, r.value!.toString(), r.timestamp, r.offsetDelta])).toEqual([
      ['a', 'x', NOW - 1, 0],
      [null, 'y', NOW, 1],
    ]);
  });

  it('keeps the codec of a compressed magic-0 set and gives its records no timestamp', () => {
    const set = buildMessageSet({ magic: 0, compression: Compression.GZIP, messages: [{ value: Buffer.from('a') }, { value: Buffer.from('b') }] });
    const p = prepareRecords(set, ctx());
    expect(readBatchHeader(p.records).attributes & 7).toBe(Compression.GZIP);
    expect(readRecords(p.records).map((r) => r.timestamp)).toEqual([-1, -1]);
  });

  it('applies compacted-topic key rules to converted legacy messages', () => {
    const set = buildMessageSet({ magic: 1, messages: [{ timestamp: NOW, key: null, value: Buffer.from('x') }] });
    expect(codeOf(() => prepareRecords(set, ctx({ compacted: true })))).toBe(ErrorCode.INVALID_RECORD);
  });
});
