import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../src/util/clock';
import { OffsetOutOfRangeError } from '../../src/log/errors';
import { batchesOf, makeBatch, valuesOf } from './support/batches';
import { open, readAll } from './support/open';
import { tempDir } from './support/tmp';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

describe('Log append and read', () => {
  it('assigns consecutive offsets, stamps the epoch and reads whole batches back', async () => {
    const log = await open(t.dir);
    const r1 = await log.append(makeBatch({ count: 3, tag: 'a' }), { leaderEpoch: 5 });
    const r2 = await log.append(makeBatch({ count: 2, tag: 'b' }), { leaderEpoch: 5 });
    expect([r1.firstOffset, r1.lastOffset, r2.firstOffset, r2.lastOffset]).toEqual([0, 2, 3, 4]);
    expect(log.logEndOffset).toBe(5);
    const all = batchesOf(await readAll(log));
    expect(all.map((b) => [b.baseOffset, b.lastOffset, b.epoch])).toEqual([
      [0, 2, 5],
      [3, 4, 5],
    ]);
    // Reading from the middle of a batch returns that whole batch first (as Kafka).
    const mid = await log.read(4, { maxBytes: 1 << 20 });
    expect(batchesOf(mid.records).map((b) => b.baseOffset)).toEqual([3]);
    expect(log.endOffsetForEpoch(5)).toEqual({ epoch: 5, endOffset: 5 });
    await log.close();
  });

  it('rejects offsets outside [logStartOffset, logEndOffset] and returns nothing at the end', async () => {
    const log = await open(t.dir);
    await log.append(makeBatch({ count: 2 }));
    await expect(log.read(3, { maxBytes: 100 })).rejects.toBeInstanceOf(OffsetOutOfRangeError);
    const atEnd = await log.read(2, { maxBytes: 100 });
    expect(atEnd.records.length).toBe(0);
    expect(atEnd.logEndOffset).toBe(2);
    await log.close();
  });

  it('respects the byte budget but always returns the first batch whole', async () => {
    const log = await open(t.dir);
    for (let i = 0; i < 5; i++) await log.append(makeBatch({ count: 1, valueSize: 200 }));
    const one = await log.read(0, { maxBytes: 10 });
    expect(batchesOf(one.records).length).toBe(1);
    const none = await log.read(0, { maxBytes: 10, minOneBatch: false });
    expect(none.records.length).toBe(0);
    const size = batchesOf(one.records)[0]!.bytes.length;
    const three = await log.read(0, { maxBytes: size * 3 + 5 });
    expect(batchesOf(three.records).length).toBe(3);
    await log.close();
  });

  it('stops at the supplied upper bound (high watermark) and echoes HW and LSO', async () => {
    const log = await open(t.dir);
    for (let i = 0; i < 4; i++) await log.append(makeBatch({ count: 2 }));
    const r = await log.read(0, { maxBytes: 1 << 20, upperBoundOffset: 4, highWatermark: 4, lastStableOffset: 2 });
    expect(batchesOf(r.records).map((b) => b.lastOffset)).toEqual([1, 3]);
    expect([r.logStartOffset, r.lastStableOffset, r.highWatermark, r.logEndOffset]).toEqual([0, 2, 4, 8]);
    await expect(log.read(0, { maxBytes: 1, highWatermark: 9 })).rejects.toThrow(/offset order/);
    await log.close();
  });

  it('groups concurrent appends and keeps their order', async () => {
    const log = await open(t.dir);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(makeBatch({ count: 2, tag: `g${i}` }))));
    expect(results.map((r) => r.firstOffset)).toEqual(Array.from({ length: 50 }, (_, i) => i * 2));
    const values = valuesOf(await readAll(log));
    expect(values.length).toBe(100);
    expect(values[2]!.startsWith('g10')).toBe(true);
    await log.close();
  });

  it('applies LogAppendTime with a valid CRC', async () => {
    const clock = new ManualClock(1_800_000_000_000);
    const log = await open(t.dir, { clock, config: { 'message.timestamp.type': 'LogAppendTime' } });
    const r = await log.append(makeBatch({ count: 2, timestamp: 5 }));
    expect(r.logAppendTime).toBe(1_800_000_000_000);
    const { validateBatch } = await import('../../src/protocol/records');
    const read = await log.read(0, { maxBytes: 1000 });
    const h = validateBatch(read.records, 0);
    expect(Number(h.maxTimestamp)).toBe(1_800_000_000_000);
    expect(h.attributes & 0x08).toBe(0x08);
    await log.close();
  });
});

