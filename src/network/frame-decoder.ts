/**
 * Splits a byte stream into Kafka frames: a 4-byte big-endian signed size,
 * then that many bytes of payload. Sans-IO: the connection pushes socket
 * chunks in and pulls whole frames out with `next()`, so it can stop pulling
 * while it applies back-pressure and leave the rest buffered here.
 *
 * Memory rules:
 * - The size is checked as soon as its 4 bytes are in, before anything is
 *   allocated for the payload; a bad size throws InvalidFrameSizeError
 *   (Kafka: InvalidReceiveException, then the connection is closed).
 * - A frame that lies inside one chunk is returned as a slice of that chunk
 *   (no copy).
 * - A frame that spans chunks is assembled in one buffer, handed out at
 *   exactly the frame's size. Frames up to 1.0625 MiB get their full size at
 *   once (one copy per byte). Larger ones start there and double as bytes
 *   arrive, capped at the frame's size, so a peer that announces 100 MB and
 *   trickles bytes costs about what it has sent, not what it announced, and
 *   each byte is copied at most twice. Either way there is no quadratic
 *   re-concatenation, and tiny chunks are not kept as a long list of objects.
 * - Returned frames are never reused or written to again, unless given back
 *   with `recycle` (a handler that is done with every byte of its request,
 *   see ConnectionContext.recycleFrame): with a BufferPool, assembled frames
 *   come from it and recycled ones go back to it, so a producer sending
 *   1 MiB batches does not fault in fresh memory for each request.
 */
import { InvalidFrameSizeError } from './errors';
import type { BufferPool } from '../util/buffer-pool';
import { invariant } from '../util/invariant';

export const FRAME_SIZE_PREFIX_BYTES = 4;

/**
 * Frames up to this size are assembled in a buffer of their full size; larger ones grow from it.
 * A little over 1 MiB so that a Produce request carrying one 1 MiB batch (the Java client's and
 * librdkafka's common batch.size ceiling) plus its headers is copied once.
 */
export const ASSEMBLY_INITIAL_BYTES = 1024 * 1024 + 64 * 1024;

/** What a connection pulls frames from: FrameDecoder, or CopyingFrameDecoder for reused read buffers. */
export interface FrameSource {
  /** Bytes received and not yet returned as part of a frame. */
  readonly bufferedBytes: number;
  /** Declared size of the frame being read, or -1 if its size prefix is not complete. */
  readonly pendingFrameSize: number;
  push(chunk: Buffer): void;
  /** The next whole frame, or null; throws InvalidFrameSizeError on a bad size prefix. */
  next(): Buffer | null;
  /** Takes back a returned frame nothing references any more (its memory may be reused). */
  recycle(frame: Buffer): void;
  /** Drops everything buffered (connection closing). */
  clear(): void;
}

/** Checks a decoder's frame size limit (both decoders share it). */
export function checkMaxFrameBytes(maxFrameBytes: number): void {
  invariant(
    Number.isInteger(maxFrameBytes) && maxFrameBytes >= 0 && maxFrameBytes <= 0x7fffffff,
    () => `maxFrameBytes must be an integer in [0, 2^31-1], got ${maxFrameBytes}`,
  );
}

/** Memory for a frame being assembled: from the pool when there is one. */
export function allocFrameBuffer(pool: BufferPool | null, n: number): Buffer {
  return pool ? pool.alloc(n) : Buffer.allocUnsafe(n);
}

/**
 * `current` (holding `filled` bytes of a frame of `frameSize`) grown to hold `needed` bytes:
 * doubling, capped at the frame size. Pooled memory comes in power-of-two sizes, so the buffer
 * may already have room; otherwise the bytes move to a new buffer and the old one goes back.
 */
export function growFrameBuffer(pool: BufferPool | null, current: Buffer, filled: number, needed: number, frameSize: number): Buffer {
  if (needed <= current.length) return current;
  const target = Math.min(frameSize, Math.max(needed, current.length * 2));
  const extended = pool?.extend(current, target);
  if (extended) return extended;
  const grown = allocFrameBuffer(pool, target);
  current.copy(grown, 0, 0, filled);
  pool?.release(current); // never handed out
  return grown;
}

