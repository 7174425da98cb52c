import { BufferPool } from '../../src/util/buffer-pool';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('BufferPool', () => {
  it('hands out a buffer of exactly the size asked for, over a power-of-two ArrayBuffer of its own', () => {
    const pool = new BufferPool();
    for (const size of [64 * KiB, 64 * KiB + 1, 100_000, 1 * MiB, 1 * MiB + 1, 3 * MiB + 7, 64 * MiB]) {
      const buf = pool.alloc(size);
      expect(buf.length).toBe(size);
      expect(buf.byteOffset).toBe(0);
      const capacity = buf.buffer.byteLength;
      expect(capacity).toBeGreaterThanOrEqual(size);
      expect(capacity).toBeLessThan(2 * size);
      expect(capacity & (capacity - 1)).toBe(0); // a power of two
    }
  });

  it('reuses the ArrayBuffer of a released buffer for the next buffer of the same size class', () => {
    const pool = new BufferPool();
    const a = pool.alloc(100_000);
    a.fill(1);
    pool.release(a);
    expect(pool.retainedBytes).toBe(128 * KiB);
    const b = pool.alloc(70_000); // 128 KiB class too
    expect(b.buffer).toBe(a.buffer);
    expect(b.length).toBe(70_000);
    expect(pool.retainedBytes).toBe(0);
    // Handed out again: the next buffer of that class is fresh memory.
    const c = pool.alloc(100_000);
    expect(c.buffer).not.toBe(a.buffer);
  });

  it('takes any view of a pooled buffer back', () => {
    const pool = new BufferPool();
    const a = pool.alloc(200_000);
    pool.release(a.subarray(10, 20));
    expect(pool.retainedBytes).toBe(256 * KiB);
    expect(pool.alloc(200_000).buffer).toBe(a.buffer);
  });

  it('does not hand a released buffer out for another size class', () => {
    const pool = new BufferPool();
    const a = pool.alloc(100_000); // 128 KiB class
    pool.release(a);
    const b = pool.alloc(300_000); // 512 KiB class
    expect(b.buffer).not.toBe(a.buffer);
    const c = pool.alloc(65_536); // 64 KiB class
    expect(c.buffer).not.toBe(a.buffer);
    expect(pool.retainedBytes).toBe(128 * KiB);
  });

  it.each([
    ['empty', 0],
    ['1 byte', 1],
    ['just under 64 KiB', 64 * KiB - 1],
    ['just over 64 MiB', 64 * MiB + 1],
  ])('bypasses the pool for sizes outside its classes (%s): exact length, release does nothing', (_name, size) => {
    const pool = new BufferPool();
    const a = pool.alloc(size);
    expect(a.length).toBe(size);
    pool.release(a);
    expect(pool.retainedBytes).toBe(0);
    if (size > 4 * KiB) {
      // Not kept: the next buffer of that size is other memory.
      expect(pool.alloc(size).buffer).not.toBe(a.buffer);
    }
  });

  it('keeps no more than maxRetainedBytes; what does not fit is left to the garbage collector', () => {
    const pool = new BufferPool(256 * KiB);
    const bufs = [pool.alloc(100_000), pool.alloc(100_000), pool.alloc(100_000)]; // 128 KiB each
    for (const b of bufs) pool.release(b);
    expect(pool.retainedBytes).toBe(256 * KiB); // exactly at the cap is allowed, the third is dropped
    const again = [pool.alloc(100_000), pool.alloc(100_000), pool.alloc(100_000)];
    expect(pool.retainedBytes).toBe(0);
    const reused = again.filter((b) => bufs.some((x) => x.buffer === b.buffer));
    expect(reused).toHaveLength(2);
    expect(again[2].buffer).not.toBe(bufs[2].buffer);
    expect(new Set(again.map((b) => b.buffer)).size).toBe(3);
  });

  it('drops a buffer that would push the pool over its cap even when smaller ones still fit', () => {
    const pool = new BufferPool(1 * MiB);
    const big = pool.alloc(2 * MiB);
    pool.release(big);
    expect(pool.retainedBytes).toBe(0);
    const small = pool.alloc(1 * MiB);
    pool.release(small);
    expect(pool.retainedBytes).toBe(1 * MiB);
  });

  it('counts a double release once and never hands the same memory to two holders', () => {
    const pool = new BufferPool();
    const a = pool.alloc(100_000);
    pool.release(a);
    pool.release(a);
    pool.release(a.subarray(1));
    expect(pool.retainedBytes).toBe(128 * KiB);
    const b = pool.alloc(100_000);
    const c = pool.alloc(100_000);
    expect(b.buffer).toBe(a.buffer);
    expect(c.buffer).not.toBe(b.buffer);
    expect(pool.retainedBytes).toBe(0);
  });

  it('ignores buffers it did not allocate', () => {
    const pool = new BufferPool();
    const foreign = [
      Buffer.allocUnsafe(100_000),
      Buffer.alloc(128 * KiB),
      Buffer.from(new ArrayBuffer(128 * KiB)),
      new BufferPool().alloc(100_000), // another pool's
    ];
    for (const f of foreign) pool.release(f);
    expect(pool.retainedBytes).toBe(0);
    const b = pool.alloc(100_000);
    for (const f of foreign) expect(b.buffer).not.toBe(f.buffer);
  });
});
