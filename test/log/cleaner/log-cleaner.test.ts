import { existsSync, readdirSync, renameSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControlRecordType, buildEndTxnMarkerBatch, buildRecordBatch, readRecords, validateBatch } from '../../../src/protocol/records';
import { ManualClock } from '../../../src/util/clock';
import { LogCleaner } from '../../../src/log/cleaner/log-cleaner';
import { OffsetMap } from '../../../src/log/cleaner/offset-map';
import { parseLogConfig } from '../../../src/log/log-config';
import { LogManager } from '../../../src/log/log-manager';
import { Log } from '../../../src/log/log';
import { batchesOf } from '../support/batches';
import { readAll } from '../support/open';
import { tempDir } from '../support/tmp';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

const COMPACT = { 'cleanup.policy': 'compact', 'segment.bytes': 1024, 'file.delete.delay.ms': 0, 'delete.retention.ms': 1000, 'min.cleanable.dirty.ratio': 0.1 };

async function setup(config: Record<string, unknown> = {}, dedupeBufferBytes?: number) {
  const clock = new ManualClock(1_000_000);
  const m = new LogManager({ logDirs: [join(t.dir, 'd')], clock, defaultConfig: parseLogConfig({ ...COMPACT, ...config }) });
  await m.startup();
  const log = await m.getOrCreateLog({ topic: 'kv', partition: 0 });
  const cleaner = new LogCleaner({ clock, dedupeBufferBytes });
  return { m, log, cleaner, clock };
}

const put = (log: Log, key: string, value: string | null, ts = 1_000_000) =>
  log.append(buildRecordBatch({ records: [{ key: Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp: ts }] }));

interface Rec {
  offset: number;
  key: string | null;
  value: string | null;
}

