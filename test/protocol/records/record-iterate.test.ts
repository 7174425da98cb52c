import fc from 'fast-check';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder';
import { BATCH_HEADER_SIZE, Compression, rewriteCrc, RECORD_COUNT_OFFSET, LAST_OFFSET_DELTA_OFFSET } from '../../../src/protocol/records/batch-header';
import { iterateRecords, readRecords, recordsData, scanRecords } from '../../../src/protocol/records/record-iterate';
import { RecordSummary } from '../../../src/protocol/records/record';
import { DecompressScratch } from '../../../src/protocol/compression/decompress-scratch';
import { ALL_CODECS, recordsArb } from './arbitraries';
import { CorruptRecordError, DecompressedSizeExceededError, InvalidRecordError } from '../../../src/protocol/records/errors';

/** A batch whose records section is `records` (hex), with header fields made consistent. */
function withRecords(hex: string, count: number): Buffer {
  const header = buildRecordBatch({ records: [] });
  const body = Buffer.from(hex, 'hex');
  const b = Buffer.concat([header, body]);
  b.writeInt32BE(b.length - 12, 8);
  b.writeInt32BE(count, RECORD_COUNT_OFFSET);
  b.writeInt32BE(Math.max(0, count - 1), LAST_OFFSET_DELTA_OFFSET);
  rewriteCrc(b, 0);
  return b;
}

describe('iterateRecords', () => {
  it('reads a golden record with headers', () => {
    // Body: attr 00, tsDelta 02 (= 1), offDelta 00, key 02 'k', value 04 'vv', 1 header (02):
    // key 02 'h', value 01 (null) = 12 bytes, so the length varint is 0x18 (zig-zag 12).
    const b = withRecords('18' + '00' + '02' + '00' + '026b' + '047676' + '02' + '0268' + '01', 1);
    const [r] = readRecords(b);
    expect(r).toMatchObject({ offsetDelta: 0, timestampDelta: 1, key: Buffer.from('k'), value: Buffer.from('vv'), headers: [{ key: 'h', value: null }], sizeInBytes: 13 });
  });

  it('returns slices of the batch, not copies', () => {
    const b = buildRecordBatch({ records: [{ value: Buffer.from('shared'), timestamp: 0 }] });
    const [r] = readRecords(b);
    expect(r.value!.buffer).toBe(b.buffer);
  });

  it('rejects malformed records with InvalidRecordError', () => {
    const cases: Array<[string, number, RegExp]> = [
      ['0e000000017e7600', 1, /record value/], // value length 63 > what is left
      ['0e0000000102760001', 1, /left after/], // one spare byte
      ['0e00000001027600', 2, /declares 2 records but holds 1/],
      ['7f00', 1, /negative length -64/],
      ['fe0100', 1, /ends inside a record/], // length 127, 1 byte left
      ['8f8f8f8f8f01', 1, /longer than 5 bytes/],
      ['0e0000000102760003', 1, /.*/], // header count -2 … and a spare byte: either error is fine
      ['0e00000001027601', 1, /invalid header count -1/],
      ['10000000010276' + '0201', 1, /negative key length/],
      ['0a000000feffffff0f', 1, /.*/], // key length 2^31-1 in a 10-byte record
      ['0c00000001047600', 1, /ends inside record value/], // value claims more than the record
      ['08000000010176', 1, /ends inside a varint/], // record ends before its value
      ['1000000001027600aa', 1, /declares 8 bytes but its fields take 7/],
    ];
    for (const [hex, count, message] of cases) {
      expect(() => readRecords(withRecords(hex, count))).toThrow(message);
      expect(() => readRecords(withRecords(hex, count))).toThrow(InvalidRecordError);
    }
  });

  it('refuses a truncated or non-magic-2 batch', () => {
    const b = buildRecordBatch({ records: [{ timestamp: 0 }] });
    expect(() => readRecords(b.subarray(0, b.length - 1))).toThrow(CorruptRecordError);
    expect(() => readRecords(b.subarray(0, 40))).toThrow(CorruptRecordError);
    const legacy = Buffer.from(b);
    legacy[16] = 1;
    expect(() => readRecords(legacy)).toThrow(/magic/);
  });

  it('bounds decompression of a compressed batch', () => {
    const b = buildRecordBatch({ compression: Compression.ZSTD, records: [{ value: Buffer.alloc(100_000), timestamp: 0 }] });
    expect(() => readRecords(b, 0, { maxDecompressedBytes: 50_000 })).toThrow(DecompressedSizeExceededError);
    expect(recordsData(b, 0, { maxDecompressedBytes: 200_000 }).length).toBeGreaterThan(100_000);
    const bad = Buffer.from(b);
    bad.fill(0x55, BATCH_HEADER_SIZE + 4, BATCH_HEADER_SIZE + 12);
    rewriteCrc(bad, 0);
    expect(() => readRecords(bad)).toThrow(CorruptRecordError);
  });

  it('yields lazily: a consumer can stop before a bad record', () => {
    const good = buildRecordBatch({ records: [{ value: Buffer.from('a'), timestamp: 0 }] }).subarray(BATCH_HEADER_SIZE).toString('hex');
    const b = withRecords(good + 'ff', 2);
    const it = iterateRecords(b);
    expect(it.next().value!.value!.toString()).toBe('a');
    expect(() => it.next()).toThrow(InvalidRecordError);
  });

  it('truncating the records section anywhere gives a typed error, never a crash', () => {
    const b = buildRecordBatch({ records: Array.from({ length: 4 }, (_, i) => ({ key: Buffer.from('key' + i), value: Buffer.alloc(20, i), headers: [{ key: 'h', value: Buffer.from('x') }], timestamp: i })) });
    for (let cut = BATCH_HEADER_SIZE; cut < b.length; cut++) {
      const t = Buffer.from(b.subarray(0, cut));
      t.writeInt32BE(t.length - 12, 8);
      expect(() => readRecords(t)).toThrow(InvalidRecordError);
    }
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 60 }), fc.nat(5), (bytes, count) => {
        try {
          readRecords(withRecords(Buffer.from(bytes).toString('hex'), count));
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidRecordError);
        }
      }),
    );
  });
});

