import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControlRecordType, decodeControlRecordKey, readRecords, validateBatch } from '../../../src/protocol/records';
import { ManualClock } from '../../../src/util/clock';
import { LogCleaner } from '../../../src/log/cleaner/log-cleaner';
import { CleanedTransactionMetadata } from '../../../src/log/cleaner/cleaned-txn-metadata';
import { cleanableRange } from '../../../src/log/cleaner/clean-segments';
import { parseLogConfig } from '../../../src/log/log-config';
import { LogManager } from '../../../src/log/log-manager';
import { Log } from '../../../src/log/log';
import { batchesOf, makeBatch } from '../support/batches';
import { readAll } from '../support/open';
import { COORDINATOR, marker, pbatch } from '../support/producer-batches';
import { tempDir } from '../support/tmp';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

const COMPACT = {
  'cleanup.policy': 'compact',
  'segment.bytes': 100_000,
  'file.delete.delay.ms': 0,
  'delete.retention.ms': 1000,
  'min.cleanable.dirty.ratio': 0.01,
};
const T0 = 1_700_000_000_000;

async function setup() {
  const clock = new ManualClock(T0);
  const m = new LogManager({ logDirs: [join(t.dir, 'd')], clock, defaultConfig: parseLogConfig(COMPACT) });
  await m.startup();
  const log = await m.getOrCreateLog({ topic: 'kv', partition: 0 });
  const cleaner = new LogCleaner({ clock });
  return { m, log, cleaner, clock };
}

const put = (log: Log, key: string, value = `${key}-v`) => log.append(makeBatch({ keys: [key], values: [value], timestamp: T0 }));

interface Seen {
  offset: number;
  kind: 'data' | 'empty' | 'commit' | 'abort';
  pid: bigint;
  keys: string[];
}

async function layout(log: Log): Promise<Seen[]> {
  const out: Seen[] = [];
  for (const b of batchesOf(await readAll(log))) {
    validateBatch(b.bytes, 0);
    const pid = b.bytes.readBigInt64BE(43);
    const control = (b.bytes.readInt16BE(21) & 0x20) !== 0;
    const records = readRecords(b.bytes, 0);
    let kind: Seen['kind'] = records.length === 0 ? 'empty' : 'data';
    if (control && records.length) kind = decodeControlRecordKey(records[0]!.key).type === ControlRecordType.COMMIT ? 'commit' : 'abort';
    out.push({ offset: b.baseOffset, kind, pid, keys: control ? [] : records.map((r) => r.key?.toString() ?? '') });
  }
  return out;
}

describe('CleanedTransactionMetadata', () => {
  it('tells aborted batches, and when markers may go', () => {
    const m = new CleanedTransactionMetadata();
    m.addAbortedTransactions([{ producerId: 1n, firstOffset: 10, lastOffset: 20, lastStableOffset: 21 }]);
    m.addAbortedTransactions([{ producerId: 1n, firstOffset: 10, lastOffset: 20, lastStableOffset: 21 }]);
    m.cleanedIndex = [];
    expect(m.onBatchRead(1n, 5, true)).toBe(false); // before the aborted one: committed
    expect(m.onControlBatchRead(1n, 6, ControlRecordType.COMMIT)).toBe(false); // its data was seen
    expect(m.onBatchRead(1n, 12, true)).toBe(true);
    expect(m.onBatchRead(2n, 13, false)).toBe(false);
    expect(m.onControlBatchRead(1n, 20, ControlRecordType.ABORT)).toBe(false); // data seen: keep
    expect(m.cleanedIndex).toHaveLength(1);
    expect(m.onControlBatchRead(3n, 30, ControlRecordType.COMMIT)).toBe(true); // nothing seen
    expect(m.onControlBatchRead(3n, 31, null)).toBe(true); // emptied before
  });
});

