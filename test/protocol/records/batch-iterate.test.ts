import fc from 'fast-check';
import { buildRecordBatch } from '../../../src/protocol/records/batch-builder';
import { iterateBatches, scanBatches } from '../../../src/protocol/records/batch-iterate';
import { buildMessageSet } from '../../../src/protocol/records/legacy-message-set';
import { Compression } from '../../../src/protocol/records/batch-header';
import { CorruptRecordError } from '../../../src/protocol/records/errors';

const batchOf = (n: number, base: bigint): Buffer =>
  buildRecordBatch({ baseOffset: base, records: Array.from({ length: n }, (_, i) => ({ value: Buffer.alloc(i * 3, i), timestamp: i })) });

describe('iterateBatches / scanBatches', () => {
  const blob = Buffer.concat([batchOf(1, 0n), batchOf(3, 1n), buildMessageSet({ magic: 1, messages: [{ value: Buffer.from('old'), timestamp: 5 }], baseOffset: 4n }), batchOf(2, 5n)]);

  it('slices every entry of a mixed-magic blob without copying', () => {
    const slices = [...iterateBatches(blob)];
    expect(slices.map((s) => s.magic)).toEqual([2, 2, 1, 2]);
    expect(slices[0].offset).toBe(0);
    for (let i = 1; i < slices.length; i++) expect(slices[i].offset).toBe(slices[i - 1].offset + slices[i - 1].size);
    const last = slices[3];
    expect(last.offset + last.size).toBe(blob.length);
    expect(blob.subarray(last.offset, last.offset + last.size).readBigInt64BE(0)).toBe(5n);
  });

  it('stops at an incomplete trailing entry at every cut, reporting the valid prefix', () => {
    const bounds = [0, ...[...iterateBatches(blob)].map((s) => s.offset + s.size)];
    for (let cut = 0; cut <= blob.length; cut++) {
      const scan = scanBatches(blob.subarray(0, cut));
      const expected = Math.max(...bounds.filter((b) => b <= cut));
      expect(scan.validBytes).toBe(expected);
      expect(scan.truncated).toBe(cut !== expected);
      expect(scan.batches).toHaveLength(bounds.indexOf(expected));
    }
  });

  it('treats impossible sizes and magics as corruption', () => {
    const small = Buffer.from(blob);
    small.writeInt32BE(13, 8);
    expect(() => [...iterateBatches(small)]).toThrow(/minimum record overhead/);
    const negative = Buffer.from(blob);
    negative.writeInt32BE(-5, 8);
    expect(() => scanBatches(negative)).toThrow(CorruptRecordError);
    const magic3 = Buffer.from(blob);
    magic3[16] = 3;
    expect(() => scanBatches(magic3)).toThrow(/invalid magic 3/);
    const shortV2 = Buffer.alloc(40);
    shortV2.writeInt32BE(28, 8);
    shortV2[16] = 2;
    expect(() => scanBatches(shortV2)).toThrow(/smaller than the 61-byte header/);
    expect(() => scanBatches(blob, { maxBatchSize: 70 })).toThrow(/largest allowed size/);
  });

  it('never throws anything but CorruptRecordError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          const scan = scanBatches(Buffer.from(bytes));
          expect(scan.validBytes).toBeLessThanOrEqual(bytes.length);
        } catch (e) {
          expect(e).toBeInstanceOf(CorruptRecordError);
        }
      }),
    );
  });

  it('iterates a compressed batch as one entry', () => {
    const b = buildRecordBatch({ compression: Compression.GZIP, records: [{ timestamp: 0 }, { timestamp: 1 }] });
    expect([...iterateBatches(b)]).toEqual([{ offset: 0, size: b.length, magic: 2 }]);
  });
});
