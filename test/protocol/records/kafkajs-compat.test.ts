/**
 * Cross-checks against kafkajs' own encoders and decoders (an independent implementation):
 * batches and message sets it writes must read back here, and ours must read back there.
 * kafkajs ships gzip only; for the other codecs our compressor is registered into its codec table
 * so that its batch framing around compressed data is still exercised.
 */
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder';
import { Compression, CompressionType } from '../../../src/protocol/records/batch-header';
import { validateBatch } from '../../../src/protocol/records/batch-validate';
import { readRecords } from '../../../src/protocol/records/record-iterate';
import { buildMessageSet, decodeMessageSet } from '../../../src/protocol/records/legacy-message-set';
import { compress, decompress } from '../../../src/protocol/compression';
import { ALL_CODECS } from './arbitraries';

/* eslint-disable @typescript-eslint/no-require-imports */
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0');
const KjsRecord = require('kafkajs/src/protocol/recordBatch/record/v0');
const decodeKjsBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder');
const KjsMessageSet = require('kafkajs/src/protocol/messageSet');
const decodeKjsMessageSet = require('kafkajs/src/protocol/messageSet/decoder');
const KjsDecoder = require('kafkajs/src/protocol/decoder');
const KjsEncoder = require('kafkajs/src/protocol/encoder');
const { Codecs } = require('kafkajs/src/protocol/message/compression');
const Long = require('kafkajs/src/utils/long');

interface KjsEncoderLike {
  buffer: Buffer;
}

beforeAll(() => {
  for (const type of [Compression.SNAPPY, Compression.LZ4, Compression.ZSTD] as CompressionType[]) {
    Codecs[type] = () => ({
      compress: async (enc: KjsEncoderLike) => compress(type, enc.buffer),
      decompress: async (buf: Buffer) => decompress(type, buf),
    });
  }
});

/** A batch kafkajs 2.2.4 wrote (gzip, two records, one header), kept as a golden vector. */
const KAFKAJS_GZIP_BATCH =
  '000000000000000a0000005d00000000020ab5a8640001000000010000018bcfe568000000018bcfe56805ffffffffffffffff00000000000000000002' +
  '1f8b08000000000000039361606060c93664293364624a64aa1060e062626429336200001b47623b18000000';

