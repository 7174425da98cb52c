/**
 * Growable writer for encoding messages. Small values are written into a scratch chunk; large
 * byte payloads (record batches in Fetch responses) are appended by reference so that they are
 * never copied. The result is a list of Buffers for one writev, or one Buffer on request.
 */
import { EncodeError } from './errors';

/** Payloads at least this large are appended by reference rather than copied. */
const REF_THRESHOLD = 512;
const MIN_CHUNK = 1024;

export class Writer {
  private chunks: Buffer[] = [];
  private buf: Buffer;
  private start = 0;
  private pos = 0;
  private total = 0;

  constructor(initialSize = MIN_CHUNK) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.total + (this.pos - this.start);
  }

  private ensure(n: number): void {
    if (this.buf.length - this.pos >= n) return;
    this.flushChunk();
    // Grow geometrically with the message so big messages take few chunks.
    const size = Math.max(n, MIN_CHUNK, Math.min(this.total, 1 << 20));
    this.buf = Buffer.allocUnsafe(size);
    this.start = 0;
    this.pos = 0;
  }

  private flushChunk(): void {
    if (this.pos > this.start) {
      this.chunks.push(this.buf.subarray(this.start, this.pos));
      this.total += this.pos - this.start;
      this.start = this.pos;
    }
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  uint16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  uint32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }

  int64(v: bigint): void {
    this.ensure(8);
    this.buf.writeBigInt64BE(v, this.pos);
    this.pos += 8;
  }

  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  uvarint(v: number): void {
    if (v < 0 || v > 0xffffffff || !Number.isInteger(v)) throw new EncodeError(`unsigned varint out of range: ${v}`);
    this.ensure(5);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** Signed zig-zag varint (32 bits). */
  varint(v: number): void {
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  uuid(v: string): void {
    const b = Buffer.from(v, 'base64url');
    if (b.length !== 16) throw new EncodeError(`uuid must be 16 bytes (22 base64url characters): "${v}"`);
    this.ensure(16);
    b.copy(this.buf, this.pos);
    this.pos += 16;
  }

  private utf8(v: string, len: number): void {
    this.ensure(len);
    this.buf.write(v, this.pos, len, 'utf8');
    this.pos += len;
  }

  string(v: string | null): void {
    if (v === null) {
      this.int16(-1);
      return;
    }
    const len = Buffer.byteLength(v, 'utf8');
    if (len > 0x7fff) throw new EncodeError(`string of ${len} bytes is longer than 32767`);
    this.int16(len);
    this.utf8(v, len);
  }

  compactString(v: string | null): void {
    if (v === null) {
      this.uvarint(0);
      return;
    }
    const len = Buffer.byteLength(v, 'utf8');
    this.uvarint(len + 1);
    this.utf8(v, len);
  }

  /** Appends raw bytes, by reference when large. */
  raw(b: Buffer): void {
    if (b.length >= REF_THRESHOLD) {
      this.flushChunk();
      this.chunks.push(b);
      this.total += b.length;
      return;
    }
    this.ensure(b.length);
    b.copy(this.buf, this.pos);
    this.pos += b.length;
  }

  bytes(v: Buffer | null): void {
    if (v === null) {
      this.int32(-1);
      return;
    }
    this.int32(v.length);
    this.raw(v);
  }

  compactBytes(v: Buffer | null): void {
    if (v === null) {
      this.uvarint(0);
      return;
    }
    this.uvarint(v.length + 1);
    this.raw(v);
  }

  /** The encoded bytes as a list of buffers (for writev). */
  toBuffers(): Buffer[] {
    this.flushChunk();
    return this.chunks;
  }

  /** The encoded bytes as one buffer (copies only when there is more than one chunk). */
  toBuffer(): Buffer {
    const list = this.toBuffers();
    if (list.length === 1) return list[0];
    return Buffer.concat(list, this.total);
  }
}