describe('Log segments and indexes', () => {
  it('rolls by segment.bytes, names segments by base offset and finds offsets through the index', async () => {
    const log = await open(t.dir, { config: { 'segment.bytes': 4096, 'index.interval.bytes': 256 } });
    for (let i = 0; i < 100; i++) await log.append(makeBatch({ count: 2, valueSize: 50, tag: `r${i}` }));
    expect(log.segments.length).toBeGreaterThan(3);
    await log.close();
    const files = readdirSync(t.dir).filter((f) => f.endsWith('.log'));
    expect(files[0]).toBe('00000000000000000000.log');
    for (const f of files) expect(f).toMatch(/^\d{20}\.log$/);
    const idx = readdirSync(t.dir).filter((f) => f.endsWith('.index'));
    expect(idx.length).toBe(files.length);
    expect(statSync(join(t.dir, idx[0]!)).size % 8).toBe(0);

    const reopened = await open(t.dir, { config: { 'segment.bytes': 4096, 'index.interval.bytes': 256 } });
    expect(reopened.logEndOffset).toBe(200);
    for (const target of [0, 1, 57, 120, 199]) {
      const r = await reopened.read(target, { maxBytes: 1 });
      const b = batchesOf(r.records)[0]!;
      expect(b.baseOffset <= target && target <= b.lastOffset).toBe(true);
    }
    expect(valuesOf(await readAll(reopened)).length).toBe(200);
    await reopened.close();
  });

  it('rolls by segment.ms measured from the first batch timestamp', async () => {
    const log = await open(t.dir, { config: { 'segment.ms': 1000 } });
    await log.append(makeBatch({ timestamp: 10_000 }));
    await log.append(makeBatch({ timestamp: 10_500 }));
    expect(log.segments.length).toBe(1);
    await log.append(makeBatch({ timestamp: 11_001 }));
    expect(log.segments.length).toBe(2);
    expect(log.activeSegment.baseOffset).toBe(2);
    await log.close();
  });

  it('rolls when the offset index is full', async () => {
    const log = await open(t.dir, { config: { 'segment.index.bytes': 8 * 4, 'index.interval.bytes': 0 } });
    for (let i = 0; i < 20; i++) await log.append(makeBatch());
    expect(log.segments.length).toBeGreaterThan(3);
    for (const s of log.segments) expect(s.offsetIndex.entries).toBeLessThanOrEqual(4);
    expect(valuesOf(await readAll(log)).length).toBe(20);
    await log.close();
  });

  it('finds offsets by timestamp', async () => {
    const log = await open(t.dir, { config: { 'segment.bytes': 2048, 'index.interval.bytes': 100 } });
    for (let i = 0; i < 60; i++) await log.append(makeBatch({ count: 2, timestamp: 1000 + i * 10 }));
    expect(await log.offsetForTimestamp(0)).toEqual({ offset: 0, timestamp: 1000 });
    expect(await log.offsetForTimestamp(1250)).toEqual({ offset: 50, timestamp: 1250 });
    expect(await log.offsetForTimestamp(1251)).toEqual({ offset: 51, timestamp: 1251 });
    expect(await log.offsetForTimestamp(1252)).toEqual({ offset: 52, timestamp: 1260 });
    expect(await log.offsetForTimestamp(99_999)).toBeNull();
    await log.close();
  });
});

describe('Log truncation and log start offset', () => {
  it('truncates to an offset across segments and appends after it', async () => {
    const log = await open(t.dir, { config: { 'segment.bytes': 1024 } });
    for (let i = 0; i < 40; i++) await log.append(makeBatch({ count: 2, tag: `t${i}` }), { leaderEpoch: i < 20 ? 1 : 2 });
    expect(await log.truncateTo(21)).toBe(true);
    // The batch [20, 21] straddles 21: it goes whole.
    expect(log.logEndOffset).toBe(20);
    expect(log.endOffsetForEpoch(1)).toEqual({ epoch: 1, endOffset: 20 });
    expect(log.epochCache.latestEpoch).toBe(1);
    const r = await log.append(makeBatch({ count: 1, tag: 'after' }), { leaderEpoch: 3 });
    expect(r.firstOffset).toBe(20);
    const values = valuesOf(await readAll(log));
    expect(values.length).toBe(21);
    expect(values[20]!.startsWith('after')).toBe(true);
    await log.close();
    const reopened = await open(t.dir, { config: { 'segment.bytes': 1024 } });
    expect(reopened.logEndOffset).toBe(21);
    await reopened.close();
  });

  it('advances the log start offset and deletes segments wholly below it', async () => {
    const log = await open(t.dir, { config: { 'segment.bytes': 1024 } });
    for (let i = 0; i < 40; i++) await log.append(makeBatch({ count: 2 }));
    const before = log.segments.length;
    const second = log.segments[1]!.baseOffset;
    expect(await log.advanceLogStartOffset(second + 3)).toBe(second + 3);
    expect(log.segments.length).toBe(before - 1);
    await expect(log.read(second + 2, { maxBytes: 10 })).rejects.toBeInstanceOf(OffsetOutOfRangeError);
    const r = await log.read(second + 3, { maxBytes: 1 });
    expect(r.logStartOffset).toBe(second + 3);
    await expect(log.advanceLogStartOffset(1000)).rejects.toBeInstanceOf(OffsetOutOfRangeError);
    await log.close();
  });

  it('truncateFullyAndStartAt empties the log at a new offset', async () => {
    const log = await open(t.dir);
    for (let i = 0; i < 3; i++) await log.append(makeBatch());
    await log.truncateFullyAndStartAt(100);
    expect(log.offsets()).toEqual({ logStartOffset: 100, logEndOffset: 100, recoveryPoint: 100 });
    expect((await log.append(makeBatch())).firstOffset).toBe(100);
    await log.close();
    expect(readdirSync(t.dir).filter((f) => f.endsWith('.log'))).toEqual(['00000000000000000100.log']);
  });
});

describe('Log flush', () => {
  it('moves the recovery point; concurrent flushes share rounds', async () => {
    const log = await open(t.dir);
    await log.append(makeBatch());
    expect(log.recoveryPoint).toBe(0);
    await Promise.all([log.flush(), log.flush(), log.flush()]);
    expect(log.recoveryPoint).toBe(1);
    await log.close();
  });

  it('flush.messages acknowledges only after the flush', async () => {
    const log = await open(t.dir, { config: { 'flush.messages': 2 } });
    await log.append(makeBatch());
    expect(log.recoveryPoint).toBe(0);
    await log.append(makeBatch());
    expect(log.recoveryPoint).toBe(2);
    await log.close();
  });
});
