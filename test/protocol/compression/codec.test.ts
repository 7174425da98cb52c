import fc from 'fast-check';
import { gzipSync } from 'node:zlib';
import {
  compress,
  decompress,
  overrideBackends,
  resetBackendOverrides,
  toCompressionType,
  availableBackends,
} from '../../../src/protocol/compression';
import { Compression, CompressionType } from '../../../src/protocol/records/batch-header';
import {
  CodecUnavailableError,
  CorruptRecordError,
  DecompressedSizeExceededError,
  RecordsError,
  UnsupportedCompressionTypeError,
} from '../../../src/protocol/records/errors';

const CODECS: Array<[string, CompressionType]> = [
  ['gzip', Compression.GZIP],
  ['snappy', Compression.SNAPPY],
  ['lz4', Compression.LZ4],
  ['zstd', Compression.ZSTD],
];

/** Record-like text: compressible but not trivially so. */
function sampleData(bytes: number, seed = 1): Buffer {
  const parts: string[] = [];
  let n = 0;
  let x = seed;
  while (n < bytes) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const s = JSON.stringify({ id: n, user: ['alice', 'bob', 'carol'][x % 3], amount: x % 10007, tag: x.toString(36) });
    parts.push(s);
    n += s.length;
  }
  return Buffer.from(parts.join('\n')).subarray(0, bytes);
}

const bytesArb = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)),
  fc.tuple(fc.string({ maxLength: 40 }), fc.nat(200)).map(([s, n]) => Buffer.from(s.repeat(n))),
  fc.nat(300_000).map((n) => sampleData(n, n)),
);

afterEach(() => resetBackendOverrides());

