import fc from 'fast-check';
import { DirectIo } from '../../src/log/direct-io';
import { DirectReadahead, DirectReader } from '../../src/log/direct-readahead';
import { LogFs } from '../../src/log/log-fs';

const MiB = 1024 * 1024;

describe('DirectIo write policy', () => {
  it('switches appends to O_DIRECT at the on-rate and back below the off-rate, measured over 200 ms', () => {
    const d = new DirectIo({ onBytesPerSec: 400 * MiB, offBytesPerSec: 100 * MiB });
    let t = 1000;
    const feed = (bytesPerSec: number, ms: number): void => {
      for (let i = 0; i < ms / 10; i++) d.noteAppended((bytesPerSec * 10) / 1000, (t += 10));
    };
    expect(d.writeDirect).toBe(false);
    feed(300 * MiB, 1000);
    expect(d.writeDirect).toBe(false);
    feed(500 * MiB, 500);
    expect(d.writeDirect).toBe(true);
    // Between the two rates nothing changes (no flapping).
    feed(200 * MiB, 1000);
    expect(d.writeDirect).toBe(true);
    feed(50 * MiB, 500);
    expect(d.writeDirect).toBe(false);
    // A pause then one small append: the long window has a low rate.
    feed(500 * MiB, 500);
    expect(d.writeDirect).toBe(true);
    d.noteAppended(1000, (t += 60_000));
    expect(d.writeDirect).toBe(false);
  });

  it('with an on-rate of 0 always writes directly', () => {
    const d = new DirectIo({ onBytesPerSec: 0 });
    expect(d.writeDirect).toBe(true);
    d.noteAppended(1, 0);
    d.noteAppended(1, 100_000);
    expect(d.writeDirect).toBe(true);
  });

  it('reads directly only large reads far enough behind the end of the log', () => {
    const d = new DirectIo({ readMinBytes: 64 * 1024, readLagBytes: 64 * MiB });
    expect(d.readDirect(MiB, 100 * MiB)).toBe(true);
    expect(d.readDirect(MiB, 10 * MiB)).toBe(false); // a consumer tailing the log
    expect(d.readDirect(4096, 100 * MiB)).toBe(false);
    expect(d.readDirect(MiB, Infinity)).toBe(true); // a segment before the active one
  });
});

/** A segment file in memory, read with O_DIRECT's alignment rules (512-byte blocks). */
function memSegment(data: Buffer, direct = true): DirectReader & { reads: number; gen: number } {
  const seg = {
    reads: 0,
    gen: 0,
    generation: () => seg.gen,
    directFd: async () => (direct ? 7 : -1),
    fsys: {
      read: async (_fd: number, buf: Buffer, off: number, len: number, position: number) => {
        if (position % 512 !== 0 || (len % 512 !== 0 && position + len < data.length)) throw Object.assign(new Error('EINVAL'), { code: 'EINVAL' });
        seg.reads++;
        return data.copy(buf, off, position, Math.min(data.length, position + len));
      },
    } as unknown as LogFs,
  };
  return seg;
}

describe('DirectReadahead', () => {
  const file = Buffer.from(Array.from({ length: 5 * MiB + 777 }, (_, i) => (i * 131 + 7) & 0xff));

  it('returns the bytes asked for, from one read ahead, for any sequence of reads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: file.length }), fc.integer({ min: 1, max: 3 * MiB })), { minLength: 1, maxLength: 20 }), async (reads) => {
        const ra = new DirectReadahead(2 * MiB, 2);
        const seg = memSegment(file);
        for (const [pos, len] of reads) {
          const out = Buffer.alloc(len);
          const n = await ra.read(seg, out, len, pos, file.length);
          const want = Math.max(0, Math.min(len, file.length - pos));
          expect(n).toBe(want);
          expect(out.subarray(0, n).equals(file.subarray(pos, pos + n))).toBe(true);
        }
      }),
      { numRuns: 30 },
    );
  });

  it('serves sequential reads of one segment from its window, and never reads past the committed size', async () => {
    const ra = new DirectReadahead(2 * MiB, 4);
    const seg = memSegment(file);
    const out = Buffer.alloc(300_000);
    for (let pos = 0; pos < 1_800_000; pos += 300_000) await ra.read(seg, out, 300_000, pos, file.length);
    expect(seg.reads).toBe(2); // one window of 2 MiB, read in two 1 MiB requests
    // A limit below the file's length (the committed size): bytes after it are never returned.
    const n = await ra.read(seg, Buffer.alloc(MiB), MiB, 3 * MiB, 3 * MiB + 10);
    expect(n).toBe(10);
  });

  it('rereads after a truncation, and answers -1 without direct I/O', async () => {
    const ra = new DirectReadahead(2 * MiB, 4);
    const seg = memSegment(file);
    await ra.read(seg, Buffer.alloc(100), 100, 0, file.length);
    const before = seg.reads;
    seg.gen++;
    await ra.read(seg, Buffer.alloc(100), 100, 200, file.length);
    expect(seg.reads).toBeGreaterThan(before);
    expect(await ra.read(memSegment(file, false), Buffer.alloc(100), 100, 0, file.length)).toBe(-1);
  });

  it('keeps windows for at most maxSegments segments, reusing the least recently used', async () => {
    const ra = new DirectReadahead(MiB, 2);
    const a = memSegment(file);
    const b = memSegment(file);
    const c = memSegment(file);
    for (const s of [a, b, c]) await ra.read(s, Buffer.alloc(10), 10, 0, file.length);
    const readsOfA = a.reads;
    await ra.read(a, Buffer.alloc(10), 10, 20, file.length); // a's window was given to c
    expect(a.reads).toBeGreaterThan(readsOfA);
    const readsOfC = c.reads;
    await ra.read(c, Buffer.alloc(10), 10, 30, file.length);
    expect(c.reads).toBe(readsOfC);
  });
});
