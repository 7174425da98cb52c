import fc from 'fast-check';
import { BufferPool } from '../../src/util/buffer-pool';
import { CopyingFrameDecoder, DIRECT_READ_MIN_BYTES } from '../../src/network/copying-frame-decoder';
import { InvalidFrameSizeError } from '../../src/network/errors';
import { ASSEMBLY_INITIAL_BYTES, FrameDecoder, type FrameSource } from '../../src/network/frame-decoder';
import { frame } from './helpers';

const KiB = 1024;
const MiB = 1024 * KiB;

function drain(d: FrameSource): Buffer[] {
  const out: Buffer[] = [];
  for (let f = d.next(); f !== null; f = d.next()) out.push(f);
  return out;
}

/** `size` bytes of deterministic noise from `seed` (distinct seeds give distinct contents). */
function noise(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  let x = (seed ^ 0x9e3779b9) | 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

function sizePrefix(size: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(size, 0);
  return b;
}

/**
 * Feeds `stream` to `d` in the chunks ending at `cuts`, through one reused buffer that is
 * overwritten with garbage right after each push, as the listener's shared read buffer is.
 */
function pushThroughSharedBuffer(d: CopyingFrameDecoder, stream: Buffer, cuts: number[], shared: Buffer): void {
  let pos = 0;
  for (const end of [...cuts, stream.length]) {
    if (end <= pos) continue;
    const view = shared.subarray(0, end - pos);
    stream.copy(view, 0, pos, end);
    d.push(view);
    view.fill(0xa5);
    pos = end;
  }
}

describe('CopyingFrameDecoder', () => {
  it('returns the same frames as FrameDecoder, and keeps no reference to the pushed memory (property)', () => {
    const small = fc.integer({ min: 0, max: 300 });
    const mixed = fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 0, max: 300 }) },
      { weight: 2, arbitrary: fc.integer({ min: 60 * KiB, max: 140 * KiB }) },
      // Larger than the initial assembly size: the assembly grows as bytes arrive.
      { weight: 2, arbitrary: fc.integer({ min: ASSEMBLY_INITIAL_BYTES + 1, max: ASSEMBLY_INITIAL_BYTES + 1536 * KiB }) },
    );
    fc.assert(
      fc.property(
        fc.record({
          // Many small frames (several frames per chunk, a long ready queue), or a few of any size.
          sizes: fc.oneof(fc.array(small, { maxLength: 150 }), fc.array(mixed, { minLength: 1, maxLength: 5 })),
          seed: fc.integer(),
          // Chunk ends anywhere in the stream (as fractions of its length)…
          cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 }),
          // …and close to frame boundaries (size prefixes split, 1-byte chunks).
          nearBoundaries: fc.array(fc.record({ frame: fc.nat(), delta: fc.integer({ min: -6, max: 6 }) }), { maxLength: 12 }),
          // Chunks longer than this are split further (the listener reads at most 256 KiB).
          maxChunk: fc.constantFrom(4 * KiB, 64 * KiB, 256 * KiB, Number.POSITIVE_INFINITY),
          // Whether to take the frames after a push, or let them queue up.
          drainAfter: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
          usePool: fc.boolean(),
          // With a pool: which returned frames are given back (their memory may be reused).
          recycle: fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
        }),
        ({ sizes, seed, cuts, nearBoundaries, maxChunk, drainAfter, usePool, recycle }) => {
          const payloads = sizes.map((n, i) => noise(n, seed + i));
          const stream = Buffer.concat(payloads.map(frame));
          const boundaries: number[] = [];
          for (let i = 0, at = 0; i < payloads.length; i++) {
            boundaries.push(at);
            at += 4 + payloads[i].length;
          }
          const ends = new Set<number>();
          for (const c of cuts) ends.add(Math.floor(c * stream.length));
          if (boundaries.length > 0) {
            for (const { frame: f, delta } of nearBoundaries) {
              const at = boundaries[f % boundaries.length] + delta;
              if (at > 0 && at < stream.length) ends.add(at);
            }
          }
          const sorted = [...ends].filter((e) => e > 0 && e < stream.length).sort((a, b) => a - b);
          const chunkEnds: number[] = [];
          let prev = 0;
          for (const end of [...sorted, stream.length]) {
            for (let at = prev + maxChunk; at < end; at += maxChunk) chunkEnds.push(at);
            chunkEnds.push(end);
            prev = end;
          }

          const pool = usePool ? new BufferPool() : null;
          const copying = new CopyingFrameDecoder(4 * MiB, pool);
          const reference = new FrameDecoder(4 * MiB);
          const shared = Buffer.alloc(Math.min(stream.length, maxChunk) + 1);
          const got: Buffer[] = [];
          const kept: Array<{ frame: Buffer; index: number }> = [];
          let gotRef = 0;

          const takeAndCompare = (): void => {
            const fromCopying = drain(copying);
            const fromReference = drain(reference);
            expect(fromCopying.length).toBe(fromReference.length);
            for (let i = 0; i < fromCopying.length; i++) {
              const index = got.length;
              const f = fromCopying[i];
              expect(f.equals(fromReference[i])).toBe(true);
              expect(f.equals(payloads[index])).toBe(true);
              got.push(f);
              if (pool && recycle[index % recycle.length]) copying.recycle(f);
              else kept.push({ frame: f, index });
            }
            gotRef += fromReference.length;
            expect(copying.bufferedBytes).toBe(reference.bufferedBytes);
            expect(copying.pendingFrameSize).toBe(reference.pendingFrameSize);
          };

          let pos = 0;
          chunkEnds.forEach((end, i) => {
            if (end <= pos) return;
            const len = end - pos;
            const view = shared.subarray(0, len);
            stream.copy(view, 0, pos, end);
            copying.push(view);
            view.fill((i * 37 + 11) & 0xff); // the next read overwrites the shared buffer
            reference.push(Buffer.from(stream.subarray(pos, end)));
            pos = end;
            if (drainAfter[i % drainAfter.length] || end === stream.length) takeAndCompare();
          });
          if (stream.length === 0) takeAndCompare();

          expect(got.length).toBe(payloads.length);
          expect(gotRef).toBe(payloads.length);
          expect(copying.bufferedBytes).toBe(0);
          expect(copying.pendingFrameSize).toBe(-1);
          // Frames not given back were never written again, whatever was reused meanwhile.
          for (const { frame: f, index } of kept) expect(f.equals(payloads[index])).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('reads the rest of large frames in place (directTarget), with the same frames as FrameDecoder (property)', () => {
    const size = fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 300 }) },
      { weight: 2, arbitrary: fc.integer({ min: 60 * KiB, max: 140 * KiB }) },
      { weight: 2, arbitrary: fc.integer({ min: ASSEMBLY_INITIAL_BYTES + 1, max: ASSEMBLY_INITIAL_BYTES + 1536 * KiB }) },
    );
    fc.assert(
      fc.property(
        fc.record({
          sizes: fc.array(size, { minLength: 1, maxLength: 5 }),
          seed: fc.integer(),
          // Each read: into the lent region when there is one (a part of it), or into the shared
          // buffer — also right after a region was lent and not used (Node asked, then read elsewhere).
          reads: fc.array(
            fc.record({ direct: fc.boolean(), skipLent: fc.boolean(), fraction: fc.double({ min: 0, max: 1, noNaN: true }), len: fc.integer({ min: 1, max: 256 * KiB }) }),
            { minLength: 1, maxLength: 30 },
          ),
          usePool: fc.boolean(),
        }),
        ({ sizes, seed, reads, usePool }) => {
          const payloads = sizes.map((n, i) => noise(n, seed + i));
          const stream = Buffer.concat(payloads.map(frame));
          const copying = new CopyingFrameDecoder(4 * MiB, usePool ? new BufferPool() : null);
          const reference = new FrameDecoder(4 * MiB);
          const shared = Buffer.alloc(256 * KiB);
          const got: Buffer[] = [];
          let direct = 0;
          // Reads of a few bytes keep their boundary cases on small streams; on multi-MiB streams
          // they would mean millions of iterations (minutes for one unlucky seed), so a read
          // takes at least 1/2000 of the stream.
          const minStep = Math.ceil(stream.length / 2000);
          for (let pos = 0, i = 0; pos < stream.length; i++) {
            const r = reads[i % reads.length];
            const region = r.direct ? copying.directTarget() : null;
            let k: number;
            if (region && !r.skipLent) {
              expect(region.length).toBeGreaterThanOrEqual(DIRECT_READ_MIN_BYTES);
              k = Math.max(1, Math.min(region.length, stream.length - pos, Math.max(minStep, Math.ceil(region.length * r.fraction))));
              stream.copy(region, 0, pos, pos + k);
              copying.filledDirect(region, k);
              direct += k;
            } else {
              k = Math.min(Math.max(r.len, minStep), stream.length - pos);
              const view = shared.subarray(0, k);
              stream.copy(view, 0, pos, pos + k);
              copying.push(view);
              view.fill(0xa5);
              if (region) region.fill(0x5a); // the kernel may still write into a region lent and not used
            }
            reference.push(Buffer.from(stream.subarray(pos, pos + k)));
            pos += k;
            const a = drain(copying);
            const b = drain(reference);
            expect(a.length).toBe(b.length);
            for (let j = 0; j < a.length; j++) {
              expect(a[j].equals(b[j])).toBe(true);
              got.push(a[j]);
            }
            expect(copying.bufferedBytes).toBe(reference.bufferedBytes);
          }
          expect(got.length).toBe(payloads.length);
          got.forEach((f, j) => expect(f.equals(payloads[j])).toBe(true));
          if (direct > 0) expect(sizes.some((n) => n >= DIRECT_READ_MIN_BYTES)).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('lends nothing for small frames or small remainders, and lends the whole rest of a 1 MiB frame', () => {
    const d = new CopyingFrameDecoder(4 * MiB, new BufferPool());
    expect(d.directTarget()).toBeNull(); // between frames
    const big = frame(noise(1 * MiB, 7));
    d.push(big.subarray(0, 1000));
    const region = d.directTarget()!;
    expect(region.length).toBe(1 * MiB - (1000 - 4));
    big.copy(region, 0, 1000, big.length - 100);
    d.filledDirect(region, region.length - 100);
    expect(d.directTarget()).toBeNull(); // 100 bytes left: the next read goes to the shared buffer
    d.push(big.subarray(big.length - 100));
    expect(d.next()!.equals(big.subarray(4))).toBe(true);
    d.push(frame(noise(50 * KiB, 8)).subarray(0, 10));
    expect(d.directTarget()).toBeNull(); // a frame smaller than DIRECT_READ_MIN_BYTES
  });

  it('clear() leaves a lent frame to the collector, and bytes read into it afterwards are an ordinary chunk', () => {
    const pool = new BufferPool();
    const d = new CopyingFrameDecoder(4 * MiB, pool);
    d.push(frame(noise(1 * MiB, 9)).subarray(0, 500));
    const region = d.directTarget()!;
    d.clear(); // the connection closes while the socket may still fill `region`
    expect(pool.retainedBytes).toBe(0);
    const small = frame(noise(20, 10));
    small.copy(region, 0);
    d.filledDirect(region, small.length);
    expect(d.next()!.equals(small.subarray(4))).toBe(true);
  });

  it('returns frames queued in one push in order, however many there are', () => {
    const d = new CopyingFrameDecoder(1024);
    const first = Array.from({ length: 200 }, (_, i) => noise(i % 7, i));
    const second = Array.from({ length: 90 }, (_, i) => noise(5, 1000 + i));
    const shared = Buffer.alloc(8192);
    pushThroughSharedBuffer(d, Buffer.concat(first.map(frame)), [], shared);
    const got: Buffer[] = [];
    for (let i = 0; i < 150; i++) got.push(d.next() as Buffer);
    pushThroughSharedBuffer(d, Buffer.concat(second.map(frame)), [], shared);
    got.push(...drain(d));
    expect(got).toEqual([...first, ...second]);
    expect(d.bufferedBytes).toBe(0);
  });

  it('copies a frame that lies inside one chunk out of it', () => {
    const d = new CopyingFrameDecoder(1024);
    const chunk = frame(Buffer.from('hello world'));
    d.push(chunk);
    chunk.fill(0);
    const f = d.next() as Buffer;
    expect(f.toString()).toBe('hello world');
    expect(f.buffer).not.toBe(chunk.buffer);
  });

  it('returns an empty frame for size 0', () => {
    const d = new CopyingFrameDecoder(1024);
    d.push(Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 9]));
    expect(d.next()?.length).toBe(0);
    expect(d.next()?.equals(Buffer.from([9]))).toBe(true);
    expect(d.next()).toBeNull();
  });

  describe('a bad size prefix', () => {
    it.each([
      ['over the maximum', 1025],
      ['negative', -2],
    ])('(%s) is thrown by next() only after the frames before it were returned; later bytes are ignored', (_name, badSize) => {
      const a = noise(10, 1);
      const b = noise(1000, 2);
      const stream = Buffer.concat([frame(a), frame(b), sizePrefix(badSize), frame(noise(20, 3))]);
      for (const cuts of [[], [3, 16, 1016, 1020], Array.from({ length: stream.length - 1 }, (_, i) => i + 1)]) {
        const d = new CopyingFrameDecoder(1024);
        pushThroughSharedBuffer(d, stream, cuts, Buffer.alloc(stream.length));
        expect(d.next()?.equals(a)).toBe(true);
        expect(d.next()?.equals(b)).toBe(true);
        let thrown: unknown;
        try {
          d.next();
        } catch (e) {
          thrown = e;
        }
        expect(thrown).toBeInstanceOf(InvalidFrameSizeError);
        expect((thrown as InvalidFrameSizeError).size).toBe(badSize);
        expect((thrown as InvalidFrameSizeError).maxSize).toBe(1024);
        // The stream is over: more bytes (even whole frames) change nothing.
        d.push(frame(Buffer.from('more')));
        expect(() => d.next()).toThrow(InvalidFrameSizeError);
        expect(d.pendingFrameSize).toBe(-1);
      }
    });

    it('is detected as soon as its 4 bytes are in, before anything is allocated for it', () => {
      const pool = new BufferPool();
      const alloc = jest.spyOn(pool, 'alloc');
      const d = new CopyingFrameDecoder(104_857_600, pool);
      const prefix = sizePrefix(104_857_601);
      d.push(prefix.subarray(0, 2));
      expect(d.next()).toBeNull();
      d.push(Buffer.concat([prefix.subarray(2), Buffer.alloc(1000)]));
      expect(() => d.next()).toThrow(InvalidFrameSizeError);
      expect(alloc).not.toHaveBeenCalled();
    });
  });

  it('does not allocate the announced size of a frame that trickles in', () => {
    const pool = new BufferPool();
    const alloc = jest.spyOn(pool, 'alloc');
    const d = new CopyingFrameDecoder(104_857_600, pool);
    d.push(sizePrefix(100_000_000));
    d.push(Buffer.alloc(10));
    expect(d.next()).toBeNull();
    expect(d.pendingFrameSize).toBe(100_000_000);
    expect(d.bufferedBytes).toBe(10);
    expect(alloc).toHaveBeenCalledTimes(1);
    expect(alloc.mock.calls[0][0]).toBeLessThanOrEqual(ASSEMBLY_INITIAL_BYTES);

    // As more arrives, the assembly grows with what was sent, not with what was announced.
    const chunk = Buffer.alloc(256 * KiB, 7);
    let sent = 10;
    while (sent < 5 * MiB) {
      d.push(chunk);
      sent += chunk.length;
      expect(d.bufferedBytes).toBe(sent);
      const largest = Math.max(...alloc.mock.calls.map((c) => c[0]));
      expect(largest).toBeLessThanOrEqual(Math.max(ASSEMBLY_INITIAL_BYTES, 2 * sent));
    }
    expect(d.next()).toBeNull();
    expect(d.pendingFrameSize).toBe(100_000_000);
  });

  it('does not allocate the announced size without a pool either', () => {
    const allocUnsafe = jest.spyOn(Buffer, 'allocUnsafe');
    try {
      const d = new CopyingFrameDecoder(104_857_600);
      const stream = Buffer.concat([sizePrefix(100_000_000), Buffer.alloc(10)]);
      d.push(stream);
      expect(d.next()).toBeNull();
      expect(d.bufferedBytes).toBe(10);
      const sizes = allocUnsafe.mock.calls.map((c) => c[0]);
      expect(sizes.length).toBeGreaterThan(0);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(ASSEMBLY_INITIAL_BYTES);
    } finally {
      allocUnsafe.mockRestore();
    }
  });

  describe('with a BufferPool', () => {
    function feed(d: CopyingFrameDecoder, payload: Buffer, shared: Buffer): Buffer {
      const stream = frame(payload);
      const cuts: number[] = [];
      for (let at = shared.length; at < stream.length; at += shared.length) cuts.push(at);
      pushThroughSharedBuffer(d, stream, cuts, shared);
      const got = drain(d);
      expect(got).toHaveLength(1);
      return got[0];
    }

    it.each([
      ['1 MiB (assembled at its full size at once)', 1 * MiB],
      ['the initial assembly size', ASSEMBLY_INITIAL_BYTES],
      ['2 MiB + 8 (a 2 MiB body and its header: grown once, into the next size class)', 2 * MiB + 8],
    ])('makes the next large frame reuse the ArrayBuffer of a recycled one: %s', (_name, size) => {
      const pool = new BufferPool();
      const d = new CopyingFrameDecoder(8 * MiB, pool);
      const shared = Buffer.alloc(256 * KiB);
      const first = noise(size, 1);
      const f1 = feed(d, first, shared);
      expect(f1.equals(first)).toBe(true);
      d.recycle(f1);
      for (let i = 2; i <= 4; i++) {
        const p = noise(size - (i % 2), i);
        const f = feed(d, p, shared);
        expect(f.buffer).toBe(f1.buffer);
        expect(f.length).toBe(p.length);
        expect(f.equals(p)).toBe(true);
        d.recycle(f);
      }
    });

    it.each([
      ['1.5 MiB', 1536 * KiB],
      ['3 MiB', 3 * MiB],
    ])('allocates no new memory for the frames after a recycled one (%s)', (_name, size) => {
      const pool = new BufferPool();
      const alloc = jest.spyOn(pool, 'alloc');
      const d = new CopyingFrameDecoder(8 * MiB, pool);
      const shared = Buffer.alloc(256 * KiB);
      const f1 = feed(d, noise(size, 1), shared);
      d.recycle(f1);
      const known = new Set(alloc.mock.results.map((r) => (r.value as Buffer).buffer));
      const callsBefore = alloc.mock.calls.length;
      for (let i = 2; i <= 5; i++) {
        const p = noise(size, i);
        const f = feed(d, p, shared);
        expect(known.has(f.buffer)).toBe(true);
        expect(f.equals(p)).toBe(true);
        d.recycle(f);
      }
      expect(alloc.mock.calls.length).toBeGreaterThan(callsBefore);
      for (const r of alloc.mock.results) expect(known.has((r.value as Buffer).buffer)).toBe(true);
    });

    it('does not reuse a frame that was not recycled', () => {
      const pool = new BufferPool();
      const d = new CopyingFrameDecoder(8 * MiB, pool);
      const shared = Buffer.alloc(256 * KiB);
      const p1 = noise(3 * MiB, 1);
      const f1 = feed(d, p1, shared);
      const f2 = feed(d, noise(3 * MiB, 2), shared);
      expect(f2.buffer).not.toBe(f1.buffer);
      expect(f1.equals(p1)).toBe(true);
    });

    it('clear() gives queued frames and the partial assembly back to the pool', () => {
      const pool = new BufferPool();
      const d = new CopyingFrameDecoder(8 * MiB, pool);
      const a = noise(100_000, 1); // 128 KiB class
      const b = noise(300_000, 2); // 512 KiB class
      const partial = frame(noise(2 * MiB, 3)).subarray(0, 1 * MiB); // assembly: 2 MiB class
      d.push(Buffer.concat([frame(a), frame(b), partial]));
      expect(pool.retainedBytes).toBe(0);
      d.clear();
      expect(d.bufferedBytes).toBe(0);
      expect(d.pendingFrameSize).toBe(-1);
      expect(d.next()).toBeNull();
      expect(pool.retainedBytes).toBe(128 * KiB + 512 * KiB + 2 * MiB);
    });

    it('clear() does not give back frames already returned', () => {
      const pool = new BufferPool();
      const d = new CopyingFrameDecoder(8 * MiB, pool);
      const a = noise(100_000, 1);
      d.push(Buffer.concat([frame(a), frame(noise(100_000, 2))]));
      const taken = d.next() as Buffer;
      d.clear();
      expect(pool.retainedBytes).toBe(128 * KiB); // only the queued one
      const next = pool.alloc(100_000);
      expect(next.buffer).not.toBe(taken.buffer);
      expect(taken.equals(a)).toBe(true);
    });
  });

  it('refuses a maximum outside the int32 range', () => {
    expect(() => new CopyingFrameDecoder(2 ** 31)).toThrow(/maxFrameBytes/);
    expect(() => new CopyingFrameDecoder(-1)).toThrow(/maxFrameBytes/);
  });
});
