/** fast-check generators shared by the record tests. */
import fc from 'fast-check';
import { RecordInput } from '../../../src/protocol/records/batch-builder';
import { Compression, CompressionType } from '../../../src/protocol/records/batch-header';

export const ALL_CODECS: Array<[string, CompressionType]> = [
  ['none', Compression.NONE],
  ['gzip', Compression.GZIP],
  ['snappy', Compression.SNAPPY],
  ['lz4', Compression.LZ4],
  ['zstd', Compression.ZSTD],
];

export const bytesOrNull = fc.option(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  { nil: null, freq: 5 },
);

export const headerArb = fc.record({ key: fc.string({ maxLength: 20, unit: 'binary' }), value: bytesOrNull });

/** Records with absolute timestamps and rising offset deltas (gaps allowed, as after compaction). */
export const recordsArb = (opts: { minLength?: number; gaps?: boolean } = {}): fc.Arbitrary<RecordInput[]> =>
  fc
    .array(
      fc.record({
        key: bytesOrNull,
        value: bytesOrNull,
        headers: fc.array(headerArb, { maxLength: 3 }),
        timestamp: fc.oneof(fc.constant(-1), fc.integer({ min: 0, max: 2 ** 45 })),
        gap: opts.gaps ? fc.nat(1000) : fc.constant(0),
      }),
      { minLength: opts.minLength ?? 0, maxLength: 30 },
    )
    .map((rs) => {
      let delta = -1;
      return rs.map(({ gap, ...r }) => {
        delta += 1 + gap;
        return { ...r, offsetDelta: delta };
      });
    });