async function contents(log: Log): Promise<Rec[]> {
  const data = await readAll(log);
  const out: Rec[] = [];
  for (const b of batchesOf(data)) {
    validateBatch(b.bytes, 0);
    for (const r of readRecords(b.bytes, 0)) {
      out.push({ offset: Number(r.offset), key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
    }
  }
  return out;
}

describe('OffsetMap', () => {
  it('keeps the latest offset per key within a fixed memory', () => {
    const map = new OffsetMap(24 * 100);
    for (let i = 0; i < 50; i++) map.put(Buffer.from(`k${i % 10}`), i);
    expect(map.size).toBe(10);
    expect(map.get(Buffer.from('k3'))).toBe(43);
    expect(map.get(Buffer.from('nope'))).toBe(-1);
    expect(map.room).toBe(90 - 10);
    map.clear();
    expect(map.get(Buffer.from('k3'))).toBe(-1);
  });
});

describe('LogCleaner', () => {
  it('keeps only the latest record per key, never changes offsets, never touches the active segment', async () => {
    const { m, log, cleaner } = await setup();
    const expected = new Map<string, Rec>();
    for (let i = 0; i < 60; i++) {
      const key = `key-${i % 7}`;
      const r = await put(log, key, `value-${i}`);
      expected.set(key, { offset: r.firstOffset, key, value: `value-${i}` });
    }
    const activeBase = log.activeSegment.baseOffset;
    const before = await contents(log);
    const res = await cleaner.clean(m, log);
    expect(res!.recordsRemoved).toBeGreaterThan(0);
    const after = await contents(log);
    // Below the active segment: one record per key, the latest there; above: untouched.
    const cleaned = after.filter((r) => r.offset < activeBase);
    const activePart = after.filter((r) => r.offset >= activeBase);
    expect(activePart).toEqual(before.filter((r) => r.offset >= activeBase));
    const latestBelow = new Map<string, Rec>();
    for (const r of before) if (r.offset < activeBase) latestBelow.set(r.key!, r);
    const keysInActive = new Set(activePart.map((r) => r.key));
    for (const r of cleaned) {
      // Every kept record is one of the originals, with its original offset.
      expect(before).toContainEqual(r);
      if (!keysInActive.has(r.key)) expect(latestBelow.get(r.key!)).toEqual(r);
    }
    // Every key's latest value is still readable.
    const last = new Map(after.map((r) => [r.key, r]));
    for (const [k, r] of expected) expect(last.get(k)).toEqual(r);
    expect(log.logEndOffset).toBe(60);
    // Cleaning again finds nothing new to do.
    expect((await cleaner.clean(m, log))?.recordsRemoved ?? 0).toBe(0);
    await m.shutdown();
  });

  it('removes tombstones only after delete.retention.ms', async () => {
    const { m, log, cleaner, clock } = await setup();
    await put(log, 'a', '1');
    await put(log, 'b', '1');
    await put(log, 'a', null);
    for (let i = 0; i < 30; i++) await put(log, `filler-${i % 3}`, 'x'.repeat(40));
    await cleaner.clean(m, log);
    let recs = await contents(log);
    expect(recs.find((r) => r.key === 'a')).toEqual({ offset: 2, key: 'a', value: null });
    expect(recs.some((r) => r.key === 'b')).toBe(true);
    clock.advance(500);
    await cleaner.clean(m, log);
    expect((await contents(log)).some((r) => r.key === 'a')).toBe(true);
    clock.advance(600);
    await cleaner.clean(m, log);
    recs = await contents(log);
    expect(recs.some((r) => r.key === 'a')).toBe(false);
    expect(recs.find((r) => r.key === 'b')?.value).toBe('1');
    await m.shutdown();
  });

  it('keeps transaction markers and transactional batches', async () => {
    const { m, log, cleaner } = await setup();
    await log.append(
      buildRecordBatch({ records: [{ key: Buffer.from('t'), value: Buffer.from('txn'), timestamp: 1 }], producerId: 7n, producerEpoch: 0, baseSequence: 0, transactional: true }),
    );
    await log.append(buildEndTxnMarkerBatch({ type: ControlRecordType.COMMIT, producerId: 7n, producerEpoch: 0, coordinatorEpoch: 1, timestamp: 2 }), {
      origin: 'coordinator',
    });
    for (let i = 0; i < 30; i++) await put(log, 't', `plain-${i}`);
    await cleaner.clean(m, log);
    const batches = batchesOf(await readAll(log));
    expect(batches[0]!.baseOffset).toBe(0);
    expect(batches[1]!.baseOffset).toBe(1);
    expect(batches[1]!.bytes.readInt16BE(21) & 0x20).toBe(0x20);
    await m.shutdown();
  });

  it('picks logs by dirty ratio on its schedule', async () => {
    const { m, log, cleaner } = await setup({ 'min.cleanable.dirty.ratio': 0.99 });
    for (let i = 0; i < 40; i++) await put(log, 'same', `v${i}`);
    // Everything below the active segment is dirty (ratio 1): eligible.
    expect(await cleaner.cleanOnce(m)).not.toBeNull();
    // Now it is all clean: not eligible until new dirty data arrives.
    expect(await cleaner.cleanOnce(m)).toBeNull();
    await m.shutdown();
  });

  it('works in several passes when the offset map is small', async () => {
    const { m, log, cleaner } = await setup({}, 24 * 12);
    for (let i = 0; i < 80; i++) await put(log, `k${i % 20}`, `v${i}`);
    const activeBase = log.activeSegment.baseOffset;
    for (let pass = 0; pass < 10; pass++) await cleaner.clean(m, log);
    const recs = (await contents(log)).filter((r) => r.offset < activeBase);
    const keys = recs.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    await m.shutdown();
  });

  it('a cleaned log reopens, and a swap interrupted by a crash is completed at load', async () => {
    const { m, log, cleaner } = await setup();
    for (let i = 0; i < 40; i++) await put(log, `k${i % 4}`, `v${i}`);
    await cleaner.clean(m, log);
    const cleaned = await contents(log);
    const dir = log.dir;
    await m.shutdown();
    // Simulate a crash between the renames: the first segment as a .swap, the old one still there.
    const first = readdirSync(dir).filter((f) => f.endsWith('.log')).sort()[0]!;
    const bytes = readFileSync(join(dir, first));
    renameSync(join(dir, first), join(dir, `${first}.swap`));
    writeFileSync(join(dir, first), Buffer.concat([bytes, Buffer.alloc(0)]));
    const again = new LogManager({ logDirs: [join(t.dir, 'd')], defaultConfig: parseLogConfig(COMPACT) });
    await again.startup();
    const reopened = again.getLog({ topic: 'kv', partition: 0 })!;
    expect(await contents(reopened)).toEqual(cleaned);
    expect(existsSync(join(dir, `${first}.swap`))).toBe(false);
    await again.shutdown();
  });
});
