import fc from 'fast-check';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder';
import { Attr, Compression, CompressionType, readBatchHeader, TimestampType } from '../../../src/protocol/records/batch-header';
import { validateBatch } from '../../../src/protocol/records/batch-validate';
import { readRecords } from '../../../src/protocol/records/record-iterate';
import { buildMessageSet, decodeMessageSet } from '../../../src/protocol/records/legacy-message-set';
import { downConvertRecords, upConvertMessageSet } from '../../../src/protocol/records/legacy-convert';
import { buildEndTxnMarkerBatch, ControlRecordType } from '../../../src/protocol/records/control-records';
import { applyLogAppendTime } from '../../../src/protocol/records/log-append-time';
import { InvalidRecordError, UnsupportedCompressionTypeError } from '../../../src/protocol/records/errors';
import { bytesOrNull } from './arbitraries';

describe('up-conversion (old producers)', () => {
  it('turns a magic 0 set into one magic-2 batch with NO_TIMESTAMP records and broker-assigned offsets', () => {
    const set = buildMessageSet({ magic: 0, baseOffset: 0n, messages: [{ key: Buffer.from('a'), value: Buffer.from('1') }, { value: Buffer.from('2') }] });
    const batch = upConvertMessageSet(set, { baseOffset: 500n });
    const h = validateBatch(batch, 0, { deep: true, fromClient: true });
    expect(h).toMatchObject({ baseOffset: 500n, recordCount: 2, producerId: -1n, producerEpoch: -1, baseSequence: -1, baseTimestamp: -1n, maxTimestamp: -1n, attributes: 0 });
    expect(readRecords(batch).map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value!.toString(), r.headers])).toEqual([
      [500n, -1, 'a', '1', []],
      [501n, -1, null, '2', []],
    ]);
  });

  it('keeps magic 1 timestamps and the source codec; honours LogAppendTime', () => {
    const set = buildMessageSet({ magic: 1, compression: Compression.SNAPPY, baseOffset: 7n, messages: [{ timestamp: 30, value: Buffer.from('x') }, { timestamp: 20, value: Buffer.from('y') }] });
    const batch = upConvertMessageSet(set);
    const h = readBatchHeader(batch);
    expect([h.baseOffset, h.attributes & Attr.COMPRESSION_MASK, h.baseTimestamp, h.maxTimestamp]).toEqual([7n, Compression.SNAPPY, 30n, 30n]);
    expect(readRecords(batch).map((r) => [r.offset, r.timestamp])).toEqual([[7n, 30], [8n, 20]]);
    const lat = upConvertMessageSet(set, { baseOffset: 0n, compression: Compression.ZSTD, timestampType: TimestampType.LOG_APPEND_TIME, logAppendTime: 99 });
    expect(readBatchHeader(lat).attributes & (Attr.TIMESTAMP_TYPE | Attr.COMPRESSION_MASK)).toBe(Attr.TIMESTAMP_TYPE | Compression.ZSTD);
    expect(readRecords(lat).map((r) => r.timestamp)).toEqual([99, 99]);
  });

  it('needs baseOffset when the producer sent -1 offsets, and handles an empty set', () => {
    const set = Buffer.concat([0, 1].map(() => {
      const s = buildMessageSet({ magic: 1, messages: [{ value: Buffer.from('v') }] });
      s.writeBigInt64BE(-1n, 0);
      return s;
    }));
    expect(() => upConvertMessageSet(set)).toThrow(InvalidRecordError);
    expect(readRecords(upConvertMessageSet(set, { baseOffset: 3n })).map((r) => r.offset)).toEqual([3n, 4n]);
    expect(upConvertMessageSet(Buffer.alloc(0)).length).toBe(0);
  });
});

