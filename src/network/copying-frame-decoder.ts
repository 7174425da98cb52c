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
 *
 * Direct reads: while a large frame is being assembled, the socket may read its next bytes
 * straight into the frame's unfilled part (`directTarget`, then `filledDirect`), which spares
 * the copy out of the shared buffer for most of a Produce request's bytes. A region handed out
 * belongs to the socket until its read completes, so `clear` never gives that frame's memory
 * back to the pool (the collector takes it), and bytes arriving in a region that is no longer
 * the current one are treated as an ordinary chunk.
 */
import { InvalidFrameSizeError } from './errors';
import { allocFrameBuffer, ASSEMBLY_INITIAL_BYTES, checkMaxFrameBytes, FRAME_SIZE_PREFIX_BYTES, growFrameBuffer, type FrameSource } from './frame-decoder';
import type { BufferPool } from '../util/buffer-pool';
import { invariant } from '../util/invariant';

const EMPTY_FRAME = Buffer.alloc(0);
/**
 * Smallest unfilled part of a frame worth a read of its own; below it the next read goes to the
 * shared buffer (one read can then also carry the frames that follow).
 */
export const DIRECT_READ_MIN_BYTES = 64 * 1024;

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
  /** The region last handed out by directTarget (a view of `assembly`), until it is filled. */
  private lent: Buffer | null = null;

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
    // A region lent for a direct read that did not happen (the socket read elsewhere): the
    // kernel might still write there, so the frame moves to memory of its own.
    if (this.lent !== null) this.abandonLent();
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
      if (this.assembled === this.expected) this.completeFrame();
    }
  }

  /**
   * Where the socket may read next without a copy: the unfilled part of the frame being
   * assembled, when at least DIRECT_READ_MIN_BYTES of it is allocated; else null.
   */
  directTarget(): Buffer | null {
    if (this.failed || this.assembly === null) return null;
    const room = this.assembly.length - this.assembled;
    if (room < DIRECT_READ_MIN_BYTES) return null;
    this.lent = this.assembly.subarray(this.assembled, this.assembly.length);
    return this.lent;
  }

  /** `n` bytes were read into `region`, which directTarget returned. */
  filledDirect(region: Buffer, n: number): void {
    invariant(n >= 0 && n <= region.length, () => `read of ${n} bytes into a region of ${region.length}`);
    if (region !== this.lent) {
      // Handed out before a clear: the bytes are still the stream's next ones.
      this.push(region.subarray(0, n));
      return;
    }
    this.lent = null;
    this.assembled += n;
    if (this.assembled === this.expected) this.completeFrame();
  }

  private abandonLent(): void {
    const old = this.assembly as Buffer;
    const moved = allocFrameBuffer(this.pool, old.length);
    old.copy(moved, 0, 0, this.assembled);
    this.assembly = moved;
    this.lent = null; // `old` is left to the collector
  }

  private completeFrame(): void {
    const frame = this.assembly as Buffer;
    invariant(frame.length === this.expected, () => `assembled frame is ${frame.length} bytes, expected ${this.expected}`);
    this.ready.push(frame);
    this.readyBytes += FRAME_SIZE_PREFIX_BYTES + frame.length;
    this.assembly = null;
    this.assembled = 0;
    this.expected = -1;
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
    // A frame whose memory a socket read may still fill is left to the collector.
    if (this.assembly && this.lent === null) this.pool?.release(this.assembly);
    this.lent = null;
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
