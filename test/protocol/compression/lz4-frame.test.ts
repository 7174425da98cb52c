import fc from 'fast-check';
import { compressFrameSync, compressSync } from 'lz4-napi';
import { lz4Compress, lz4Decompress, readLz4FrameDescriptor } from '../../../src/protocol/compression/lz4-frame';
import { lz4DecodeBlockInto, Lz4BlockError } from '../../../src/protocol/compression/lz4-block';
import { xxhash32 } from '../../../src/protocol/compression/xxhash32';
import { DecompressScratch } from '../../../src/protocol/compression/decompress-scratch';
import { overrideBackends, resetBackendOverrides } from '../../../src/protocol/compression/backends';
import { CorruptRecordError, DecompressedSizeExceededError } from '../../../src/protocol/records/errors';

const MAX = 1 << 20;
const le32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0, 0);
  return b;
};
const hc = (descriptor: Buffer): number => (xxhash32(descriptor) >>> 8) & 0xff;

/** A frame built by hand from raw lz4 blocks (each given as [bytes, stored?]). */
function frame(opts: { flg?: number; bd?: number; contentSize?: number; blocks: Array<[Buffer, boolean]>; blockChecksum?: boolean; contentChecksum?: Buffer; brokenHc?: boolean }): Buffer {
  const flg = opts.flg ?? 0x60 | (opts.blockChecksum ? 0x10 : 0) | (opts.contentSize !== undefined ? 0x08 : 0) | (opts.contentChecksum ? 0x04 : 0);
  const descriptor = [flg, opts.bd ?? 0x40];
  const desc = Buffer.from(descriptor);
  let descFull = desc;
  if (opts.contentSize !== undefined) {
    const cs = Buffer.alloc(8);
    cs.writeBigUInt64LE(BigInt(opts.contentSize));
    descFull = Buffer.concat([desc, cs]);
  }
  const magic = le32(0x184d2204);
  const check = opts.brokenHc ? hc(Buffer.concat([magic, descFull])) : hc(descFull);
  const parts: Buffer[] = [magic, descFull, Buffer.from([check])];
  for (const [data, stored] of opts.blocks) {
    parts.push(le32(data.length | (stored ? 0x80000000 : 0)), data);
    if (opts.blockChecksum) parts.push(le32(xxhash32(data)));
  }
  parts.push(le32(0));
  if (opts.contentChecksum) parts.push(le32(xxhash32(opts.contentChecksum)));
  return Buffer.concat(parts);
}

/** Raw lz4 block (no size prefix) from lz4-napi's size-prepended output. */
const rawBlock = (data: Buffer): Buffer => compressSync(data).subarray(4);

afterEach(() => resetBackendOverrides());

