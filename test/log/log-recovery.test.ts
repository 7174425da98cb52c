import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateBatch } from '../../src/protocol/records';
import { batchesOf, makeBatch, valuesOf } from './support/batches';
import { open, readAll } from './support/open';
import { tempDir } from './support/tmp';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

const CONFIG = { 'segment.bytes': 1500, 'index.interval.bytes': 100 };

/** Builds a log of a few segments and returns the original batches. */
async function buildLog(dir: string): Promise<Buffer[]> {
  const log = await open(dir, { config: CONFIG });
  for (let i = 0; i < 24; i++) {
    // The tail segment holds the last 5 batches (every byte of it is damaged in turn below).
    if (i === 19) await log.rollNow();
    await log.append(makeBatch({ count: 1 + (i % 3), valueSize: 20 + i, tag: `b${i}` }), { leaderEpoch: 1 + (i >> 3) });
  }
  const all = batchesOf(await readAll(log)).map((b) => Buffer.from(b.bytes));
  await log.close();
  return all;
}

function tailSegment(dir: string): string {
  const logs = readdirSync(dir).filter((f) => f.endsWith('.log')).sort();
  return join(dir, logs[logs.length - 1]!);
}

function copyDir(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true });
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from)) copyFileSync(join(from, f), join(to, f));
}

/** Opens after an unclean shutdown and checks: whole, CRC-valid batches, a prefix of `original`. */
async function recoverAndCheck(
  dir: string,
  original: Buffer[],
  flippedAt?: { batch: number; byte: number },
  recoveryPoint = 0,
) {
  const log = await open(dir, { config: CONFIG, clean: false, recoveryPoint });
  const got = batchesOf(await readAll(log));
  expect(got.length).toBeLessThanOrEqual(original.length);
  got.forEach((b, i) => {
    validateBatch(b.bytes, 0);
    if (flippedAt && flippedAt.batch === i) {
      // Only fields outside the CRC (base offset, leader epoch) can differ undetected.
      expect(b.bytes.subarray(16).equals(original[i]!.subarray(16))).toBe(true);
      expect(b.bytes.subarray(8, 12).equals(original[i]!.subarray(8, 12))).toBe(true);
    } else {
      // Buffer.equals: jest's deep equality is far too slow for a thousand iterations.
      expect(b.bytes.equals(original[i]!)).toBe(true);
    }
  });
  if (got.length) expect(log.logEndOffset).toBe(got[got.length - 1]!.lastOffset + 1);
  // The log accepts appends afterwards and they read back.
  const r = await log.append(makeBatch({ tag: 'after' }));
  expect(r.firstOffset).toBe(log.logEndOffset - 1);
  await log.close(false);
  return got.length;
}

describe('recovery after an unclean shutdown', () => {
  it('keeps everything when nothing is damaged, and rebuilds indexes', async () => {
    const original = await buildLog(t.dir);
    for (const f of readdirSync(t.dir)) if (f.endsWith('.index') || f.endsWith('.timeindex')) unlinkSync(join(t.dir, f));
    expect(await recoverAndCheck(t.dir, original)).toBe(original.length);
    expect(readdirSync(t.dir).filter((f) => f.endsWith('.index')).length).toBeGreaterThan(1);
  });

  it('truncating the tail segment at every position leaves exactly the whole batches before the cut', async () => {
    const src = join(t.dir, 'src');
    const work = join(t.dir, 'work');
    const original = await buildLog(src);
    const tail = tailSegment(src);
    const size = statSync(tail).size;
    const tailBase = Number(tail.slice(-24, -4));
    const before = original.filter((b) => Number(b.readBigInt64BE(0)) < tailBase).length;
    const tailBatches = original.slice(before);
    for (let cut = 0; cut < size; cut++) {
      copyDir(src, work);
      truncateSync(join(work, tail.split('/').pop()!), cut);
      let whole = 0;
      let acc = 0;
      for (const b of tailBatches) {
        if (acc + b.length > cut) break;
        acc += b.length;
        whole++;
      }
      expect(await recoverAndCheck(work, original, undefined, tailBase)).toBe(before + whole);
    }
  });

  it('a flipped byte anywhere in the tail segment never yields a corrupt batch', async () => {
    const src = join(t.dir, 'src');
    const work = join(t.dir, 'work');
    const original = await buildLog(src);
    const tail = tailSegment(src);
    const name = tail.split('/').pop()!;
    const bytes = readFileSync(tail);
    const tailBase = Number(name.slice(0, 20));
    const before = original.filter((b) => Number(b.readBigInt64BE(0)) < tailBase).length;
    let starts = [0];
    for (const b of original.slice(before)) starts.push(starts[starts.length - 1]! + b.length);
    for (let pos = 0; pos < bytes.length; pos++) {
      copyDir(src, work);
      const damaged = Buffer.from(bytes);
      damaged[pos] = damaged[pos]! ^ 0x5a;
      writeFileSync(join(work, name), damaged);
      const batch = starts.findIndex((s, i) => pos >= s && pos < starts[i + 1]!);
      const n = await recoverAndCheck(work, original, { batch: before + batch, byte: pos - starts[batch]! }, tailBase);
      // Everything before the damaged batch survives.
      expect(n).toBeGreaterThanOrEqual(before + batch);
    }
    starts = [];
  });

  it('rebuilds a corrupt offset index of an old segment on first use after a clean shutdown', async () => {
    const original = await buildLog(t.dir);
    const idx = readdirSync(t.dir).filter((f) => f.endsWith('.index')).sort()[0]!;
    writeFileSync(join(t.dir, idx), Buffer.from([0, 0, 0, 9, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0]));
    const log = await open(t.dir, { config: CONFIG, clean: true });
    const got = batchesOf(await readAll(log));
    expect(got.map((b) => b.bytes)).toEqual(original);
    await log.close();
    expect(statSync(join(t.dir, idx)).size).toBeGreaterThan(16);
  });

  it('a segment after a truncated one is deleted (nothing past a hole is served)', async () => {
    const original = await buildLog(t.dir);
    const logs = readdirSync(t.dir).filter((f) => f.endsWith('.log')).sort();
    expect(logs.length).toBeGreaterThan(2);
    const first = join(t.dir, logs[0]!);
    truncateSync(first, statSync(first).size - 5);
    const log = await open(t.dir, { config: CONFIG, clean: false, recoveryPoint: 0 });
    expect(log.segments.length).toBe(1);
    const got = batchesOf(await readAll(log));
    expect(got.map((b) => b.bytes)).toEqual(original.slice(0, got.length));
    expect(valuesOf(await readAll(log)).length).toBeGreaterThan(0);
    await log.close();
  });
});
