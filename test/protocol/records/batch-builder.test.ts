import fc from 'fast-check';
import { buildRecordBatch, RecordBatchBuilder, RecordInput } from '../../../src/protocol/records/batch-builder';
import { readBatchHeader, TimestampType, Compression, Attr, BATCH_HEADER_SIZE } from '../../../src/protocol/records/batch-header';
import { validateBatch } from '../../../src/protocol/records/batch-validate';
import { readRecords } from '../../../src/protocol/records/record-iterate';
import { InvalidRecordError, InvalidTimestampError } from '../../../src/protocol/records/errors';
import { ALL_CODECS, recordsArb } from './arbitraries';

function expectSameRecords(batch: Buffer, input: RecordInput[], baseOffset: bigint): void {
  const out = readRecords(batch);
  expect(out).toHaveLength(input.length);
  out.forEach((r, i) => {
    const want = input[i];
    expect(r.offset).toBe(baseOffset + BigInt(want.offsetDelta!));
    expect(r.offsetDelta).toBe(want.offsetDelta);
    expect(r.timestamp).toBe(want.timestamp);
    expect(r.key).toEqual(want.key ?? null);
    expect(r.value).toEqual(want.value ?? null);
    expect(r.headers).toEqual((want.headers ?? []).map((h) => ({ key: h.key, value: h.value })));
    expect(r.attributes).toBe(0);
  });
}

