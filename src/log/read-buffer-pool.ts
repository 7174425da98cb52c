/**
 * Recycles the memory of fetch reads. Fresh memory is expensive (each first-touched page costs a
 * fault), and a consumer reading at full speed would otherwise fault in every byte it reads. A
 * read result carries `release()`: a caller that is done with the bytes (e.g. after the socket
 * write completed) hands the memory back; a caller that never releases just lets it be collected.
 *
 * Buffers come in power-of-two size classes from 64 KiB; smaller requests use Node's own pool.
 */

const MIN_CLASS_SHIFT = 16; // 64 KiB
const MAX_CLASS_SHIFT = 26; // 64 MiB

export class ReadBufferPool {
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

  get retainedBytes(): number {
    return this.retained;
  }
}

/** A process-wide pool shared by all logs. */
export const sharedReadBufferPool = new ReadBufferPool();
