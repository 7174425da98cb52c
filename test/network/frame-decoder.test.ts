import fc from 'fast-check';
import { InvalidFrameSizeError } from '../../src/network/errors';
import { FrameDecoder } from '../../src/network/frame-decoder';
import { frame } from './helpers';

function drain(d: FrameDecoder): Buffer[] {
  const out: Buffer[] = [];
  for (let f = d.next(); f !== null; f = d.next()) out.push(f);
  return out;
}

function payloads(...sizes: number[]): Buffer[] {
  return sizes.map((n, i) => Buffer.alloc(n, (i + 1) & 0xff));
}

describe('FrameDecoder', () => {
  it('returns a frame that arrives in one chunk as a slice of that chunk, without copying', () => {
    const chunk = frame(Buffer.from('hello world'));
    const d = new FrameDecoder(1024);
    d.push(chunk);
    const f = d.next();
    expect(f?.toString()).toBe('hello world');
    expect(f?.buffer).toBe(chunk.buffer);
    expect(f?.byteOffset).toBe(chunk.byteOffset + 4);
    expect(d.next()).toBeNull();
    expect(d.bufferedBytes).toBe(0);
  });

  it('returns several frames from one chunk, each a slice of it', () => {
    const ps = payloads(1, 0, 300, 8);
    const chunk = Buffer.concat(ps.map(frame));
    const d = new FrameDecoder(1024);
    d.push(chunk);
    const out = drain(d);
    expect(out).toEqual(ps);
    for (const f of out) if (f.length > 0) expect(f.buffer).toBe(chunk.buffer);
  });

  it('reassembles a stream split at every byte boundary', () => {
    const ps = payloads(5, 0, 17, 1, 9);
    const stream = Buffer.concat(ps.map(frame));
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new FrameDecoder(1024);
      const got: Buffer[] = [];
      d.push(stream.subarray(0, cut));
      got.push(...drain(d));
      d.push(stream.subarray(cut));
      got.push(...drain(d));
      expect(got).toEqual(ps);
      expect(d.bufferedBytes).toBe(0);
    }
  });

  it('reassembles a stream fed one byte at a time', () => {
    const ps = payloads(3, 12, 0, 40);
    const stream = Buffer.concat(ps.map(frame));
    const d = new FrameDecoder(1024);
    const got: Buffer[] = [];
    for (let i = 0; i < stream.length; i++) {
      d.push(stream.subarray(i, i + 1));
      got.push(...drain(d));
    }
    expect(got).toEqual(ps);
  });

  it('reassembles any chunking of any sequence of frames (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }),
        (arrays, cuts) => {
          const ps = arrays.map((a) => Buffer.from(a));
          const stream = Buffer.concat(ps.map(frame));
          const d = new FrameDecoder(1024);
          const got: Buffer[] = [];
          let pos = 0;
          let i = 0;
          while (pos < stream.length) {
            const n = cuts[i++ % cuts.length];
            d.push(stream.subarray(pos, pos + n));
            pos += n;
            got.push(...drain(d));
          }
          expect(got).toEqual(ps);
          expect(d.bufferedBytes).toBe(0);
          expect(d.pendingFrameSize).toBe(-1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('copies a frame that spans chunks into a buffer of exactly its size', () => {
    const p = Buffer.alloc(1000, 7);
    const stream = frame(p);
    const d = new FrameDecoder(2000);
    d.push(stream.subarray(0, 500));
    expect(d.next()).toBeNull();
    expect(d.pendingFrameSize).toBe(1000);
    d.push(stream.subarray(500));
    const f = d.next() as Buffer;
    expect(f.equals(p)).toBe(true);
    expect(f.buffer).not.toBe(stream.buffer);
  });

  it('does not allocate the announced size up front for a frame that trickles in', () => {
    const d = new FrameDecoder(104_857_600);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(100_000_000, 0);
    d.push(prefix);
    d.push(Buffer.alloc(10));
    const before = process.memoryUsage().arrayBuffers;
    expect(d.next()).toBeNull();
    expect(d.pendingFrameSize).toBe(100_000_000);
    expect(d.bufferedBytes).toBe(10);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(10_000_000);
  });

  it('reassembles large frames from small chunks in linear time', () => {
    // A decoder that re-concatenated its buffer on every chunk would copy
    // ~n²/2 bytes here (~550 GB for the 1-byte case), far beyond the timeout.
    const big = Buffer.alloc(1 << 20);
    for (let i = 0; i < big.length; i++) big[i] = i * 31;
    const stream = frame(big);
    for (const chunkSize of [1, 1024]) {
      const d = new FrameDecoder(1 << 21);
      const started = Date.now();
      let got: Buffer | null = null;
      for (let pos = 0; pos < stream.length; pos += chunkSize) {
        d.push(stream.subarray(pos, pos + chunkSize));
        got = d.next() ?? got;
      }
      expect(got?.equals(big)).toBe(true);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });

  it('accepts a frame of exactly the maximum size', () => {
    const d = new FrameDecoder(16);
    d.push(frame(Buffer.alloc(16, 1)));
    expect(d.next()?.length).toBe(16);
  });

  it('rejects a size above the maximum as soon as the 4 size bytes are in, before any payload', () => {
    const d = new FrameDecoder(104_857_600);
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(104_857_601, 0);
    d.push(prefix.subarray(0, 2));
    expect(d.next()).toBeNull();
    d.push(prefix.subarray(2));
    let thrown: unknown;
    try {
      d.next();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InvalidFrameSizeError);
    expect((thrown as InvalidFrameSizeError).size).toBe(104_857_601);
    expect((thrown as InvalidFrameSizeError).maxSize).toBe(104_857_600);
    expect((thrown as InvalidFrameSizeError).code).toBe('ERR_NETWORK_INVALID_FRAME_SIZE');
  });

  it('rejects a negative size', () => {
    const d = new FrameDecoder(1024);
    d.push(Buffer.from([0xff, 0xff, 0xff, 0xfe]));
    expect(() => d.next()).toThrow(/invalid frame size -2 \(negative\)/);
  });

  it('returns an empty frame for size 0 (the connection decides what to do with it)', () => {
    const d = new FrameDecoder(1024);
    d.push(Buffer.from([0, 0, 0, 0, 0, 0, 0, 1, 9]));
    expect(d.next()?.length).toBe(0);
    expect(d.next()?.equals(Buffer.from([9]))).toBe(true);
  });

  it('drops everything on clear()', () => {
    const d = new FrameDecoder(1024);
    d.push(frame(Buffer.alloc(10)).subarray(0, 7));
    expect(d.next()).toBeNull();
    d.clear();
    expect(d.bufferedBytes).toBe(0);
    expect(d.pendingFrameSize).toBe(-1);
    d.push(frame(Buffer.from('x')));
    expect(d.next()?.toString()).toBe('x');
  });

  it('refuses a maximum outside the int32 range', () => {
    expect(() => new FrameDecoder(2 ** 31)).toThrow(/maxFrameBytes/);
    expect(() => new FrameDecoder(-1)).toThrow(/maxFrameBytes/);
  });
});