describe('compaction with transactions', () => {
  it('removes aborted data at once, compacts committed data, and removes markers after delete.retention.ms', async () => {
    const { m, log, cleaner, clock } = await setup();
    await log.append(pbatch({ pid: 1, seq: 0, txn: true, keys: ['a', 'b'], timestamp: T0 })); // 0-1
    await put(log, 'a'); // 2
    await log.append(marker({ pid: 1, commit: false }), COORDINATOR); // 3
    await log.append(pbatch({ pid: 2, seq: 0, txn: true, keys: ['c'], timestamp: T0 })); // 4
    await log.append(marker({ pid: 2, commit: true }), COORDINATOR); // 5
    await log.append(pbatch({ pid: 1, seq: 2, txn: true, keys: ['d'], timestamp: T0 })); // 6
    await log.append(marker({ pid: 1, commit: true }), COORDINATOR); // 7
    await put(log, 'c'); // 8
    await log.rollNow();
    expect((await log.collectAbortedTransactions(0, 9)).map((a) => a.producerId)).toEqual([1n]);

    await cleaner.clean(m, log);
    expect(await layout(log)).toEqual([
      { offset: 2, kind: 'data', pid: -1n, keys: ['a'] },
      { offset: 3, kind: 'abort', pid: 1n, keys: [] }, // kept: this pass removed its data
      { offset: 4, kind: 'empty', pid: 2n, keys: [] }, // c overwritten, but producer 2's last batch stays
      { offset: 5, kind: 'commit', pid: 2n, keys: [] },
      { offset: 6, kind: 'data', pid: 1n, keys: ['d'] },
      { offset: 7, kind: 'commit', pid: 1n, keys: [] },
      { offset: 8, kind: 'data', pid: -1n, keys: ['c'] },
    ]);
    // The cleaned segment's transaction index keeps the entry of the marker it kept.
    expect((await log.collectAbortedTransactions(0, 9)).map((a) => [a.producerId, a.firstOffset, a.lastOffset])).toEqual([[1n, 0, 3]]);

    // Second pass: the abort marker's transaction is gone; it gets a delete horizon and stays.
    await put(log, 'e');
    await log.rollNow();
    await cleaner.clean(m, log);
    expect((await layout(log)).map((s) => s.offset)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const abortBatch = batchesOf(await readAll(log)).find((b) => b.baseOffset === 3)!;
    expect(abortBatch.bytes.readInt16BE(21) & 0x40).toBe(0x40);
    expect(Number(abortBatch.bytes.readBigInt64BE(27))).toBe(T0 + 1000);
    expect(await log.collectAbortedTransactions(0, 10)).toEqual([]);

    // After the horizon the marker goes; producer 2's marker stays with its last batch.
    clock.advance(1001);
    await put(log, 'f');
    await log.rollNow();
    await cleaner.clean(m, log);
    const final = await layout(log);
    expect(final.map((s) => `${s.offset}:${s.kind}`)).toEqual(['2:data', '4:empty', '5:commit', '6:data', '7:commit', '8:data', '9:data', '10:data']);
    // Reopened, the log and its producer state are intact.
    await m.shutdown();
    const m2 = new LogManager({ logDirs: [join(t.dir, 'd')], clock, defaultConfig: parseLogConfig(COMPACT) });
    await m2.startup();
    const again = m2.getLog({ topic: 'kv', partition: 0 })!;
    expect(await layout(again)).toEqual(final);
    expect(again.activeProducers.get(1n)!.lastSeq).toBe(2);
    await m2.shutdown();
  });

  it('never cleans at or past the last stable offset', async () => {
    const { m, log, cleaner } = await setup();
    await put(log, 'k'); // 0
    await put(log, 'k'); // 1
    await log.append(pbatch({ pid: 7, seq: 0, txn: true, keys: ['x'], timestamp: T0 })); // 2: stays open
    await put(log, 'k'); // 3
    await put(log, 'k'); // 4
    await log.rollNow();
    expect(log.lastStableOffset).toBe(2);
    expect((await cleanableRange(log, 0, T0)).firstUncleanableOffset).toBe(2);
    await cleaner.clean(m, log);
    // Offsets 0-1 compacted against each other only; everything from the open transaction on untouched.
    expect((await layout(log)).map((s) => s.offset)).toEqual([1, 2, 3, 4]);
    await log.append(marker({ pid: 7, commit: true }), COORDINATOR);
    await log.rollNow();
    await cleaner.clean(m, log);
    expect((await layout(log)).map((s) => `${s.offset}:${s.kind}`)).toEqual(['2:data', '4:data', '5:commit']);
    await m.shutdown();
  });

  it('a swap interrupted by a crash is completed with its transaction index, losing nothing', async () => {
    const { m, log, cleaner } = await setup();
    for (let i = 0; i < 10; i++) await put(log, `u${i}`);
    await log.append(pbatch({ pid: 1, seq: 0, txn: true, keys: ['z'], timestamp: T0 }));
    await log.append(marker({ pid: 1, commit: false }), COORDINATOR);
    for (let i = 0; i < 5; i++) await put(log, 'k', `v${i}`);
    await log.rollNow();
    await cleaner.clean(m, log);
    const cleaned = await layout(log);
    const aborted = await log.collectAbortedTransactions(0, log.logEndOffset);
    expect(aborted).toHaveLength(1);
    const dir = log.dir;
    await m.shutdown();
    // Crash between the renames: the cleaned segment (and its transaction index) still .swap,
    // the segment it replaces still in place.
    const first = readdirSync(dir).filter((f) => f.endsWith('.log')).sort()[0]!;
    const stem = first.slice(0, 20);
    renameSync(join(dir, first), join(dir, `${first}.swap`));
    renameSync(join(dir, `${stem}.txnindex`), join(dir, `${stem}.txnindex.swap`));
    writeFileSync(join(dir, first), readFileSync(join(dir, `${first}.swap`)).subarray(0, 61 + 10));
    const m2 = new LogManager({ logDirs: [join(t.dir, 'd')], defaultConfig: parseLogConfig(COMPACT) });
    await m2.startup();
    const again = m2.getLog({ topic: 'kv', partition: 0 })!;
    expect(await layout(again)).toEqual(cleaned);
    expect(await again.collectAbortedTransactions(0, again.logEndOffset)).toEqual(aborted);
    expect(readdirSync(dir).some((f) => f.endsWith('.swap'))).toBe(false);
    expect(existsSync(join(dir, `${stem}.txnindex`))).toBe(true);
    await m2.shutdown();
  });
});
