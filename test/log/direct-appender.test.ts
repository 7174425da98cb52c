import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { AlignedBufferPool } from '../../src/log/aligned-buffer-pool';
import { DIRECT_BLOCK, DirectAppender } from '../../src/log/direct-appender';
import { FileStat, LogFs, OpenMode, nodeLogFs } from '../../src/log/log-fs';
import { hasDirectIo, tempDir } from './support/tmp';

/**
 * An in-memory file system with O_DIRECT's rules for descriptors opened 'direct': a write's
 * position and length must be multiples of 512 (EINVAL otherwise), as on Linux. Only what
 * DirectAppender uses.
 */
class AlignedMemFs implements Partial<LogFs> {
  async writev(fd: number, bufs: readonly Buffer[], position: number): Promise<number> {
    return this.write(fd, Buffer.concat(bufs), 0, bufs.reduce((n, b) => n + b.length, 0), position);
  }
  readonly files = new Map<string, Buffer>();
  private readonly fds = new Map<number, { path: string; direct: boolean }>();
  private next = 3;
  readonly writes: Array<{ position: number; length: number; direct: boolean }> = [];
  failWrites = 0;
  /** Fails the write call with this index (counting every write from 0). */
  failCall = -1;
  calls = 0;
  /** When set, a write lands (and completes) only when the promise this returns resolves. */
  gate: (() => Promise<void>) | null = null;

  async open(path: string, mode: OpenMode): Promise<number> {
    if (!this.files.has(path)) {
      if (mode === 'direct' || mode === 'r' || mode === 'r+') throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      this.files.set(path, Buffer.alloc(0));
    }
    const fd = this.next++;
    this.fds.set(fd, { path, direct: mode === 'direct' });
    return fd;
  }
  async close(fd: number): Promise<void> {
    this.fds.delete(fd);
  }
  async read(fd: number, buf: Buffer, off: number, len: number, position: number): Promise<number> {
    const data = this.files.get(this.fds.get(fd)!.path)!;
    return data.copy(buf, off, position, Math.min(data.length, position + len));
  }
  async write(fd: number, buf: Buffer, off: number, len: number, position: number): Promise<number> {
    const f = this.fds.get(fd)!;
    if (f.direct && (position % DIRECT_BLOCK !== 0 || len % DIRECT_BLOCK !== 0)) throw Object.assign(new Error('EINVAL'), { code: 'EINVAL' });
    if (this.gate) await this.gate();
    if (this.failWrites > 0 || this.calls++ === this.failCall) {
      this.failWrites = Math.max(0, this.failWrites - 1);
      throw Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC' });
    }
    this.writes.push({ position, length: len, direct: f.direct });
    let data = this.files.get(f.path)!;
    if (data.length < position + len) {
      const grown = Buffer.alloc(position + len);
      data.copy(grown);
      data = grown;
    }
    buf.copy(data, position, off, off + len);
    this.files.set(f.path, data);
    return len;
  }
  async ftruncate(fd: number, len: number): Promise<void> {
    const f = this.fds.get(fd)!;
    const data = this.files.get(f.path)!;
    const out = Buffer.alloc(len);
    data.copy(out, 0, 0, Math.min(len, data.length));
    this.files.set(f.path, out);
  }
  async fstat(fd: number): Promise<FileStat> {
    return { size: this.files.get(this.fds.get(fd)!.path)!.length, mtimeMs: 0, isDirectory: false };
  }
}

/**
 * Lets the scheduler land writes until every one of `writes` has settled (a write waiting for a
 * pool chunk is issued only some promise hops after another one lands, which a single waitAll
 * may not see).
 */
async function settle(s: fc.Scheduler, writes: Promise<void>[]): Promise<PromiseSettledResult<void>[]> {
  let done = false;
  const all = Promise.allSettled(writes).then((r) => {
    done = true;
    return r;
  });
  while (!done) {
    await s.waitAll();
    await new Promise((r) => setImmediate(r));
  }
  return all;
}

/**
 * An appender on `path` (holding `initial` bytes) of an AlignedMemFs whose writes land when the
 * scheduler says, with a pool of four 64 KiB chunks.
 */
