import { buildRecordBatch } from '../../../src/protocol/records/batch-builder';
import { Attr, Compression, readBatchHeader, TimestampType } from '../../../src/protocol/records/batch-header';
import { validateBatch } from '../../../src/protocol/records/batch-validate';
import { readRecords } from '../../../src/protocol/records/record-iterate';
import { applyLogAppendTime, setMaxTimestamp } from '../../../src/protocol/records/log-append-time';
import { CorruptRecordError, InvalidTimestampError } from '../../../src/protocol/records/errors';

const batch = () => buildRecordBatch({ compression: Compression.SNAPPY, records: [{ timestamp: 100, value: Buffer.from('a') }, { timestamp: 150, value: Buffer.from('b') }] });

describe('LogAppendTime rewrite', () => {
  it('sets the type bit and maxTimestamp, keeps the CRC valid, and records read the append time', () => {
    const b = batch();
    const inBuffer = Buffer.concat([Buffer.alloc(3), b]);
    applyLogAppendTime(inBuffer, 3, 9999);
    const h = validateBatch(inBuffer, 3, { deep: true });
    expect(h.attributes & Attr.TIMESTAMP_TYPE).toBe(Attr.TIMESTAMP_TYPE);
    expect(h.attributes & Attr.COMPRESSION_MASK).toBe(Compression.SNAPPY);
    expect(h.maxTimestamp).toBe(9999n);
    expect(h.baseTimestamp).toBe(100n);
    expect(readRecords(inBuffer, 3).map((r) => r.timestamp)).toEqual([9999, 9999]);
  });

  it('can switch back to CreateTime with the records’ max timestamp', () => {
    const b = batch();
    applyLogAppendTime(b, 0, 5);
    setMaxTimestamp(b, 0, TimestampType.CREATE_TIME, 150);
    const h = validateBatch(b);
    expect([h.attributes & Attr.TIMESTAMP_TYPE, h.maxTimestamp]).toEqual([0, 150n]);
    expect(readRecords(b).map((r) => r.timestamp)).toEqual([100, 150]);
  });

  it('leaves the batch untouched when nothing changes', () => {
    const b = batch();
    const copy = Buffer.from(b);
    setMaxTimestamp(b, 0, TimestampType.CREATE_TIME, Number(readBatchHeader(b).maxTimestamp));
    expect(b.equals(copy)).toBe(true);
  });

  it('rejects invalid timestamps and truncated batches', () => {
    expect(() => applyLogAppendTime(batch(), 0, -2)).toThrow(InvalidTimestampError);
    expect(() => applyLogAppendTime(batch().subarray(0, 50), 0, 1)).toThrow(CorruptRecordError);
  });
});