describe('lz4 frames', () => {
  it('decodes a golden frame as Kafka writes it (FLG 0x60, BD 0x40, HC 0x82)', () => {
    // Block for "hello hello hello": token 0x62 (6 literals "hello ", then a match of 4+2 bytes at offset 6),
    // then the last sequence: token 0x50 with 5 literals "hello".
    const golden = Buffer.from('04224d18604082' + '0f000000' + '6268656c6c6f20' + '0600' + '5068656c6c6f' + '00000000', 'hex');
    expect(lz4Decompress(golden, MAX).toString()).toBe('hello hello hello');
    overrideBackends({ lz4: undefined });
    expect(lz4Decompress(golden, MAX).toString()).toBe('hello hello hello');
  });

  it('reads our own frames with either block decoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200_000 }), fc.string({ maxLength: 30 }), fc.nat(5000), (bytes, s, n) => {
        for (const data of [Buffer.from(bytes), Buffer.from(s.repeat(n))]) {
          const f = lz4Compress(data);
          expect(lz4Decompress(f, data.length).equals(data)).toBe(true);
          overrideBackends({ lz4: undefined });
          expect(lz4Decompress(f, data.length).equals(data)).toBe(true);
          resetBackendOverrides();
        }
      }),
      { numRuns: 30 },
    );
  });

  it('joins a frame of several blocks in the scratch memory it is given', () => {
    const data = Buffer.from('0123456789abcdef'.repeat(20_000));
    const f = frame({ bd: 0x40, blocks: [[rawBlock(data.subarray(0, 65_536)), false], [rawBlock(data.subarray(65_536, 131_072)), false], [data.subarray(131_072, 140_000), true]] });
    const scratch = new DecompressScratch();
    const out = lz4Decompress(f, MAX, false, scratch);
    expect(out.equals(data.subarray(0, 140_000))).toBe(true);
    expect(out.buffer).toBe(scratch.take(1).buffer);
    expect(() => lz4Decompress(f, 100_000, false, scratch)).toThrow(DecompressedSizeExceededError);
  });

  it('leaves the input frame as it was, decoded, corrupt or over the limit (size fields are borrowed for lz4-napi)', () => {
    const data = Buffer.from('0123456789abcdef'.repeat(20_000));
    const f = frame({ bd: 0x40, blocks: [[rawBlock(data.subarray(0, 65_536)), false], [rawBlock(data.subarray(65_536, 131_072)), false], [data.subarray(131_072, 140_000), true]] });
    const before = Buffer.from(f);
    expect(lz4Decompress(f, MAX).equals(data.subarray(0, 140_000))).toBe(true);
    expect(f.equals(before)).toBe(true);
    expect(() => lz4Decompress(f, 100_000)).toThrow(DecompressedSizeExceededError);
    expect(f.equals(before)).toBe(true);
    const corrupt = Buffer.from(f);
    corrupt.fill(0xff, 20, 60); // inside the first block's body
    const corruptBefore = Buffer.from(corrupt);
    expect(() => lz4Decompress(corrupt, MAX)).toThrow(CorruptRecordError);
    expect(corrupt.equals(corruptBefore)).toBe(true);
  });

  it('accepts block checksums, content checksums and content size', () => {
    const data = Buffer.from('abcdefgh'.repeat(1000));
    const withChecksums = compressFrameSync(data, { contentChecksum: true, blockChecksums: true });
    expect(readLz4FrameDescriptor(withChecksums)).toMatchObject({ blockChecksum: true, contentChecksum: true });
    expect(lz4Decompress(withChecksums, MAX).equals(data)).toBe(true);

    const handmade = frame({ contentSize: data.length, blocks: [[rawBlock(data), false]], blockChecksum: true, contentChecksum: data });
    expect(readLz4FrameDescriptor(handmade).contentSize).toBe(data.length);
    expect(lz4Decompress(handmade, MAX).equals(data)).toBe(true);
    // Declared content size above the limit is refused before decoding.
    expect(() => lz4Decompress(handmade, data.length - 1)).toThrow(DecompressedSizeExceededError);
  });

  it('accepts stored (uncompressed) blocks and multiple blocks', () => {
    const a = Buffer.from('stored block data');
    const b = Buffer.from('xyz'.repeat(300));
    const f = frame({ blocks: [[a, true], [rawBlock(b), false], [Buffer.from('!'), true]] });
    expect(lz4Decompress(f, MAX).toString()).toBe(a.toString() + b.toString() + '!');
    expect(() => lz4Decompress(f, a.length + 10)).toThrow(DecompressedSizeExceededError);
  });

  it('rejects checksum mismatches', () => {
    const data = Buffer.from('checksummed '.repeat(50));
    const good = frame({ blocks: [[rawBlock(data), false]], blockChecksum: true, contentChecksum: data });
    const badHc = Buffer.from(good);
    badHc[6] ^= 1;
    expect(() => lz4Decompress(badHc, MAX)).toThrow(/descriptor checksum/);
    const badBlock = Buffer.from(good);
    badBlock[good.length - 12] ^= 1; // inside the block checksum
    expect(() => lz4Decompress(badBlock, MAX)).toThrow(/block checksum/);
    const badContent = Buffer.from(good);
    badContent[good.length - 1] ^= 1;
    expect(() => lz4Decompress(badContent, MAX)).toThrow(/content checksum/);
  });

  it('rejects what Kafka rejects in the descriptor', () => {
    const block: Array<[Buffer, boolean]> = [[Buffer.from('x'), true]];
    expect(() => lz4Decompress(Buffer.from('not a frame!'), MAX)).toThrow(CorruptRecordError);
    expect(() => lz4Decompress(frame({ flg: 0x40, blocks: block }), MAX)).toThrow(/dependent block/);
    expect(() => lz4Decompress(frame({ flg: 0xa0, blocks: block }), MAX)).toThrow(/version/);
    expect(() => lz4Decompress(frame({ flg: 0x61, blocks: block }), MAX)).toThrow(/reserved/);
    expect(() => lz4Decompress(frame({ bd: 0x30, blocks: block }), MAX)).toThrow(/block size code/);
    expect(() => lz4Decompress(frame({ bd: 0x41, blocks: block }), MAX)).toThrow(/reserved/);
  });

  it('rejects a block larger than the frame maximum and a missing end mark', () => {
    const big = Buffer.alloc(70_000, 1);
    expect(() => lz4Decompress(frame({ blocks: [[big, true]] }), MAX)).toThrow(/exceeds the frame maximum/);
    const f = frame({ blocks: [[Buffer.from('abc'), true]] });
    expect(() => lz4Decompress(f.subarray(0, f.length - 4), MAX)).toThrow(/end mark/);
    const huge = Buffer.concat([f.subarray(0, 7), le32(0x7fffffff)]);
    expect(() => lz4Decompress(huge, MAX)).toThrow(CorruptRecordError);
  });

  describe('KIP-57 legacy header checksum (magic 0)', () => {
    it('writes the checksum over magic + descriptor when asked', () => {
      const f = lz4Compress(Buffer.from('legacy'), true);
      const headerEnd = readLz4FrameDescriptor(f, true).headerSize - 1;
      expect(f[headerEnd]).toBe(hc(f.subarray(0, headerEnd)));
      expect(f[headerEnd]).not.toBe(hc(f.subarray(4, headerEnd)));
    });

    it('reads a broken-HC frame only in legacy mode', () => {
      const data = Buffer.from('old kafka client');
      const broken = frame({ blocks: [[data, true]], brokenHc: true });
      expect(lz4Decompress(broken, MAX, true).equals(data)).toBe(true);
      expect(() => lz4Decompress(broken, MAX, false)).toThrow(CorruptRecordError);
      // Kafka skips the HC check entirely for magic 0, so a correct one passes too.
      expect(lz4Decompress(frame({ blocks: [[data, true]] }), MAX, true).equals(data)).toBe(true);
    });
  });

  describe('TypeScript block decoder', () => {
    it('matches lz4-napi on arbitrary data', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat(40), (bytes, rep) => {
          const data = Buffer.concat([Buffer.from(bytes), Buffer.alloc(rep * 10, bytes[0] ?? 0)]);
          const block = rawBlock(data);
          const out = Buffer.alloc(data.length);
          expect(lz4DecodeBlockInto(block, 0, block.length, out, 0, out.length)).toBe(data.length);
          expect(out.equals(data)).toBe(true);
        }),
      );
    });

    it('fails on bad offsets and output overflow without writing past the end', () => {
      // token: 1 literal, match 4 at offset 5 (before the start).
      const bad = Buffer.from([0x10, 0x41, 0x05, 0x00, 0x00]);
      expect(() => lz4DecodeBlockInto(bad, 0, bad.length, Buffer.alloc(100), 0, 100)).toThrow(Lz4BlockError);
      const data = Buffer.alloc(1000, 7);
      const block = rawBlock(data);
      const out = Buffer.alloc(1010, 0xee);
      try {
        lz4DecodeBlockInto(block, 0, block.length, out, 0, 500);
        throw new Error('expected overflow');
      } catch (e) {
        expect((e as Lz4BlockError).outputOverflow).toBe(true);
      }
      expect(out.subarray(500).every((b) => b === 0xee)).toBe(true);
    });
  });
});
