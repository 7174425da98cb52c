import fc from 'fast-check';
import { compressSync } from 'snappy';
import { isXerialFramed, snappyCompress, snappyDecompress, XERIAL_BLOCK_SIZE } from '../../../src/protocol/compression/snappy';
import { readSnappyLength, snappyDecodeInto } from '../../../src/protocol/compression/snappy-raw';
import { overrideBackends, resetBackendOverrides } from '../../../src/protocol/compression/backends';
import { CorruptRecordError, DecompressedSizeExceededError } from '../../../src/protocol/records/errors';

const MAX = 1 << 20;
const XERIAL_HEADER = '82534e4150505900' + '00000001' + '00000001';

afterEach(() => resetBackendOverrides());

const bothDecoders = (fn: () => void): void => {
  fn();
  overrideBackends({ snappy: undefined });
  fn();
  resetBackendOverrides();
};

describe('snappy', () => {
  it('decodes golden raw blocks (literal and 1-byte-offset copy)', () => {
    bothDecoders(() => {
      // length 5, literal of 5.
      expect(snappyDecompress(Buffer.from('051068656c6c6f', 'hex'), MAX).toString()).toBe('hello');
      // length 12, literal "abc", copy length 9 offset 3: tag ((9-4)<<2)|1 = 0x15, offset 0x03.
      expect(snappyDecompress(Buffer.from('0c086162631503', 'hex'), MAX).toString()).toBe('abcabcabcabc');
      // length 8, literal "ab", copy length 6 offset 2 with a 2-byte offset: tag ((6-1)<<2)|2 = 0x16.
      expect(snappyDecompress(Buffer.from('08046162160200', 'hex'), MAX).toString()).toBe('abababab');
    });
  });

  it('decodes golden xerial framing as the Java client writes it', () => {
    const golden = Buffer.from(XERIAL_HEADER + '00000007' + '051068656c6c6f' + '00000007' + '0c086162631503', 'hex');
    expect(isXerialFramed(golden)).toBe(true);
    bothDecoders(() => expect(snappyDecompress(golden, MAX).toString()).toBe('helloabcabcabcabc'));
    expect(() => snappyDecompress(golden, 16)).toThrow(DecompressedSizeExceededError);
  });

  it('writes xerial framing with 32 KiB blocks', () => {
    const data = Buffer.alloc(XERIAL_BLOCK_SIZE * 2 + 10, 'k');
    const out = snappyCompress(data);
    expect(out.subarray(0, 16).toString('hex')).toBe(XERIAL_HEADER);
    let pos = 16;
    const lengths: number[] = [];
    while (pos < out.length) {
      const size = out.readInt32BE(pos);
      lengths.push(readSnappyLength(out, pos + 4, pos + 4 + size)[0]);
      pos += 4 + size;
    }
    expect(lengths).toEqual([XERIAL_BLOCK_SIZE, XERIAL_BLOCK_SIZE, 10]);
    expect(snappyDecompress(out, data.length).equals(data)).toBe(true);
  });

  it('reads raw blocks from other clients', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100_000 }), (bytes) => {
        const data = Buffer.from(bytes);
        const raw = compressSync(data);
        bothDecoders(() => expect(snappyDecompress(raw, data.length).equals(data)).toBe(true));
      }),
      { numRuns: 30 },
    );
  });

  it('checks the declared length before allocating', () => {
    // Preamble says 0xffffffff bytes.
    const liar = Buffer.from('ffffffff0f00', 'hex');
    expect(() => snappyDecompress(liar, MAX)).toThrow(DecompressedSizeExceededError);
    const sixBytePreamble = Buffer.from('ffffffffff0f', 'hex');
    expect(() => snappyDecompress(sixBytePreamble, MAX)).toThrow(CorruptRecordError);
    const xerialHuge = Buffer.from(XERIAL_HEADER + '7fffffff' + '00', 'hex');
    expect(() => snappyDecompress(xerialHuge, MAX)).toThrow(CorruptRecordError);
    const xerialNegative = Buffer.from(XERIAL_HEADER + 'ffffffff', 'hex');
    expect(() => snappyDecompress(xerialNegative, MAX)).toThrow(CorruptRecordError);
  });

  it('rejects data that decodes to a different length than declared, and bad offsets', () => {
    bothDecoders(() => {
      expect(() => snappyDecompress(Buffer.from('061068656c6c6f', 'hex'), MAX)).toThrow(CorruptRecordError);
      expect(() => snappyDecompress(Buffer.from('0c086162631504', 'hex'), MAX)).toThrow(CorruptRecordError);
    });
  });

  it('TypeScript decoder matches the snappy library on compressible data', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 50 }), fc.nat(3000), (s, n) => {
        const data = Buffer.from(s.repeat(n));
        const raw = compressSync(data);
        const [len, used] = readSnappyLength(raw, 0, raw.length);
        const out = Buffer.alloc(len);
        snappyDecodeInto(raw, used, raw.length, out, 0, len);
        expect(out.equals(data)).toBe(true);
      }),
    );
  });
});