describe('compression codecs', () => {
  it('loads the native libraries in this environment', () => {
    const b = availableBackends();
    expect(b.snappy && b.lz4 && b.zstd).toBe(true);
  });

  it.each(CODECS)('%s round-trips arbitrary data', (_name, codec) => {
    fc.assert(
      fc.property(bytesArb, (data) => {
        const packed = compress(codec, data);
        expect(decompress(codec, packed, { maxOutputBytes: data.length }).equals(data)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it.each([
    ['snappy', Compression.SNAPPY],
    ['lz4', Compression.LZ4],
  ] as Array<[string, CompressionType]>)('%s round-trips with the TypeScript decoder only', (_name, codec) => {
    fc.assert(
      fc.property(bytesArb, (data) => {
        const packed = compress(codec, data);
        overrideBackends({ snappy: undefined, lz4: undefined });
        try {
          expect(decompress(codec, packed, { maxOutputBytes: data.length }).equals(data)).toBe(true);
        } finally {
          resetBackendOverrides();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('passes NONE through untouched', () => {
    const data = Buffer.from('plain');
    expect(compress(Compression.NONE, data)).toBe(data);
    expect(decompress(Compression.NONE, data)).toBe(data);
  });

  it.each(CODECS)('%s stops at the output limit', (_name, codec) => {
    const data = sampleData(200_000);
    const packed = compress(codec, data);
    expect(decompress(codec, packed, { maxOutputBytes: data.length }).length).toBe(data.length);
    expect(() => decompress(codec, packed, { maxOutputBytes: data.length - 1 })).toThrow(DecompressedSizeExceededError);
    expect(() => decompress(codec, packed, { maxOutputBytes: 0 })).toThrow(DecompressedSizeExceededError);
    try {
      decompress(codec, packed, { maxOutputBytes: 10 });
    } catch (e) {
      expect((e as RecordsError).kafkaErrorCode).toBe(10);
    }
  });

  it.each(CODECS)('%s refuses a 64 MiB bomb at a 1 MiB limit without inflating it', (_name, codec) => {
    const zeros = Buffer.alloc(64 * 1024 * 1024);
    const bomb = compress(codec, zeros);
    expect(bomb.length).toBeLessThan(4 * 1024 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    expect(() => decompress(codec, bomb, { maxOutputBytes: 1024 * 1024 })).toThrow(DecompressedSizeExceededError);
    // Nothing close to the 64 MiB it claims was allocated on the way.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('zstd decodes concatenated frames and bounds them (streaming path)', () => {
    const a = sampleData(100_000, 3);
    const b = sampleData(50_000, 4);
    const two = Buffer.concat([compress(Compression.ZSTD, a), compress(Compression.ZSTD, b)]);
    expect(decompress(Compression.ZSTD, two, { maxOutputBytes: 150_000 }).equals(Buffer.concat([a, b]))).toBe(true);
    expect(() => decompress(Compression.ZSTD, two, { maxOutputBytes: 149_999 })).toThrow(DecompressedSizeExceededError);
  });

  it('zstd decodes a frame without a content size (as the Java client streams it)', () => {
    // Frame: magic, FHD 0x00 (no content size, window descriptor follows), window 0x00 (1 KiB),
    // one last raw block of 5 bytes: header = last(1) | raw(0<<1) | size 5 << 3 = 0x29 0x00 0x00.
    const frame = Buffer.from('28b52ffd' + '00' + '00' + '290000' + Buffer.from('hello').toString('hex'), 'hex');
    expect(decompress(Compression.ZSTD, frame, { maxOutputBytes: 5 }).toString()).toBe('hello');
    expect(() => decompress(Compression.ZSTD, frame, { maxOutputBytes: 4 })).toThrow(DecompressedSizeExceededError);
    expect(() => decompress(Compression.ZSTD, frame.subarray(0, frame.length - 1), { maxOutputBytes: 5 })).toThrow(CorruptRecordError);
  });

  it('gzip accepts concatenated members, like GZIPInputStream', () => {
    const two = Buffer.concat([gzipSync(Buffer.from('ab')), gzipSync(Buffer.from('cd'))]);
    expect(decompress(Compression.GZIP, two).toString()).toBe('abcd');
  });

  it.each(CODECS)('%s: a truncated input never decodes to anything but a prefix, and only fails with RecordsError', (_name, codec) => {
    const data = sampleData(3000, 9);
    const packed = compress(codec, data);
    for (let cut = 0; cut < packed.length; cut++) {
      let out: Buffer;
      try {
        out = decompress(codec, packed.subarray(0, cut), { maxOutputBytes: data.length });
      } catch (e) {
        expect(e).toBeInstanceOf(RecordsError);
        continue;
      }
      // Only framings that stay valid when cut between blocks/frames (xerial snappy, zstd frames
      // with nothing yet) may succeed, and then with a prefix of the data.
      expect([Compression.SNAPPY, Compression.ZSTD]).toContain(codec);
      expect(data.subarray(0, out.length).equals(out)).toBe(true);
    }
  });

  it.each(CODECS)('%s: corrupted bytes fail with RecordsError or decode within the limit', (_name, codec) => {
    const data = sampleData(5000, 11);
    const packed = compress(codec, data);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(packed.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }), (flips) => {
        const bad = Buffer.from(packed);
        for (const [pos, x] of flips) bad[pos] ^= x;
        try {
          const out = decompress(codec, bad, { maxOutputBytes: 2 * data.length });
          expect(out.length).toBeLessThanOrEqual(2 * data.length);
        } catch (e) {
          expect(e).toBeInstanceOf(RecordsError);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('rejects codec ids 5-7 with UNSUPPORTED_COMPRESSION_TYPE', () => {
    for (const id of [5, 6, 7, -1, 1.5]) {
      expect(() => toCompressionType(id)).toThrow(UnsupportedCompressionTypeError);
    }
    try {
      toCompressionType(5);
    } catch (e) {
      expect((e as RecordsError).kafkaErrorCode).toBe(76);
    }
    expect(toCompressionType(4)).toBe(Compression.ZSTD);
  });

  it('raises CodecUnavailableError (code 76) when no library can do the job', () => {
    overrideBackends({ zstd: undefined });
    expect(() => compress(Compression.ZSTD, Buffer.from('x'))).toThrow(CodecUnavailableError);
    expect(() => decompress(Compression.ZSTD, Buffer.from('x'))).toThrow(CodecUnavailableError);
    overrideBackends({ wasmUtils: undefined, snappy: undefined, lz4: undefined });
    expect(() => compress(Compression.SNAPPY, Buffer.from('x'))).toThrow(CodecUnavailableError);
    expect(() => compress(Compression.LZ4, Buffer.from('x'))).toThrow(/No lz4 implementation/);
    try {
      compress(Compression.SNAPPY, Buffer.from('x'));
    } catch (e) {
      expect((e as RecordsError).kafkaErrorCode).toBe(76);
      expect((e as RecordsError).code).toBe('ERR_CODEC_UNAVAILABLE');
    }
  });
});
