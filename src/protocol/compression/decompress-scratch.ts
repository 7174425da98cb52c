/**
 * Reusable output memory for decompressed data that is read and dropped before the next
 * decompression (the produce path's record checks, which keep nothing of the records).
 *
 * Why: a 1 MiB batch from librdkafka is sixty-odd lz4 blocks of 64 KiB, joined into one buffer
 * before the records are walked. A fresh buffer of that size comes from new pages, and first
 * touches of new memory are slow on the machines we measured (~21 µs per 4 KiB page, so ~1 GB/s
 * for a fresh buffer against >10 GB/s for reused memory; bench/README.md, "Fresh memory").
 */
const MIN_CAPACITY = 64 * 1024;

export class DecompressScratch {
  private buf: Buffer | undefined;

  /** `maxKeptBytes`: larger outputs get fresh memory each time, so one huge batch is not kept. */
  constructor(readonly maxKeptBytes = 4 * 1024 * 1024) {}

  /** `size` bytes of memory; what an earlier `take` returned is overwritten by the next use. */
  take(size: number): Buffer {
    if (size > this.maxKeptBytes) return Buffer.allocUnsafe(size);
    if (this.buf === undefined || this.buf.length < size) {
      const grown = Math.max(size, MIN_CAPACITY, 2 * (this.buf?.length ?? 0));
      this.buf = Buffer.allocUnsafeSlow(Math.min(grown, this.maxKeptBytes));
    }
    return this.buf.subarray(0, size);
  }

  /** Bytes held between uses (for tests and diagnostics). */
  get capacity(): number {
    return this.buf?.length ?? 0;
  }
}