export class FrameDecoder implements FrameSource {
  /** Chunks pushed and not yet consumed; `chunks[head]` is read from `headOffset`. */
  private chunks: Buffer[] = [];
  private head = 0;
  private headOffset = 0;
  /** Bytes in `chunks` not yet consumed. */
  private queued = 0;
  /** Size of the frame being read, or -1 while its size prefix is incomplete. */
  private expected = -1;
  /** Partial frame being assembled across chunks, or null. */
  private assembly: Buffer | null = null;
  private assembled = 0;
  /** Scratch space for a size prefix split across chunks (never handed out, so reusable). */
  private readonly prefix = Buffer.alloc(FRAME_SIZE_PREFIX_BYTES);

  constructor(
    private readonly maxFrameBytes: number,
    /** Where assembled frames come from and recycled ones go; none: fresh memory each time. */
    private readonly pool: BufferPool | null = null,
  ) {
    checkMaxFrameBytes(maxFrameBytes);
  }

  /** Bytes received and not yet returned as part of a frame (size prefixes of unread frames included). */
  get bufferedBytes(): number {
    return this.queued + this.assembled;
  }

  /** Declared size of the frame being read, or -1 if its size prefix is not complete. */
  get pendingFrameSize(): number {
    return this.expected;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.queued += chunk.length;
  }

  /**
   * The next whole frame's payload (without its size prefix), or null when
   * more bytes are needed. Throws InvalidFrameSizeError on a bad size prefix;
   * the decoder is then unusable (the connection must be closed).
   */
  next(): Buffer | null {
    if (this.expected < 0) {
      if (this.queued < FRAME_SIZE_PREFIX_BYTES) return null;
      const size = this.readSizePrefix();
      if (size < 0 || size > this.maxFrameBytes) throw new InvalidFrameSizeError(size, this.maxFrameBytes);
      this.expected = size;
      if (size === 0) {
        this.expected = -1;
        return Buffer.alloc(0);
      }
    }
    const size = this.expected;
    if (this.assembly === null) {
      if (this.queued === 0) return null;
      const chunk = this.chunks[this.head];
      if (chunk.length - this.headOffset >= size) {
        const frame = chunk.subarray(this.headOffset, this.headOffset + size);
        this.consume(size);
        this.expected = -1;
        return frame;
      }
      this.assembly = allocFrameBuffer(this.pool, Math.min(size, Math.max(ASSEMBLY_INITIAL_BYTES, this.queued)));
    }
    while (this.assembled < size && this.queued > 0) {
      const chunk = this.chunks[this.head];
      const take = Math.min(size - this.assembled, chunk.length - this.headOffset);
      this.assembly = growFrameBuffer(this.pool, this.assembly, this.assembled, this.assembled + take, size);
      chunk.copy(this.assembly, this.assembled, this.headOffset, this.headOffset + take);
      this.assembled += take;
      this.consume(take);
    }
    if (this.assembled < size) return null;
    const frame = this.assembly;
    invariant(frame.length === size, () => `assembled frame is ${frame.length} bytes, expected ${size}`);
    this.assembly = null;
    this.assembled = 0;
    this.expected = -1;
    return frame;
  }

  /**
   * Takes back a frame this decoder returned, once nothing references its bytes: its memory may
   * be handed out again for a later frame. Frames that are views of socket chunks (not
   * assembled) are simply dropped.
   */
  recycle(frame: Buffer): void {
    this.pool?.release(frame);
  }

  /** Drops everything buffered (connection closing). */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.headOffset = 0;
    this.queued = 0;
    this.expected = -1;
    if (this.assembly) this.pool?.release(this.assembly); // never handed out
    this.assembly = null;
    this.assembled = 0;
  }


  private readSizePrefix(): number {
    const chunk = this.chunks[this.head];
    if (chunk.length - this.headOffset >= FRAME_SIZE_PREFIX_BYTES) {
      const size = chunk.readInt32BE(this.headOffset);
      this.consume(FRAME_SIZE_PREFIX_BYTES);
      return size;
    }
    let written = 0;
    while (written < FRAME_SIZE_PREFIX_BYTES) {
      const c = this.chunks[this.head];
      const take = Math.min(FRAME_SIZE_PREFIX_BYTES - written, c.length - this.headOffset);
      c.copy(this.prefix, written, this.headOffset, this.headOffset + take);
      written += take;
      this.consume(take);
    }
    return this.prefix.readInt32BE(0);
  }

  /** Consumes `n` bytes from the head chunk, dropping it once used up. */
  private consume(n: number): void {
    this.queued -= n;
    this.headOffset += n;
    if (this.headOffset < this.chunks[this.head].length) return;
    this.chunks[this.head] = EMPTY; // let the chunk be collected
    this.head++;
    this.headOffset = 0;
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head >= 64 && this.head * 2 >= this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

const EMPTY = Buffer.alloc(0);