async function pipelined(s: fc.Scheduler, path: string, initial: number) {
  const fs = new AlignedMemFs();
  const fsys = fs as unknown as LogFs;
  fs.files.set(path, bytes(initial, 99));
  const bufferedFd = await fsys.open(path, 'r+');
  const pool = new AlignedBufferPool({ chunkBytes: 65536, chunksPerArena: 2, maxChunks: 4 });
  const a = await DirectAppender.open(fsys, path, bufferedFd, pool);
  await a.prime(initial);
  fs.gate = () => s.schedule(Promise.resolve());
  return { fs, fsys, pool, bufferedFd, a };
}

const bytes = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (seed * 31 + i * 7 + 1) & 0xff));

describe('DirectAppender', () => {
  it('writes direct appends as aligned writes between buffered ones, and the file holds exactly the appends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            sizes: fc.array(fc.integer({ min: 0, max: 70_000 }), { minLength: 1, maxLength: 3 }),
            // How the log queue writes this group: with the appender, or through the page cache.
            direct: fc.boolean(),
            reopen: fc.boolean(),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.integer({ min: 0, max: 3000 }),
        async (steps, initial) => {
          const fs = new AlignedMemFs();
          const fsys = fs as unknown as LogFs;
          const path = '/seg.log';
          const expected: Buffer[] = [bytes(initial, 99)];
          fs.files.set(path, Buffer.from(expected[0]!));
          const bufferedFd = await fsys.open(path, 'r+');
          const pool = new AlignedBufferPool({ chunkBytes: 65536, chunksPerArena: 2, maxChunks: 3 });
          let a = await DirectAppender.open(fsys, path, bufferedFd, pool);
          let end = initial;
          for (const [i, step] of steps.entries()) {
            const bufs = step.sizes.map((n, j) => bytes(n, i * 3 + j));
            if (step.direct) await a.write(bufs, end);
            else await fsys.writev(bufferedFd, bufs, end);
            for (const b of bufs) end += b.length;
            expected.push(...bufs);
            const file = fs.files.get(path)!;
            // Every byte appended is in place; what follows (up to a block end) is padding.
            expect(file.subarray(0, end).equals(Buffer.concat(expected))).toBe(true);
            expect(file.length).toBeLessThan(alignUpTest(end) + DIRECT_BLOCK);
            if (step.reopen) {
              await a.close(end);
              expect(fs.files.get(path)!.length).toBe(end);
              a = await DirectAppender.open(fsys, path, bufferedFd, pool);
            }
          }
          await a.close(end);
          expect(fs.files.get(path)!.equals(Buffer.concat(expected))).toBe(true);
          for (const w of fs.writes.filter((x) => x.direct)) expect((w.position % DIRECT_BLOCK) + (w.length % DIRECT_BLOCK)).toBe(0);
          expect(pool.chunks).toBeLessThanOrEqual(3);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('pipelines writes: each issued at once, landing in any order, the file holds exactly the appends', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.array(fc.integer({ min: 0, max: 150_000 }), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 10 }),
        fc.integer({ min: 0, max: 5000 }),
        async (s, groups, initial) => {
          const { fs, pool, a } = await pipelined(s, '/p.log', initial);
          const expected: Buffer[] = [bytes(initial, 99)];
          const writes: Promise<void>[] = [];
          let end = initial;
          for (const [i, sizes] of groups.entries()) {
            const bufs = sizes.map((n, j) => bytes(n, i * 3 + j + 1));
            writes.push(a.write(bufs, end));
            for (const b of bufs) end += b.length;
            // Issued: the next write may follow at once.
            expect(a.position).toBe(end);
            expected.push(...bufs);
          }
          for (const r of await settle(s, writes)) expect(r.status).toBe('fulfilled');
          await a.close(end);
          expect(fs.files.get('/p.log')!.equals(Buffer.concat(expected))).toBe(true);
          for (const w of fs.writes) expect((w.position % DIRECT_BLOCK) + (w.length % DIRECT_BLOCK)).toBe(0);
          expect(pool.chunks).toBeLessThanOrEqual(4);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('when a pipelined write fails, the writes before it are intact, and after a cut and a reread the rest can be written again', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.array(fc.integer({ min: 1, max: 150_000 }), { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 8 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 5000 }),
        async (s, groups, failCall, initial) => {
          const { fs, fsys, pool, bufferedFd, a } = await pipelined(s, '/f.log', initial);
          fs.failCall = failCall;
          const appends = groups.map((sizes, i) => sizes.map((n, j) => bytes(n, i * 3 + j + 1)));
          const starts: number[] = [];
          const writes: Promise<void>[] = [];
          let end = initial;
          for (const bufs of appends) {
            starts.push(end);
            writes.push(a.write(bufs, end));
            for (const b of bufs) end += b.length;
          }
          const results = await settle(s, writes);
          const failed = results.findIndex((r) => r.status === 'rejected');
          const whole = Buffer.concat([bytes(initial, 99), ...appends.flat()]);
          if (failed < 0) {
            expect(fs.calls).toBeLessThanOrEqual(failCall);
            await a.close(end);
            expect(fs.files.get('/f.log')!.equals(whole)).toBe(true);
            return;
          }
          expect(a.position).toBe(-1);
          const cut = starts[failed]!;
          expect(fs.files.get('/f.log')!.subarray(0, cut).equals(whole.subarray(0, cut))).toBe(true);
          // What the log queue does next: cut the file back, and append the rest again.
          await fsys.ftruncate(bufferedFd, cut);
          fs.gate = null;
          const b = await DirectAppender.open(fsys, '/f.log', bufferedFd, pool);
          await b.write(appends.slice(failed).flat(), cut);
          await b.close(end);
          expect(fs.files.get('/f.log')!.equals(whole)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('after a failed write rereads the last block, so the next write leaves the same file', async () => {
    const fs = new AlignedMemFs();
    const fsys = fs as unknown as LogFs;
    fs.files.set('/s.log', bytes(700, 1));
    const bufferedFd = await fsys.open('/s.log', 'r');
    const a = await DirectAppender.open(fsys, '/s.log', bufferedFd, new AlignedBufferPool({ chunkBytes: 65536 }));
    fs.failWrites = 1;
    await expect(a.write([bytes(200_000, 2)], 700)).rejects.toThrow('ENOSPC');
    expect(a.position).toBe(-1);
    await a.write([bytes(300, 3)], 700);
    await a.close(1000);
    expect(fs.files.get('/s.log')!.equals(Buffer.concat([bytes(700, 1), bytes(300, 3)]))).toBe(true);
  });
});

const alignUpTest = (n: number): number => Math.ceil(n / DIRECT_BLOCK) * DIRECT_BLOCK;

describe('AlignedBufferPool', () => {
  it('hands out chunks of the asked size, at most maxChunks, and makes a taker wait for a given-back chunk', async () => {
    const pool = new AlignedBufferPool({ chunkBytes: 65536, chunksPerArena: 2, maxChunks: 3 });
    const a = pool.take() as Buffer;
    const b = pool.take() as Buffer;
    const c = pool.take() as Buffer;
    expect([a, b, c].every((x) => Buffer.isBuffer(x) && x.length === 65536)).toBe(true);
    expect(pool.chunks).toBe(3);
    const waiting = pool.take();
    expect(waiting).toBeInstanceOf(Promise);
    pool.give(b);
    expect(await waiting).toBe(b);
  });

  it('rejects sizes that are not whole WebAssembly pages', () => {
    expect(() => new AlignedBufferPool({ chunkBytes: 1000 })).toThrow(RangeError);
  });
});

// The real thing, where the temporary directory's filesystem has O_DIRECT (tmpfs does not, and
// the log then falls back to the page cache: log-direct-writes.test.ts).
describe('DirectAppender on this machine\'s temporary directory', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it('appends through O_DIRECT from pool memory, or the open fails with EINVAL', async () => {
    const path = join(t.dir, 'seg.log');
    writeFileSync(path, bytes(1234, 5));
    const readFd = await nodeLogFs.open(path, 'r+');
    try {
      if (!hasDirectIo(t.dir)) {
        await expect(DirectAppender.open(nodeLogFs, path, readFd, new AlignedBufferPool())).rejects.toMatchObject({ code: 'EINVAL' });
        return;
      }
      const a = await DirectAppender.open(nodeLogFs, path, readFd, new AlignedBufferPool());
      const parts = [bytes(3000, 6), bytes(1_500_000, 7), bytes(1, 8)];
      await a.write(parts.slice(0, 2), 1234);
      expect(statSync(path).size % DIRECT_BLOCK).toBe(0);
      const end = 1234 + 3000 + 1_500_000 + 1;
      await a.write(parts.slice(2), end - 1);
      await a.close(end);
      expect(readFileSync(path).equals(Buffer.concat([bytes(1234, 5), ...parts]))).toBe(true);
    } finally {
      await nodeLogFs.close(readFd);
    }
  });
});
