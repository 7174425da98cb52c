import fc from 'fast-check';
import { xxhash32 } from '../../../src/protocol/compression/xxhash32';

describe('xxhash32', () => {
  it('matches the reference XXH32 vectors (seed 0)', () => {
    expect(xxhash32(Buffer.alloc(0))).toBe(0x02cc5d05);
    expect(xxhash32(Buffer.from('a'))).toBe(0x550d7456);
    expect(xxhash32(Buffer.from('abc'))).toBe(0x32d153ff);
    expect(xxhash32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });

  it('gives the LZ4 header checksum Kafka writes for FLG 0x60 BD 0x40', () => {
    // Kafka's Java client frame header: 04 22 4d 18 60 40 82.
    expect((xxhash32(Buffer.from([0x60, 0x40])) >>> 8) & 0xff).toBe(0x82);
  });

  it('hashes a sub-range like the same bytes on their own', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(20), fc.nat(20), (bytes, pre, post) => {
        const padded = Buffer.concat([Buffer.alloc(pre, 7), bytes, Buffer.alloc(post, 9)]);
        expect(xxhash32(padded, pre, pre + bytes.length)).toBe(xxhash32(Buffer.from(bytes)));
      }),
    );
  });
});