describe('kafkajs interoperability', () => {
  it('reads the golden kafkajs gzip batch', () => {
    const b = Buffer.from(KAFKAJS_GZIP_BATCH, 'hex');
    expect(validateBatch(b, 0, { deep: true, fromClient: true })).toMatchObject({ baseOffset: 10n, recordCount: 2, attributes: Compression.GZIP });
    expect(readRecords(b).map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString(), r.headers.map((h) => [h.key, h.value?.toString()])])).toEqual([
      [10n, 1700000000000, 'k1', 'v1', [['a', 'x']]],
      [11n, 1700000000005, null, 'v2', []],
    ]);
  });

  it.each(ALL_CODECS)('reads batches kafkajs encodes (%s)', async (_name, codec) => {
    const records = Array.from({ length: 20 }, (_, i) =>
      KjsRecord({ offsetDelta: i, timestampDelta: i * 3, key: i % 4 ? Buffer.from(`key-${i}`) : null, value: Buffer.from(`value-${i}`.repeat(i)), headers: i % 2 ? { trace: Buffer.from(`t${i}`) } : {} }),
    );
    const enc = await RecordBatch({
      compression: codec,
      firstOffset: Long.fromValue('1000'),
      firstTimestamp: 1600000000000,
      maxTimestamp: 1600000000057,
      lastOffsetDelta: 19,
      transactional: true,
      producerId: Long.fromValue('77'),
      producerEpoch: 2,
      firstSequence: 5,
      records,
    });
    const b: Buffer = enc.buffer;
    const h = validateBatch(b, 0, { deep: true, fromClient: true });
    expect(h).toMatchObject({ baseOffset: 1000n, producerId: 77n, producerEpoch: 2, baseSequence: 5, recordCount: 20, attributes: codec | 0x10 });
    const out = readRecords(b);
    out.forEach((r, i) => {
      expect(r.offset).toBe(1000n + BigInt(i));
      expect(r.timestamp).toBe(1600000000000 + i * 3);
      expect(r.key?.toString() ?? null).toBe(i % 4 ? `key-${i}` : null);
      expect(r.value!.toString()).toBe(`value-${i}`.repeat(i));
      expect(r.headers).toEqual(i % 2 ? [{ key: 'trace', value: Buffer.from(`t${i}`) }] : []);
    });
  });

  it.each(ALL_CODECS)('kafkajs reads the batches we build (%s)', async (_name, codec) => {
    const batch = buildRecordBatch({
      baseOffset: 500n,
      compression: codec,
      producerId: 9n,
      producerEpoch: 1,
      baseSequence: 0,
      records: Array.from({ length: 15 }, (_, i) => ({
        key: Buffer.from(`k${i}`),
        value: i === 3 ? null : Buffer.from(`v${i}`.repeat(10)),
        timestamp: 1650000000000 + i,
        headers: [{ key: 'h', value: Buffer.from(String(i)) }],
      })),
    });
    const decoded = await decodeKjsBatch(new KjsDecoder(batch));
    expect(decoded.producerId).toBe('9');
    expect(decoded.records).toHaveLength(15);
    decoded.records.forEach((r: { offset: string; timestamp: string; key: Buffer; value: Buffer | null; headers: Record<string, Buffer> }, i: number) => {
      expect(r.offset).toBe(String(500 + i));
      expect(r.timestamp).toBe(String(1650000000000 + i));
      expect(r.key.toString()).toBe(`k${i}`);
      expect(r.value === null ? null : r.value.toString()).toBe(i === 3 ? null : `v${i}`.repeat(10));
      expect(r.headers.h.toString()).toBe(String(i));
    });
  });

  describe('legacy message sets', () => {
    const entries = [0, 1, 2].map((i) => ({ key: Buffer.from(`key-${i}`), value: Buffer.from(`some-value-${i}`), timestamp: 1500000000000 + i }));

    it.each([0, 1])('reads uncompressed magic %i sets kafkajs writes', (magic) => {
      const set: Buffer = KjsMessageSet({ messageVersion: magic, compression: 0, entries }).buffer;
      const out = decodeMessageSet(set);
      expect(out.map((m) => [m.magic, m.key!.toString(), m.value!.toString(), m.timestamp])).toEqual(
        entries.map((e) => [magic, e.key.toString(), e.value.toString(), magic === 1 ? e.timestamp : -1]),
      );
      // kafkajs writes offset -1 for uncompressed produce data; the broker assigns offsets.
      expect(out.map((m) => m.offset)).toEqual([-1n, -1n, -1n]);
    });

    it('reads a gzip wrapper built like kafkajs Produce v2 (wrapper offset 0 = inner offsets as is)', async () => {
      const inner: KjsEncoderLike = KjsMessageSet({ messageVersion: 1, compression: 1, entries });
      const gz = await Codecs[1]().compress(inner);
      const wrapper: Buffer = KjsMessageSet({ messageVersion: 1, compression: 1, entries: [{ compression: 1, timestamp: 1500000000009, key: null, value: gz }] }).buffer;
      const out = decodeMessageSet(wrapper);
      expect(out.map((m) => [m.offset, m.value!.toString(), m.compression])).toEqual([
        [0n, 'some-value-0', Compression.GZIP],
        [1n, 'some-value-1', Compression.GZIP],
        [2n, 'some-value-2', Compression.GZIP],
      ]);
    });

    it.each([
      [0, Compression.NONE],
      [1, Compression.NONE],
      [0, Compression.GZIP],
      [1, Compression.GZIP],
      [1, Compression.SNAPPY],
      [1, Compression.LZ4],
    ] as Array<[0 | 1, CompressionType]>)('kafkajs reads magic %i sets we build (codec %i)', async (magic, codec) => {
      const set = buildMessageSet({ magic, compression: codec, baseOffset: 40n, messages: entries });
      const withSize = new KjsEncoder().writeInt32(set.length).writeBuffer(set);
      const out = await decodeKjsMessageSet(new KjsDecoder(withSize.buffer));
      expect(out.map((m: { offset: string; key: Buffer; value: Buffer; timestamp?: string }) => [m.offset, m.key.toString(), m.value.toString()])).toEqual(
        entries.map((e, i) => [String(40 + i), e.key.toString(), e.value.toString()]),
      );
      if (magic === 1) expect(out.map((m: { timestamp: string }) => String(m.timestamp))).toEqual(entries.map((e) => String(e.timestamp)));
    });
  });
});
