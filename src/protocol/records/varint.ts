/**
 * Zig-zag varints as used inside magic-2 records (Kafka's ByteUtils.readVarint/readVarlong):
 * zig-zag maps 0, -1, 1, -2 … to 0, 1, 2, 3 …, written 7 bits per byte, least significant group
 * first, high bit = more bytes follow. A varint takes at most 5 bytes, a varlong at most 10.
 *
 * Varlongs are decoded to JS numbers: values outside [-2^52, 2^52) (timestamp deltas of 140,000
 * years) are rejected as invalid rather than silently rounded.
 */
import { InvalidRecordError } from './errors';

/** A bounds-checked cursor over `buf[pos, end)`; every read throws InvalidRecordError past `end`. */
export class ByteReader {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  need(n: number, what: string): void {
    if (n > this.end - this.pos) throw new InvalidRecordError(`record data ends inside ${what} (${n} bytes needed, ${this.end - this.pos} left)`);
  }

  readInt8(): number {
    this.need(1, 'an int8');
    return this.buf.readInt8(this.pos++);
  }

  readVarint(): number {
    const buf = this.buf;
    let value = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new InvalidRecordError('record data ends inside a varint');
      const b = buf[this.pos++];
      value |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) break;
      shift += 7;
      if (shift > 28) throw new InvalidRecordError('varint is longer than 5 bytes');
    }
    return (value >>> 1) ^ -(value & 1);
  }

  readVarlong(): number {
    const buf = this.buf;
    let raw = 0;
    let scale = 1;
    for (let i = 0; ; i++) {
      if (this.pos >= this.end) throw new InvalidRecordError('record data ends inside a varlong');
      if (i === 10) throw new InvalidRecordError('varlong is longer than 10 bytes');
      const b = buf[this.pos++];
      raw += (b & 0x7f) * scale;
      if ((b & 0x80) === 0) break;
      scale *= 128;
    }
    if (raw > Number.MAX_SAFE_INTEGER) throw new InvalidRecordError('varlong is outside the range this broker handles [-2^52, 2^52)');
    return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
  }

  /** A length-prefixed (varint) byte slice of the underlying buffer, or null for length -1. */
  readVarBytes(what: string): Buffer | null {
    const len = this.skipVarBytes(what);
    return len < 0 ? null : this.buf.subarray(this.pos - len, this.pos);
  }

  /** Steps over a length-prefixed (varint) byte field; returns its length, -1 for null. */
  skipVarBytes(what: string): number {
    const len = this.readVarint();
    if (len < 0) {
      if (len === -1) return -1;
      throw new InvalidRecordError(`${what} has invalid length ${len}`);
    }
    this.need(len, what);
    this.pos += len;
    return len;
  }
}

/** Varlong values this module round-trips exactly: [-2^52, 2^52). */
export const isVarlongInRange = (value: number): boolean => Number.isInteger(value) && value >= -(2 ** 52) && value < 2 ** 52;

export function sizeOfVarint(value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (v >= 0x80) {
    v >>>= 7;
    bytes++;
  }
  return bytes;
}

export function writeVarint(buf: Buffer, pos: number, value: number): number {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}

const zigzag64 = (value: number): number => (value >= 0 ? value * 2 : -value * 2 - 1);

export function sizeOfVarlong(value: number): number {
  let v = zigzag64(value);
  let bytes = 1;
  while (v >= 128) {
    v = Math.floor(v / 128);
    bytes++;
  }
  return bytes;
}

export function writeVarlong(buf: Buffer, pos: number, value: number): number {
  let v = zigzag64(value);
  if (v < 0x80000000) {
    // Fits the 32-bit fast path (|value| < 2^30).
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    return pos;
  }
  while (v >= 128) {
    buf[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  buf[pos++] = v;
  return pos;
}
