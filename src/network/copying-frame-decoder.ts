/**
 * Splits a byte stream into Kafka frames like FrameDecoder, for sockets that read into one
 * reused buffer (Node's `onread` option, see listener.ts): every byte pushed is copied out
 * before `push` returns, because the caller's buffer is overwritten by the next read.
 *
 * Why: with Node's default reads, every socket read allocates a fresh 64 KiB buffer; a
 * producer sending 1 GB/s makes 16,000 of them a second, all garbage a moment later, and V8
 * answers that much external memory with a full garbage collection every few tens of
 * milliseconds. Reading into one buffer and copying each frame once into memory of its own
 * (from the BufferPool when large, given back through `recycle`) costs the same single copy
 * a frame spanning socket chunks already had, and allocates nothing per read.
 *
 * Same rules as FrameDecoder: the size is checked as soon as its 4 bytes are in, before
 * anything is allocated (a bad size makes `next()` throw InvalidFrameSizeError once the
 * frames before it have been taken); frames up to ASSEMBLY_INITIAL_BYTES get their full size
 * at once, larger ones grow as bytes arrive (a peer announcing 100 MB and trickling bytes
 * costs what it sent); returned frames are never written again unless recycled.
 */
import { InvalidFrameSizeError } from './errors';
import { allocFrameBuffer, ASSEMBLY_INITIAL_BYTES, checkMaxFrameBytes, FRAME_SIZE_PREFIX_BYTES, growFrameBuffer, type FrameSource } from './frame-decoder';
import type { BufferPool } from '../util/buffer-pool';
import { invariant } from '../util/invariant';

const EMPTY_FRAME = Buffer.alloc(0);

export class CopyingFrameDecoder implements FrameSource {
  /**
   * Whole frames copied out and not yet taken, then possibly the size error that ended the
   * stream. `readyBytes` counts them with their size prefixes, as FrameDecoder's bufferedBytes.
   */
  private ready: Array<Buffer | InvalidFrameSizeError> = [];
  private readyHead = 0;
  private readyBytes = 0;
  /** A bad size prefix was seen: everything after it is ignored. */
  private failed = false;
  private readonly prefix = Buffer.alloc(FRAME_SIZE_PREFIX_BYTES);
  private prefixFill = 0;
  /** Size of the frame being assembled, or -1 while its size prefix is incomplete. */
  private expected = -1;
  private assembly: Buffer | null = null;
  private assembled = 0;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly pool: BufferPool | null = null,
  ) {
    checkMaxFrameBytes(maxFrameBytes);
  }

  get bufferedBytes(): number {
    return this.readyBytes + this.prefixFill + this.assembled;
  }

  get pendingFrameSize(): number {
    return this.expected;
  }

  /** Copies `chunk` in (completing and queueing frames); the caller may overwrite it afterwards. */
  push(chunk: Buffer): void {
    const n = chunk.length;
    let off = 0;
    while (off < n && !this.failed) {
      if (this.expected < 0) {
        const take = Math.min(FRAME_SIZE_PREFIX_BYTES - this.prefixFill, n - off);
        chunk.copy(this.prefix, this.prefixFill, off, off + take);
        this.prefixFill += take;
        off += take;
        if (this.prefixFill < FRAME_SIZE_PREFIX_BYTES) return;
        this.prefixFill = 0;
        const size = this.prefix.readInt32BE(0);
        if (size < 0 || size > this.maxFrameBytes) {
          this.ready.push(new InvalidFrameSizeError(size, this.maxFrameBytes));
          this.failed = true;
          return;
        }
        if (size === 0) {
          this.ready.push(EMPTY_FRAME);
          this.readyBytes += FRAME_SIZE_PREFIX_BYTES;
          continue;
        }
        this.expected = size;
        this.assembly = allocFrameBuffer(this.pool, Math.min(size, Math.max(ASSEMBLY_INITIAL_BYTES, n - off)));
        this.assembled = 0;
      }
      const take = Math.min(this.expected - this.assembled, n - off);
      this.assembly = growFrameBuffer(this.pool, this.assembly as Buffer, this.assembled, this.assembled + take, this.expected);
      chunk.copy(this.assembly as Buffer, this.assembled, off, off + take);
      this.assembled += take;
      off += take;
      if (this.assembled === this.expected) {
        const frame = this.assembly as Buffer;
        invariant(frame.length === this.expected, () => `assembled frame is ${frame.length} bytes, expected ${this.expected}`);
        this.ready.push(frame);
        this.readyBytes += FRAME_SIZE_PREFIX_BYTES + frame.length;
        this.assembly = null;
        this.assembled = 0;
        this.expected = -1;
      }
    }
  }

  next(): Buffer | null {
    if (this.readyHead === this.ready.length) return null;
    const item = this.ready[this.readyHead]!;
    if (item instanceof InvalidFrameSizeError) throw item;
    this.ready[this.readyHead++] = EMPTY_FRAME;
    this.readyBytes -= FRAME_SIZE_PREFIX_BYTES + item.length;
    if (this.readyHead === this.ready.length) {
      this.ready.length = 0;
      this.readyHead = 0;
    } else if (this.readyHead >= 64 && this.readyHead * 2 >= this.ready.length) {
      this.ready = this.ready.slice(this.readyHead);
      this.readyHead = 0;
    }
    return item;
  }

  recycle(frame: Buffer): void {
    this.pool?.release(frame);
  }

  clear(): void {
    // Queued frames were never handed out: their memory can be reused.
    for (let i = this.readyHead; i < this.ready.length; i++) {
      const item = this.ready[i]!;
      if (Buffer.isBuffer(item)) this.pool?.release(item);
    }
    if (this.assembly) this.pool?.release(this.assembly);
    this.ready = [];
    this.readyHead = 0;
    this.readyBytes = 0;
    this.failed = false;
    this.prefixFill = 0;
    this.expected = -1;
    this.assembly = null;
    this.assembled = 0;
  }
}
