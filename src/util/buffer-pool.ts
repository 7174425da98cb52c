/**
 * Recycles large buffers: fetch reads (src/log) and request frames assembled from socket chunks
 * (src/network). Fresh memory is expensive (each first-touched page costs a fault, ~21 µs per
 * 4 KiB on these machines), and a broker moving 1 GB/s would otherwise fault in every byte it
 * reads or receives, and leave the garbage collector to find the buffers again. A holder that is
 * done with a buffer (e.g. after the socket write completed) hands its memory back with
 * `release`; one that never releases just lets it be collected.
 *
 * Buffers come in power-of-two size classes from 64 KiB; smaller requests use Node's own pool.
 * Releasing is only safe when nothing can read or write the buffer any more: a released buffer
 * is handed out again, and its old holder would see another request's bytes.
 */

const MIN_CLASS_SHIFT = 16; // 64 KiB
const MAX_CLASS_SHIFT = 26; // 64 MiB

export class BufferPool {
  private readonly free: ArrayBuffer[][] = [];
  private readonly ours = new WeakSet<ArrayBuffer>();
  private retained = 0;

  constructor(private readonly maxRetainedBytes = 64 * 1024 * 1024) {
    for (let i = 0; i <= MAX_CLASS_SHIFT; i++) this.free.push([]);
  }

  /** A Buffer of exactly `size` bytes (contents unspecified). */
  alloc(size: number): Buffer {
    if (size < 1 << MIN_CLASS_SHIFT || size > 1 << MAX_CLASS_SHIFT) return Buffer.allocUnsafe(size);
    const shift = Math.max(MIN_CLASS_SHIFT, 32 - Math.clz32(size - 1));
    const list = this.free[shift]!;
    let ab = list.pop();
    if (ab) this.retained -= ab.byteLength;
    else {
      ab = new ArrayBuffer(1 << shift);
      this.ours.add(ab);
    }
    return Buffer.from(ab, 0, size);
  }

  /** Returns the memory behind `buf` (any view of a buffer from alloc) to the pool. */
  release(buf: Buffer): void {
    const ab = buf.buffer as ArrayBuffer;
    if (!this.ours.has(ab)) return;
    if (this.retained + ab.byteLength > this.maxRetainedBytes) return;
    const shift = 31 - Math.clz32(ab.byteLength);
    const list = this.free[shift]!;
    if (list.includes(ab)) return; // double release
    list.push(ab);
    this.retained += ab.byteLength;
  }

  /**
   * `buf` (a buffer from alloc, not yet released) lengthened to `size` bytes over the same
   * memory, contents kept; null when its pooled memory is not large enough or not ours.
   */
  extend(buf: Buffer, size: number): Buffer | null {
    const ab = buf.buffer as ArrayBuffer;
    if (!this.ours.has(ab) || buf.byteOffset + size > ab.byteLength) return null;
    return Buffer.from(ab, buf.byteOffset, size);
  }

  get retainedBytes(): number {
    return this.retained;
  }
}
