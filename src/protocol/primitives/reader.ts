/**
 * Bounds-checked reader over a received frame. Every read checks the bytes that remain first,
 * and every length or count is checked against what remains before anything is allocated, so a
 * malformed frame yields one typed MalformedMessageError and never an oversized allocation.
 * Variable-length data (bytes, records) is returned as slices of the frame: no copy.
 */
import { MalformedMessageError } from './errors';

const EMPTY = Buffer.alloc(0);

export class Reader {
  pos: number;
  readonly end: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  fail(what: string): never {
    throw new MalformedMessageError(`${what} at byte ${this.pos} (${this.remaining} bytes remain)`);
  }

  private need(n: number, what: string): void {
    if (this.end - this.pos < n) this.fail(`truncated ${what}: need ${n} bytes`);
  }

  int8(): number {
    this.need(1, 'int8');
    return this.buf.readInt8(this.pos++);
  }

  bool(): boolean {
    this.need(1, 'bool');
    return this.buf[this.pos++] !== 0;
  }

  int16(): number {
    this.need(2, 'int16');
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  uint16(): number {
    this.need(2, 'uint16');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(): number {
    this.need(4, 'int32');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  uint32(): number {
    this.need(4, 'uint32');
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(): bigint {
    this.need(8, 'int64');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  float64(): number {
    this.need(8, 'float64');
    const v = this.buf.readDoubleBE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Unsigned LEB128 varint of at most 5 bytes (32 bits), as used for compact lengths and tags. */
  uvarint(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (result > 0xffffffff) this.fail('varint out of range');
        return result;
      }
      shift += 7;
    }
    return this.fail('varint longer than 5 bytes');
  }

  /** Signed zig-zag varint (32 bits). */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  uuid(): string {
    this.need(16, 'uuid');
    const s = this.buf.toString('base64url', this.pos, this.pos + 16);
    this.pos += 16;
    return s;
  }

  private utf8(len: number): string {
    this.need(len, 'string');
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    this.pos += len;
    return s;
  }

  /** int16-length string; -1 is null. */
  string(): string {
    const len = this.int16();
    if (len < 0) this.fail(`null or negative string length ${len} for a non-nullable string`);
    return this.utf8(len);
  }

  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < 0) this.fail(`negative string length ${len}`);
    return this.utf8(len);
  }

  /** Compact string: uvarint length+1; 0 is null. */
  compactString(): string {
    const n = this.uvarint();
    if (n === 0) this.fail('null compact string for a non-nullable string');
    return this.utf8(n - 1);
  }

  compactNullableString(): string | null {
    const n = this.uvarint();
    return n === 0 ? null : this.utf8(n - 1);
  }

  private slice(len: number, what: string): Buffer {
    if (len === 0) return EMPTY;
    this.need(len, what);
    const b = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return b;
  }

  bytes(): Buffer {
    const len = this.int32();
    if (len < 0) this.fail(`negative bytes length ${len} for non-nullable bytes`);
    return this.slice(len, 'bytes');
  }

  nullableBytes(): Buffer | null {
    const len = this.int32();
    if (len === -1) return null;
    if (len < 0) this.fail(`negative bytes length ${len}`);
    return this.slice(len, 'bytes');
  }

  compactBytes(): Buffer {
    const n = this.uvarint();
    if (n === 0) this.fail('null compact bytes for non-nullable bytes');
    return this.slice(n - 1, 'bytes');
  }

  compactNullableBytes(): Buffer | null {
    const n = this.uvarint();
    return n === 0 ? null : this.slice(n - 1, 'bytes');
  }

  /**
   * Array length (int32, -1 = null). `minElemSize` is the fewest bytes one element can take;
   * a count that cannot fit in the remaining bytes is rejected before anything is allocated.
   */
  arrayLength(minElemSize: number): number {
    const n = this.int32();
    if (n < -1) this.fail(`negative array length ${n}`);
    if (n > 0 && n * Math.max(1, minElemSize) > this.remaining) this.fail(`array of ${n} elements larger than the frame`);
    return n;
  }

  compactArrayLength(minElemSize: number): number {
    const n = this.uvarint() - 1;
    if (n > 0 && n * Math.max(1, minElemSize) > this.remaining) this.fail(`array of ${n} elements larger than the frame`);
    return n;
  }

  /** A sub-reader over the next `len` bytes (for tagged field values); advances past them. */
  sub(len: number): Reader {
    this.need(len, 'tagged field');
    const r = new Reader(this.buf, this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  /** Raw bytes (unknown tagged fields), as a slice. */
  raw(len: number): Buffer {
    return this.slice(len, 'raw bytes');
  }
}
