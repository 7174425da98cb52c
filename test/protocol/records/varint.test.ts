import fc from 'fast-check';
import { ByteReader, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../../../src/protocol/records/varint';
import { InvalidRecordError } from '../../../src/protocol/records/errors';

const encodeVarint = (n: number): string => {
  const b = Buffer.alloc(5);
  return b.subarray(0, writeVarint(b, 0, n)).toString('hex');
};
const encodeVarlong = (n: number): string => {
  const b = Buffer.alloc(10);
  return b.subarray(0, writeVarlong(b, 0, n)).toString('hex');
};
const reader = (hex: string): ByteReader => {
  const b = Buffer.from(hex, 'hex');
  return new ByteReader(b, 0, b.length);
};

describe('zig-zag varints', () => {
  it('encodes the documented examples', () => {
    expect(encodeVarint(0)).toBe('00');
    expect(encodeVarint(-1)).toBe('01');
    expect(encodeVarint(1)).toBe('02');
    expect(encodeVarint(5)).toBe('0a');
    expect(encodeVarint(16)).toBe('20');
    expect(encodeVarint(64)).toBe('8001');
    expect(encodeVarint(2147483647)).toBe('feffffff0f');
    expect(encodeVarint(-2147483648)).toBe('ffffffff0f');
    expect(encodeVarlong(-1)).toBe('01');
    expect(encodeVarlong(1700000000000)).toBe('80a0abfef962');
    expect(encodeVarlong(-(2 ** 40))).toBe('ffffffffff3f');
  });

  it('round-trips every int32 varint', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (n) => {
        const hex = encodeVarint(n);
        expect(hex.length / 2).toBe(sizeOfVarint(n));
        const r = reader(hex);
        expect(r.readVarint()).toBe(n);
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('round-trips varlongs across [-2^52, 2^52)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 }), (n) => {
        const hex = encodeVarlong(n);
        expect(hex.length / 2).toBe(sizeOfVarlong(n));
        expect(reader(hex).readVarlong()).toBe(n);
      }),
    );
  });

  it('rejects overlong and truncated encodings', () => {
    expect(() => reader('ffffffffff01').readVarint()).toThrow(InvalidRecordError);
    expect(() => reader('80').readVarint()).toThrow(InvalidRecordError);
    expect(() => reader('').readVarint()).toThrow(InvalidRecordError);
    expect(() => reader('ffffffffffffffffffff01').readVarlong()).toThrow(InvalidRecordError);
    expect(() => reader('ffff').readVarlong()).toThrow(InvalidRecordError);
    // A full 64-bit varlong is legal Kafka but beyond ±2^52: refused rather than rounded.
    expect(() => reader('feffffffffffffffff01').readVarlong()).toThrow(/range/);
    const edge = Buffer.alloc(10);
    expect(() => new ByteReader(edge, 0, writeVarlong(edge, 0, 2 ** 52)).readVarlong()).toThrow(/range/);
  });

  it('reads byte slices without copying and rejects impossible lengths', () => {
    const buf = Buffer.from('06616263', 'hex');
    const r = new ByteReader(buf, 0, buf.length);
    const s = r.readVarBytes('key')!;
    expect(s.toString()).toBe('abc');
    expect(s.buffer).toBe(buf.buffer);
    expect(reader('01').readVarBytes('key')).toBeNull();
    expect(() => reader('03').readVarBytes('key')).toThrow(/invalid length -2/);
    expect(() => reader('feffffff0f').readVarBytes('key')).toThrow(InvalidRecordError);
  });
});
