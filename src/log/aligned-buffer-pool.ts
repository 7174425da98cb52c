/**
 * Page-aligned staging buffers for direct (O_DIRECT) log writes (direct-appender.ts).
 *
 * A direct write must come from memory aligned to the device's DMA alignment (512 bytes on the
 * virtio disks here; 4 KiB covers every common device). Node's Buffers come from malloc and are
 * only 16-byte aligned; the backing store of a WebAssembly.Memory is allocated page-aligned by
 * V8, so the pool carves fixed-size chunks out of such memories ("arenas").
 *
 * Chunks are reused, never freed: fresh memory costs a page fault per 4 KiB on these machines,
 * and a direct write's whole point is to stop paying that for page-cache pages. At most
 * `maxChunks` exist; a taker beyond that waits for one to be given back, which bounds the
 * memory when many logs write at once (1,000 partitions).
 */

/** The one part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
declare const WebAssembly: { Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer } };

const WASM_PAGE = 65536;

/** A page-aligned buffer of `size` bytes (rounded up to 64 KiB pages), zero-filled, not pooled. */
export function alignedBuffer(size: number): Buffer {
  const pages = Math.ceil(size / WASM_PAGE);
  return Buffer.from(new WebAssembly.Memory({ initial: pages }).buffer, 0, size);
}

export interface AlignedBufferPoolOptions {
  /** Bytes per chunk; a multiple of 64 KiB. */
  chunkBytes?: number;
  /** Chunks per arena (one WebAssembly.Memory). */
  chunksPerArena?: number;
  /** Most chunks that may exist at once. */
  maxChunks?: number;
}

export class AlignedBufferPool {
  readonly chunkBytes: number;
  private readonly chunksPerArena: number;
  private readonly maxChunks: number;
  private readonly free: Buffer[] = [];
  private readonly waiters: Array<(b: Buffer) => void> = [];
  private created = 0;

  constructor(opts: AlignedBufferPoolOptions = {}) {
    this.chunkBytes = opts.chunkBytes ?? 1024 * 1024;
    this.chunksPerArena = opts.chunksPerArena ?? 8;
    this.maxChunks = opts.maxChunks ?? 32;
    if (this.chunkBytes <= 0 || this.chunkBytes % WASM_PAGE !== 0) throw new RangeError(`chunkBytes must be a positive multiple of ${WASM_PAGE}`);
    if (this.maxChunks < 1 || this.chunksPerArena < 1) throw new RangeError('maxChunks and chunksPerArena must be at least 1');
  }

  /** Chunks that exist (in use or free). */
  get chunks(): number {
    return this.created;
  }

  /** A chunk of `chunkBytes` (contents unspecified); waits while all `maxChunks` are in use. */
  take(): Buffer | Promise<Buffer> {
    const b = this.free.pop();
    if (b) return b;
    if (this.created < this.maxChunks) {
      this.addArena();
      return this.free.pop()!;
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Gives a chunk from take() back. */
  give(b: Buffer): void {
    const w = this.waiters.shift();
    if (w) w(b);
    else this.free.push(b);
  }

  private addArena(): void {
    const n = Math.min(this.chunksPerArena, this.maxChunks - this.created);
    const arena = alignedBuffer(n * this.chunkBytes);
    for (let i = 0; i < n; i++) this.free.push(arena.subarray(i * this.chunkBytes, (i + 1) * this.chunkBytes));
    this.created += n;
  }
}