/** What scanRecords reports, copied per record (it reuses one summary object). */
function scanned(b: Buffer, scratch?: DecompressScratch): RecordSummary[] {
  const out: RecordSummary[] = [];
  scanRecords(b, 0, (index, r) => {
    expect(index).toBe(out.length);
    out.push({ ...r });
  }, { scratch });
  return out;
}

/** The same fields from iterateRecords, or the error either walk throws. */
function summaries(walk: () => RecordSummary[]): RecordSummary[] | string {
  try {
    return walk();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidRecordError);
    return (e as Error).message;
  }
}

const fromIterate = (b: Buffer): RecordSummary[] =>
  readRecords(b).map((r) => ({ offsetDelta: r.offsetDelta, timestampDelta: r.timestampDelta, keyLength: r.key?.length ?? -1, valueLength: r.value?.length ?? -1 }));

describe('scanRecords', () => {
  it('reports what iterateRecords reads, for every codec', () => {
    for (const [, codec] of ALL_CODECS) {
      fc.assert(
        fc.property(recordsArb({ gaps: true }), (records) => {
          const b = buildRecordBatch({ compression: codec, records });
          expect(scanned(b)).toEqual(fromIterate(b));
          expect(scanned(b, new DecompressScratch())).toEqual(fromIterate(b));
        }),
        { numRuns: 40 },
      );
    }
  });

  it('fails exactly where and how iterateRecords fails, on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 60 }), fc.nat(5), (bytes, count) => {
        const b = withRecords(Buffer.from(bytes).toString('hex'), count);
        expect(summaries(() => scanned(b))).toEqual(summaries(() => fromIterate(b)));
      }),
      { numRuns: 2000 },
    );
    // Valid records cut or altered anywhere, headers included.
    const good = buildRecordBatch({ records: Array.from({ length: 3 }, (_, i) => ({ key: Buffer.from('k' + i), value: Buffer.alloc(5, i), headers: [{ key: 'hh', value: i ? Buffer.from('x') : null }], timestamp: i })) });
    const body = good.subarray(BATCH_HEADER_SIZE);
    for (let i = 0; i < body.length; i++) {
      for (const v of [0x00, 0x01, 0x7f, 0x80, 0xff]) {
        const altered = Buffer.from(body);
        altered[i] = v;
        const b = withRecords(altered.toString('hex'), 3);
        expect(summaries(() => scanned(b))).toEqual(summaries(() => fromIterate(b)));
      }
      const cut = withRecords(body.subarray(0, i).toString('hex'), 3);
      expect(summaries(() => scanned(cut))).toEqual(summaries(() => fromIterate(cut)));
    }
  });

  it('rejects the malformed golden cases with the messages iterateRecords gives', () => {
    for (const hex of ['0e000000017e7600', '0e0000000102760001', '7f00', 'fe0100', '8f8f8f8f8f01', '0e00000001027601', '10000000010276' + '0201', '1000000001027600aa']) {
      const b = withRecords(hex, 1);
      expect(summaries(() => scanned(b))).toEqual(summaries(() => fromIterate(b)));
      expect(typeof summaries(() => scanned(b))).toBe('string');
    }
  });

  it('decompresses into the scratch memory it is given, and the next scan reuses it', () => {
    // zstd with a declared size here; lz4 frames of several blocks: lz4-frame.test.ts.
    const records = Array.from({ length: 300 }, (_, i) => ({ value: Buffer.alloc(1000, i % 7), timestamp: i }));
    const scratch = new DecompressScratch();
    const b = buildRecordBatch({ compression: Compression.ZSTD, records });
    const data = recordsData(b, 0, { scratch });
    expect(data.equals(recordsData(b, 0))).toBe(true);
    expect(scratch.capacity).toBeGreaterThanOrEqual(data.length);
    expect(recordsData(b, 0, { scratch }).buffer).toBe(data.buffer);
    expect(scanned(b, scratch)).toEqual(fromIterate(b));
  });
});
