import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { validateBatch } from '../../src/protocol/records';
import { DirectIo } from '../../src/log/direct-io';
import { DIRECT_BLOCK } from '../../src/log/direct-appender';
import { KafkaStorageError } from '../../src/log/errors';
import { LogFs, OpenMode, nodeLogFs } from '../../src/log/log-fs';
import { batchesOf, makeBatch, valuesOf } from './support/batches';
import { FaultyFs } from './support/faulty-fs';
import { open, readAll } from './support/open';
import { hasDirectIo, tempDir } from './support/tmp';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

const logFiles = (dir: string): string[] => readdirSync(dir).filter((n) => n.endsWith('.log')).sort();
const sizeOf = (dir: string, name: string): number => statSync(join(dir, name)).size;


/** Counts 'direct' opens, to tell direct appends from the buffered fallback. */
class CountingFs extends FaultyFs {
  directOpens = 0;
  override async open(path: string, mode: OpenMode): Promise<number> {
    if (mode === 'direct') this.directOpens++;
    return super.open(path, mode);
  }
}

/**
 * Lands each write after a random delay of 1–3 ms, so writes in flight complete in any order;
 * can fail the first write that reaches past a byte position.
 */
class ShufflingFs extends FaultyFs {
  /** Fails (once) the first write whose range ends past this position. */
  failPast = Infinity;
  private inFlight: Array<{ position: number; length: number }> = [];
  /** Seen at some moment: two writes of more than one block in flight together (two groups). */
  groupsOverlapped = false;
  private issued: Array<() => void> = [];
  constructor(private readonly random: () => number) {
    super();
  }
  /** Resolves when the next write is issued. */
  nextWrite(): Promise<void> {
    return new Promise((r) => this.issued.push(r));
  }
  override async write(fd: number, buf: Buffer, off: number, len: number, position: number) {
    const w = { position, length: len };
    this.inFlight.push(w);
    if (len > DIRECT_BLOCK && this.inFlight.filter((x) => x.length > DIRECT_BLOCK).length > 1) this.groupsOverlapped = true;
    for (const wake of this.issued.splice(0)) wake();
    try {
      await new Promise((r) => setTimeout(r, 1 + Math.floor(this.random() * 3)));
      if (position + len > this.failPast) {
        this.failPast = Infinity;
        throw Object.assign(new Error('ENOSPC: injected'), { code: 'ENOSPC' });
      }
      return await super.write(fd, buf, off, len, position);
    } finally {
      this.inFlight.splice(this.inFlight.indexOf(w), 1);
    }
  }
}

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Log with direct-I/O appends', () => {
  it('pipelines direct writes: groups go out while earlier ones are in flight, and land in any order', async () => {
    for (const seed of [1, 2, 3]) {
      const dir = join(t.dir, `s${seed}`);
      const fs = new ShufflingFs(seeded(seed));
      const log = await open(dir, { fs, directIo: new DirectIo({ onBytesPerSec: 0 }) });
      const appends: Array<Promise<unknown>> = [];
      for (let i = 0; i < 30; i++) {
        // Each append goes out as a group of its own, issued while earlier ones are in flight.
        const issued = fs.nextWrite();
        appends.push(log.append(makeBatch({ count: 2, valueSize: 8 + ((i * 37_813) % 150_000), tag: `a${i}` })));
        await issued;
      }
      const firsts = (await Promise.all(appends)).map((a) => (a as { firstOffset: number }).firstOffset);
      expect(firsts).toEqual(Array.from({ length: 30 }, (_, i) => i * 2));
      // Several groups were in flight together (each group here, under 1 MiB, is one write of
      // more than a block, plus one of its first block when a group still in flight shares it).
      expect(fs.groupsOverlapped).toBe(true);
      const values = valuesOf(await readAll(log));
      expect(values).toHaveLength(60);
      for (let i = 0; i < 30; i++) expect(values[i * 2]!.startsWith(`a${i}0`)).toBe(true);
      const size = log.activeSegment.size;
      await log.close();
      expect(sizeOf(dir, logFiles(dir)[0]!)).toBe(size);
      const reopened = await open(dir, { clean: false });
      expect(reopened.logEndOffset).toBe(60);
      await reopened.close();
    }
  });

  it('when a pipelined direct write fails, the appends before it stay, the ones in flight after it fail, and the log goes on', async () => {
    for (const [seed, failPast] of [[1, 100_000], [2, 700_000], [3, 1_500_000], [4, 3_000_000]] as const) {
      const dir = join(t.dir, `f${seed}`);
      const fs = new ShufflingFs(seeded(seed));
      fs.failPast = failPast;
      const log = await open(dir, { fs, directIo: new DirectIo({ onBytesPerSec: 0 }) });
      const appends: Array<Promise<{ firstOffset: number } | Error>> = [];
      for (let i = 0; i < 30; i++) {
        const issued = fs.nextWrite();
        const append = log.append(makeBatch({ count: 2, valueSize: 8 + ((i * 37_813) % 150_000), tag: `a${i}` }));
        appends.push(append.catch((e: Error) => e));
        // Issued, or refused at once (in a rollback the queue may fail it without writing).
        await Promise.race([issued, append.catch(() => undefined)]);
      }
      const results = await Promise.all(appends);
      const failed = results.map((r, i) => (r instanceof Error ? i : -1)).filter((i) => i >= 0);
      expect(failed.length).toBeGreaterThan(0);
      for (const i of failed) expect(results[i]).toBeInstanceOf(KafkaStorageError);
      // The appends that succeeded hold consecutive offsets, in the order they were made.
      const kept = results.flatMap((r, i) => (r instanceof Error ? [] : [i]));
      expect(kept.map((i) => (results[i] as { firstOffset: number }).firstOffset)).toEqual(kept.map((_, k) => k * 2));
      expect((await log.append(makeBatch({ count: 1, tag: 'later' }))).firstOffset).toBe(kept.length * 2);
      const data = await readAll(log);
      for (const b of batchesOf(data)) validateBatch(b.bytes, 0);
      const values = valuesOf(data);
      kept.forEach((i, k) => expect(values[k * 2]!.startsWith(`a${i}0`)).toBe(true));
      expect(values[kept.length * 2]!.startsWith('later')).toBe(true);
      await log.close();
      const reopened = await open(dir, { clean: false });
      expect(reopened.logEndOffset).toBe(kept.length * 2 + 1);
      await reopened.close();
    }
  });

  it('keeps every batch readable, pads only the active segment, and trims it on roll and close', async () => {
    const direct = hasDirectIo(t.dir);
    const fs = new CountingFs();
    const log = await open(t.dir, { fs, directIo: new DirectIo({ onBytesPerSec: 0 }), config: { 'segment.bytes': 1024 * 1024 } });
    const appends = await Promise.all(Array.from({ length: 40 }, (_, i) => log.append(makeBatch({ count: 3, valueSize: 17 + i * 91, tag: `a${i}` }))));
    expect(appends.map((a) => a.firstOffset)).toEqual(Array.from({ length: 40 }, (_, i) => i * 3));
    expect(fs.directOpens).toBe(direct ? 1 : 0);
    const [active] = logFiles(t.dir);
    const committed = log.activeSegment.size;
    if (direct) {
      // O_DIRECT writes whole blocks: the file runs to the end of the block holding the data.
      expect(sizeOf(t.dir, active!) % DIRECT_BLOCK).toBe(0);
      expect(sizeOf(t.dir, active!) - committed).toBeLessThan(DIRECT_BLOCK);
    }
    const before = await readAll(log);
    expect(valuesOf(before).length).toBe(120);

    await log.rollNow();
    expect(sizeOf(t.dir, active!)).toBe(committed);
    await log.append(makeBatch({ count: 1, valueSize: 5, tag: 'after-roll' }));
    expect(fs.directOpens).toBe(direct ? 2 : 0);
    const data = await readAll(log);
    for (const b of batchesOf(data)) validateBatch(b.bytes, 0);
    expect(valuesOf(data).length).toBe(121);
    const activeSize = log.activeSegment.size;
    await log.close();
    const files = logFiles(t.dir);
    expect(files).toHaveLength(2);
    expect(sizeOf(t.dir, files[1]!)).toBe(activeSize);

    const reopened = await open(t.dir, { directIo: new DirectIo({ onBytesPerSec: 0 }) });
    expect(reopened.logEndOffset).toBe(121);
    // The reopened appender continues from the unaligned end.
    await reopened.append(makeBatch({ count: 2, tag: 'reopened' }));
    expect(valuesOf(await readAll(reopened)).length).toBe(123);
    await reopened.close();
  });

  it('recovers a log left with padding (no close), cutting the zeros like a torn tail', async () => {
    if (!hasDirectIo(t.dir)) return void expect(hasDirectIo(t.dir)).toBe(false);
    const log = await open(t.dir, { directIo: new DirectIo({ onBytesPerSec: 0 }) });
    for (let i = 0; i < 5; i++) await log.append(makeBatch({ count: 2, valueSize: 33, tag: `c${i}` }));
    const size = log.activeSegment.size;
    const [file] = logFiles(t.dir);
    expect(sizeOf(t.dir, file!)).toBeGreaterThan(size);
    // No close: as after a crash, the padding is still in the file.
    const recovered = await open(t.dir, { clean: false, recoveryPoint: 0 });
    expect(recovered.logEndOffset).toBe(10);
    expect(sizeOf(t.dir, file!)).toBe(size);
    expect(valuesOf(await readAll(recovered)).length).toBe(10);
    await recovered.close();
    await log.close(false).catch(() => undefined);
  });

  it('reads back through direct reads with readahead, also after a truncation rewrote the tail', async () => {
    // Every read direct (no size or lag threshold), windows of 1 MiB for two segments.
    const directIo = new DirectIo({ onBytesPerSec: 0, readMinBytes: 1, readLagBytes: 0 });
    const log = await open(t.dir, { directIo, config: { 'segment.bytes': 1024 * 1024 } });
    for (let i = 0; i < 80; i++) await log.append(makeBatch({ count: 4, valueSize: 4000 + i * 37, tag: `r${i}` }));
    expect(log.segments.length).toBeGreaterThan(1);
    const first = await readAll(log);
    for (const b of batchesOf(first)) validateBatch(b.bytes, 0);
    expect(valuesOf(first).length).toBe(320);
    // Cut the log back into the active segment and append different records at the same offsets.
    const cut = log.activeSegment.baseOffset + 8;
    expect(cut).toBeLessThan(log.logEndOffset);
    await log.truncateTo(cut);
    for (let i = 0; i < 10; i++) await log.append(makeBatch({ count: 4, valueSize: 50, tag: `n${i}` }));
    const second = await readAll(log);
    const values = valuesOf(second);
    expect(values.length).toBe(cut + 40);
    expect(values.slice(0, cut)).toEqual(valuesOf(first).slice(0, cut));
    expect(values[cut]!.startsWith('n0')).toBe(true);
    await log.close();
  });

  it('appends through the page cache where the filesystem refuses direct I/O', async () => {
    const refusing: LogFs = {
      ...nodeLogFs,
      open: (path, mode) => (mode === 'direct' ? Promise.reject(Object.assign(new Error('EINVAL: no O_DIRECT'), { code: 'EINVAL' })) : nodeLogFs.open(path, mode)),
    };
    const log = await open(t.dir, { fs: refusing, directIo: new DirectIo({ onBytesPerSec: 0 }) });
    for (let i = 0; i < 3; i++) await log.append(makeBatch({ count: 2, tag: `b${i}` }));
    const [file] = logFiles(t.dir);
    expect(sizeOf(t.dir, file!)).toBe(log.activeSegment.size);
    expect(valuesOf(await readAll(log)).length).toBe(6);
    await log.close();
  });

  it('goes back to the page cache for good when a direct write is refused with EINVAL (another block size)', async () => {
    const directFds = new Set<number>();
    const refusing: LogFs = {
      ...nodeLogFs,
      open: async (path, mode) => {
        const fd = await nodeLogFs.open(path, mode === 'direct' ? 'r+' : mode);
        if (mode === 'direct') directFds.add(fd);
        return fd;
      },
      close: (fd) => {
        directFds.delete(fd); // descriptor numbers are reused
        return nodeLogFs.close(fd);
      },
      write: (fd, buf, off, len, position) =>
        directFds.has(fd) ? Promise.reject(Object.assign(new Error('EINVAL: injected'), { code: 'EINVAL' })) : nodeLogFs.write(fd, buf, off, len, position),
    };
    const log = await open(t.dir, { fs: refusing, directIo: new DirectIo({ onBytesPerSec: 0 }) });
    const err = await log.append(makeBatch({ count: 2, tag: 'refused' })).catch((e) => e);
    expect(err).toBeInstanceOf(KafkaStorageError);
    for (let i = 0; i < 3; i++) await log.append(makeBatch({ count: 2, tag: `b${i}` }));
    expect(log.logEndOffset).toBe(6);
    expect(sizeOf(t.dir, logFiles(t.dir)[0]!)).toBe(log.activeSegment.size);
    expect(valuesOf(await readAll(log)).length).toBe(6);
    await log.close();
  });

  it('fails an append on a full disk with KAFKA_STORAGE_ERROR, cuts the file back, and continues', async () => {
    const fs = new CountingFs();
    const log = await open(t.dir, { fs, directIo: new DirectIo({ onBytesPerSec: 0 }) });
    for (let i = 0; i < 3; i++) await log.append(makeBatch({ count: 2, valueSize: 40, tag: `ok${i}` }));
    const committed = log.activeSegment.size;
    fs.spaceLeft = 0;
    const err = await log.append(makeBatch({ count: 4, valueSize: 100 })).catch((e) => e);
    expect(err).toBeInstanceOf(KafkaStorageError);
    expect(err.errno).toBe('ENOSPC');
    expect(log.logEndOffset).toBe(6);
    expect(sizeOf(t.dir, logFiles(t.dir)[0]!)).toBe(committed);
    fs.spaceLeft = Infinity;
    expect((await log.append(makeBatch({ count: 1, tag: 'later' }))).firstOffset).toBe(6);
    const data = await readAll(log);
    for (const b of batchesOf(data)) validateBatch(b.bytes, 0);
    expect(valuesOf(data).length).toBe(7);
    await log.close();
    const reopened = await open(t.dir, { clean: false });
    expect(reopened.logEndOffset).toBe(7);
    await reopened.close();
  });
});