describe('down-conversion (old consumers)', () => {
  const records = [0, 1, 2, 3].map((i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), timestamp: 1000 + i, headers: [{ key: 'dropped', value: Buffer.from('h') }] }));

  it.each([0, 1] as const)('converts uncompressed batches to magic %i, dropping records below the fetch offset', (magic) => {
    const blob = Buffer.concat([buildRecordBatch({ baseOffset: 10n, records }), buildRecordBatch({ baseOffset: 14n, records: records.slice(0, 2) })]);
    const out = decodeMessageSet(downConvertRecords(blob, magic, { firstOffset: 12n }));
    expect(out.map((m) => [m.offset, m.magic, m.key!.toString(), m.timestamp])).toEqual([
      [12n, magic, 'k2', magic ? 1002 : -1],
      [13n, magic, 'k3', magic ? 1003 : -1],
      [14n, magic, 'k0', magic ? 1000 : -1],
      [15n, magic, 'k1', magic ? 1001 : -1],
    ]);
  });

  it('converts a compressed batch whole into one wrapper, keeping its codec', () => {
    const blob = buildRecordBatch({ baseOffset: 10n, records, compression: Compression.LZ4 });
    const converted = downConvertRecords(blob, 1, { firstOffset: 12n });
    expect(converted.readInt8(17) & 0x07).toBe(Compression.LZ4);
    expect(converted.readBigInt64BE(0)).toBe(13n);
    expect(decodeMessageSet(converted).map((m) => m.offset)).toEqual([10n, 11n, 12n, 13n]);
    const v0 = downConvertRecords(blob, 0);
    expect(decodeMessageSet(v0).map((m) => [m.offset, m.magic])).toEqual([[10n, 0], [11n, 0], [12n, 0], [13n, 0]]);
  });

  it('drops control batches and keeps LogAppendTime', () => {
    const data = buildRecordBatch({ baseOffset: 0n, records: records.slice(0, 1), transactional: true, producerId: 1n, producerEpoch: 0, baseSequence: 0 });
    applyLogAppendTime(data, 0, 5555);
    const marker = buildEndTxnMarkerBatch({ type: ControlRecordType.COMMIT, producerId: 1n, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 1, baseOffset: 1n });
    const out = decodeMessageSet(downConvertRecords(Buffer.concat([data, marker]), 1));
    expect(out.map((m) => [m.offset, m.timestamp, m.timestampType])).toEqual([[0n, 5555, TimestampType.LOG_APPEND_TIME]]);
  });

  it('refuses zstd (UNSUPPORTED_COMPRESSION_TYPE) and copies entries already old enough', () => {
    expect(() => downConvertRecords(buildRecordBatch({ records, compression: Compression.ZSTD }), 1)).toThrow(UnsupportedCompressionTypeError);
    const old = buildMessageSet({ magic: 0, compression: Compression.GZIP, messages: [{ value: Buffer.from('z') }] });
    expect(downConvertRecords(old, 1).equals(old)).toBe(true);
    const v1 = buildMessageSet({ magic: 1, baseOffset: 3n, messages: [{ value: Buffer.from('a'), timestamp: 5 }, { value: Buffer.from('b'), timestamp: 6 }] });
    expect(decodeMessageSet(downConvertRecords(v1, 0, { firstOffset: 4n })).map((m) => [m.offset, m.magic, m.value!.toString()])).toEqual([[4n, 0, 'b']]);
  });

  it('ignores a partial trailing batch, as a fetch cut at its size limit', () => {
    const blob = Buffer.concat([buildRecordBatch({ records }), buildRecordBatch({ baseOffset: 4n, records })]);
    expect(decodeMessageSet(downConvertRecords(blob.subarray(0, blob.length - 3), 1))).toHaveLength(4);
  });

  it('down then up conversion keeps keys, values and (magic 1) timestamps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: bytesOrNull, value: bytesOrNull, timestamp: fc.integer({ min: 0, max: 2 ** 41 }) }), { minLength: 1, maxLength: 15 }),
        fc.constantFrom<CompressionType>(Compression.NONE, Compression.GZIP, Compression.SNAPPY, Compression.LZ4),
        (rs, compression) => {
          const batch = buildRecordBatch({ baseOffset: 100n, compression, records: rs });
          const back = upConvertMessageSet(downConvertRecords(batch, 1));
          expect(readRecords(back).map((r) => [r.offset, r.key, r.value, r.timestamp])).toEqual(rs.map((r, i) => [100n + BigInt(i), r.key, r.value, r.timestamp]));
        },
      ),
      { numRuns: 60 },
    );
  });
});