describe('buildRecordBatch → iterateRecords', () => {
  it.each(ALL_CODECS)('round-trips records with %s', (_name, codec) => {
    fc.assert(
      fc.property(
        recordsArb({ gaps: true }),
        fc.bigInt({ min: 0n, max: 2n ** 62n }),
        fc.record({ producerId: fc.bigInt({ min: -1n, max: 2n ** 62n }), producerEpoch: fc.integer({ min: -1, max: 32767 }), baseSequence: fc.integer({ min: -1, max: 2 ** 31 - 1 }) }),
        fc.boolean(),
        fc.integer({ min: -1, max: 2 ** 31 - 1 }),
        (records, baseOffset, producer, transactional, partitionLeaderEpoch) => {
          const batch = buildRecordBatch({ baseOffset, records, compression: codec, ...producer, transactional, partitionLeaderEpoch });
          const h = validateBatch(batch, 0, { deep: true });
          expect(h.baseOffset).toBe(baseOffset);
          expect(h.batchLength).toBe(batch.length - 12);
          expect(h.magic).toBe(2);
          expect(h.attributes & Attr.COMPRESSION_MASK).toBe(codec);
          expect(Boolean(h.attributes & Attr.TRANSACTIONAL)).toBe(transactional);
          expect(h.recordCount).toBe(records.length);
          expect(h.lastOffsetDelta).toBe(records.length ? records[records.length - 1].offsetDelta : 0);
          expect(h.baseTimestamp).toBe(BigInt(records[0]?.timestamp ?? -1));
          expect(h.maxTimestamp).toBe(BigInt(Math.max(-1, ...records.map((r) => r.timestamp!))));
          expect(h.producerId).toBe(producer.producerId);
          expect(h.producerEpoch).toBe(producer.producerEpoch);
          expect(h.baseSequence).toBe(producer.baseSequence);
          expect(h.partitionLeaderEpoch).toBe(partitionLeaderEpoch);
          expectSameRecords(batch, records, baseOffset);
        },
      ),
      { numRuns: codec === Compression.NONE ? 150 : 50 },
    );
  });

  it('uses Kafka defaults: sequential offsets, -1 producer fields, CreateTime', () => {
    const batch = buildRecordBatch({ records: [{ value: Buffer.from('a'), timestamp: 10 }, { value: Buffer.from('b'), timestamp: 7 }] });
    const h = readBatchHeader(batch);
    expect(h).toMatchObject({ baseOffset: 0n, partitionLeaderEpoch: -1, attributes: 0, lastOffsetDelta: 1, baseTimestamp: 10n, maxTimestamp: 10n, producerId: -1n, producerEpoch: -1, baseSequence: -1, recordCount: 2 });
    expect(readRecords(batch).map((r) => [r.offsetDelta, r.timestampDelta, r.timestamp])).toEqual([[0, 0, 10], [1, -3, 7]]);
  });

  it('builds the golden uncompressed batch byte for byte', () => {
    const batch = buildRecordBatch({ baseOffset: 0n, records: [{ key: null, value: Buffer.from('v'), timestamp: 1 }] });
    // 61-byte header + record: len 08, attr 00, tsDelta 00, offDelta 00, key 01 (null), value 02 'v', headers 00.
    expect(batch.toString('hex')).toBe(
      '0000000000000000' + '00000039' + 'ffffffff' + '02' + 'e1b9f431' +
        '0000' + '00000000' + '0000000000000001' + '0000000000000001' + 'ffffffffffffffff' + 'ffff' + 'ffffffff' + '00000001' +
        '0e' + '00' + '00' + '00' + '01' + '02' + '76' + '00',
    );
    // CRC-32C computed with an independent bitwise implementation.
    expect(batch.readUInt32BE(17)).toBe(0xe1b9f431);
  });

  it('supports timestampDelta with an explicit baseTimestamp, and LogAppendTime', () => {
    const batch = buildRecordBatch({
      baseTimestamp: 1000,
      timestampType: TimestampType.LOG_APPEND_TIME,
      logAppendTime: 5000,
      records: [{ timestampDelta: 0 }, { timestampDelta: 20 }],
    });
    const h = readBatchHeader(batch);
    expect(h.attributes & Attr.TIMESTAMP_TYPE).toBe(Attr.TIMESTAMP_TYPE);
    expect([h.baseTimestamp, h.maxTimestamp]).toEqual([5000n, 5000n]);
    expect(readRecords(batch).map((r) => [r.timestampDelta, r.timestamp])).toEqual([[0, 5000], [20, 5000]]);
    expect(() => buildRecordBatch({ timestampType: TimestampType.LOG_APPEND_TIME, records: [] })).toThrow(InvalidTimestampError);
  });

  it('writes the delete horizon into baseTimestamp with attribute bit 6 (compaction)', () => {
    const batch = buildRecordBatch({ deleteHorizonMs: 9000, records: [{ timestamp: 8000, value: null }] });
    const h = readBatchHeader(batch);
    expect(h.attributes & Attr.DELETE_HORIZON).toBe(Attr.DELETE_HORIZON);
    expect(h.baseTimestamp).toBe(9000n);
    expect(readRecords(batch)[0]).toMatchObject({ timestampDelta: -1000, timestamp: 8000 });
  });

  it('keeps an overridden lastOffsetDelta and allows empty batches (compaction)', () => {
    const kept = buildRecordBatch({ lastOffsetDelta: 9, records: [{ offsetDelta: 3, timestamp: 1 }] });
    expect(validateBatch(kept, 0, { deep: true }).lastOffsetDelta).toBe(9);
    const empty = buildRecordBatch({ baseOffset: 100n, lastOffsetDelta: 4, records: [], producerId: 5n, producerEpoch: 1, baseSequence: 10 });
    expect(validateBatch(empty, 0, { deep: true })).toMatchObject({ recordCount: 0, lastOffsetDelta: 4, baseTimestamp: -1n, maxTimestamp: -1n });
    expect(empty.length).toBe(BATCH_HEADER_SIZE);
    expect(() => buildRecordBatch({ lastOffsetDelta: 2, records: [{ offsetDelta: 3 }] })).toThrow(InvalidRecordError);
  });

  it('rejects falling offsets and invalid timestamps', () => {
    expect(() => buildRecordBatch({ records: [{ offsetDelta: 2 }, { offsetDelta: 2 }] })).toThrow(InvalidRecordError);
    expect(() => buildRecordBatch({ records: [{ offsetDelta: -1 }] })).toThrow(InvalidRecordError);
    expect(() => buildRecordBatch({ records: [{ timestamp: -2 }] })).toThrow(InvalidTimestampError);
    expect(() => buildRecordBatch({ records: [{ timestamp: 5 }, { timestamp: -7 }] })).toThrow(InvalidTimestampError);
    expect(() => buildRecordBatch({ baseTimestamp: 0, records: [{ timestampDelta: 2 ** 52 }] })).toThrow(/outside/);
    try {
      buildRecordBatch({ records: [{ timestamp: -2 }] });
    } catch (e) {
      expect((e as InvalidTimestampError).kafkaErrorCode).toBe(32);
    }
  });

  it('RecordBatchBuilder appends then builds the same batch', () => {
    const b = new RecordBatchBuilder({ baseOffset: 42n, compression: Compression.GZIP, producerId: 3n, producerEpoch: 0, baseSequence: 0 });
    b.append({ key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 1, headers: [{ key: Buffer.from('h'), value: null }] }).append({ value: Buffer.from('w'), timestamp: 2 });
    expect(b.recordCount).toBe(2);
    const batch = b.build();
    const recs = readRecords(batch);
    expect(recs.map((r) => r.offset)).toEqual([42n, 43n]);
    expect(recs[0].headers).toEqual([{ key: 'h', value: null }]);
    expect(validateBatch(batch, 0, { fromClient: true, deep: true }).producerId).toBe(3n);
  });
});
