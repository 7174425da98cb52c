import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../src/util/clock';
import { Log } from '../../src/log/log';
import { LogManager } from '../../src/log/log-manager';
import { parseLogConfig } from '../../src/log/log-config';
import { OutOfOrderSequenceError } from '../../src/log/producer-state-errors';
import { batchesOf, makeBatch } from './support/batches';
import { open } from './support/open';
import { COORDINATOR, marker, pbatch } from './support/producer-batches';
import { tempDir } from './support/tmp';

let t: ReturnType<typeof tempDir>;
let log: Log;
beforeEach(async () => {
  t = tempDir();
  log = await open(t.dir);
});
afterEach(async () => {
  await log.close(false).catch(() => undefined);
  t.cleanup();
});

const commit = (pid: number, epoch = 0) => log.append(marker({ pid, epoch, commit: true }), COORDINATOR);
const abort = (pid: number, epoch = 0) => log.append(marker({ pid, epoch, commit: false }), COORDINATOR);

describe('transactions and the last stable offset', () => {
  it('an open transaction holds the LSO at its first offset until its marker', async () => {
    await log.append(makeBatch({ count: 2 }));
    expect([log.firstUnstableOffset, log.lastStableOffset]).toEqual([null, 2]);
    const first = await log.append(pbatch({ pid: 1, seq: 0, count: 3, txn: true }));
    await log.append(makeBatch());
    await log.append(pbatch({ pid: 1, seq: 3, txn: true }));
    expect(first.firstOffset).toBe(2);
    expect(log.hasOngoingTransaction(1n)).toBe(true);
    expect(log.producerStates()[0]!.currentTxnStartOffset).toBe(2);
    expect([log.firstUnstableOffset, log.lastStableOffset, log.highWatermark]).toEqual([2, 2, 7]);
    const m = await commit(1);
    expect(m.firstOffset).toBe(7);
    expect([log.firstUnstableOffset, log.lastStableOffset, log.highWatermark, log.logEndOffset]).toEqual([null, 8, 8, 8]);
    // Reads default to these bounds.
    const r = await log.read(0, { maxBytes: 1 << 20 });
    expect([r.lastStableOffset, r.highWatermark]).toEqual([8, 8]);
    r.release();
  });

  it('the LSO is the earliest open transaction across producers', async () => {
    await log.append(pbatch({ pid: 1, seq: 0, txn: true })); // 0
    await log.append(pbatch({ pid: 2, seq: 0, txn: true })); // 1
    await log.append(pbatch({ pid: 1, seq: 1, txn: true })); // 2
    expect(log.lastStableOffset).toBe(0);
    await commit(1); // 3
    expect(log.lastStableOffset).toBe(1);
    await abort(2); // 4
    expect(log.lastStableOffset).toBe(5);
  });

  it('with a high watermark set, a decided transaction stays unstable until the HW passes its marker', async () => {
    log.updateHighWatermark(0);
    await log.append(pbatch({ pid: 1, seq: 0, txn: true })); // 0
    await log.append(makeBatch()); // 1
    await commit(1); // 2
    expect([log.highWatermark, log.firstUnstableOffset, log.lastStableOffset]).toEqual([0, 0, 0]);
    log.updateHighWatermark(2);
    expect([log.firstUnstableOffset, log.lastStableOffset]).toEqual([0, 0]);
    expect(log.updateHighWatermark(99)).toBe(3);
    expect([log.firstUnstableOffset, log.lastStableOffset]).toEqual([null, 3]);
    await log.append(makeBatch());
    expect(log.highWatermark).toBe(3);
  });

  it('an empty transaction (marker without data) completes nothing', async () => {
    await log.append(makeBatch());
    await commit(5);
    expect(log.lastStableOffset).toBe(2);
    expect(await log.collectAbortedTransactions(0, 10)).toEqual([]);
    expect(log.activeProducers.get(5n)!.producerEpoch).toBe(0);
  });

  it('records aborted transactions in the transaction index of the marker\'s segment', async () => {
    await log.append(pbatch({ pid: 1, seq: 0, count: 2, txn: true })); // 0-1
    await log.append(pbatch({ pid: 2, seq: 0, txn: true })); // 2
    await abort(1); // 3: LSO then = first offset of pid 2's open transaction
    await log.append(pbatch({ pid: 2, seq: 1, txn: true })); // 4
    await abort(2); // 5
    await log.append(pbatch({ pid: 3, seq: 0, txn: true })); // 6
    await commit(3); // 7
    const aborted = await log.collectAbortedTransactions(0, 8);
    expect(aborted).toEqual([
      { producerId: 1n, firstOffset: 0, lastOffset: 3, lastStableOffset: 2 },
      { producerId: 2n, firstOffset: 2, lastOffset: 5, lastStableOffset: 6 },
    ]);
    expect(await log.collectAbortedTransactions(4, 8)).toEqual([aborted[1]]);
    expect(await log.collectAbortedTransactions(6, 8)).toEqual([]);
    // read_committed fetches get them with the data.
    const r = await log.read(4, { maxBytes: 1 << 20, includeAbortedTransactions: true });
    expect(r.abortedTransactions).toEqual([{ producerId: 2n, firstOffset: 2 }]);
    r.release();
    // The file, once flushed: two 34-byte entries.
    await log.flush();
    const idx = join(t.dir, '00000000000000000000.txnindex');
    expect(readFileSync(idx).length).toBe(68);
  });

  it('collects aborted transactions across segments until the search is complete', async () => {
    await log.append(pbatch({ pid: 1, seq: 0, txn: true })); // 0
    await log.rollNow();
    await log.append(pbatch({ pid: 1, seq: 1, txn: true })); // 1
    await abort(1); // 2 (index of segment 1)
    await log.rollNow();
    await log.append(pbatch({ pid: 2, seq: 0, txn: true })); // 3
    await abort(2); // 4 (index of segment 3)
    expect(log.segments.map((s) => s.baseOffset)).toEqual([0, 1, 3]);
    expect((await log.collectAbortedTransactions(0, 1)).map((a) => a.producerId)).toEqual([1n]);
    expect((await log.collectAbortedTransactions(0, 5)).map((a) => a.producerId)).toEqual([1n, 2n]);
    const r = await log.read(0, { maxBytes: 1, includeAbortedTransactions: true });
    expect(r.abortedTransactions).toEqual([{ producerId: 1n, firstOffset: 0 }]);
    r.release();
  });

  it('truncation removes markers and reopens their transactions; truncating everything forgets all', async () => {
    await log.append(pbatch({ pid: 1, seq: 0, txn: true })); // 0
    await log.append(pbatch({ pid: 2, seq: 0 })); // 1
    await abort(1); // 2
    await log.append(pbatch({ pid: 2, seq: 1 })); // 3
    expect(await log.truncateTo(2)).toBe(true);
    expect(log.logEndOffset).toBe(2);
    expect(log.hasOngoingTransaction(1n)).toBe(true);
    expect(log.lastStableOffset).toBe(0);
    expect(await log.collectAbortedTransactions(0, 10)).toEqual([]);
    expect(log.activeProducers.get(2n)!.lastSeq).toBe(0);
    // The truncated batch is not a duplicate any more; its retry is appended again.
    const again = await log.append(pbatch({ pid: 2, seq: 1 }));
    expect([again.duplicate, again.firstOffset]).toEqual([undefined, 2]);
    await log.truncateFullyAndStartAt(100);
    expect([log.producerIdCount, log.firstUnstableOffset, log.lastStableOffset]).toEqual([0, null, 100]);
  });

  it('the first unstable offset never goes below the log start offset', async () => {
    await log.append(pbatch({ pid: 1, seq: 0, txn: true })); // 0
    await log.append(makeBatch({ count: 3 })); // 1-3
    await log.advanceLogStartOffset(2);
    expect([log.firstUnstableOffset, log.lastStableOffset]).toEqual([2, 2]);
  });
});

describe('producer snapshots on disk', () => {
  const snapshots = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.snapshot')).sort();

  it('are written at each roll (named by the new segment base) and at close', async () => {
    await log.append(pbatch({ pid: 1, seq: 0, count: 2 }));
    await log.rollNow();
    await log.append(pbatch({ pid: 1, seq: 2 }));
    expect(snapshots(t.dir)).toEqual(['00000000000000000002.snapshot']);
    expect(log.producerSnapshotOffsets()).toEqual([2]);
    await log.close();
    expect(snapshots(t.dir)).toEqual(['00000000000000000002.snapshot', '00000000000000000003.snapshot']);
  });

  it('are deleted with their segments', async () => {
    const cfg = { 'retention.ms': 1000 };
    await log.close();
    const clock = new ManualClock(1_700_000_000_000);
    log = await open(t.dir, { config: cfg, clock });
    for (let i = 0; i < 3; i++) {
      await log.append(pbatch({ pid: 1, seq: i, timestamp: 1_700_000_000_000 }));
      await log.rollNow();
    }
    expect(log.producerSnapshotOffsets()).toEqual([1, 2, 3]);
    await log.runExclusive(() => log.deleteSegmentsWhile((seg) => seg.baseOffset < 2));
    expect(log.segments[0]!.baseOffset).toBe(2);
    expect(log.producerSnapshotOffsets()).toEqual([2, 3]);
    expect(existsSync(join(t.dir, '00000000000000000001.snapshot'))).toBe(false);
  });
});

describe('producer id expiry', () => {
  it('forgets idle producers after producer.id.expiration.ms, except those in a transaction', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const m = new LogManager({
      logDirs: [join(t.dir, 'm')],
      clock,
      defaultConfig: parseLogConfig({ 'file.delete.delay.ms': 0 }),
      producerState: { producerIdExpirationMs: 60_000 },
      producerIdExpirationCheckIntervalMs: 10_000,
      cleaner: false,
    });
    await m.startup();
    const l = await m.getOrCreateLog({ topic: 'p', partition: 0 });
    const now = clock.now();
    await l.append(pbatch({ pid: 1, seq: 0, timestamp: now }));
    await l.append(pbatch({ pid: 2, seq: 0, txn: true, timestamp: now }));
    await l.append(pbatch({ pid: 3, seq: 0, timestamp: now + 50_000 }));
    // The periodic check (every 10 s) runs on the manual clock.
    for (let i = 0; i < 6; i++) {
      clock.advance(10_000);
      await new Promise((r) => setTimeout(r, 5));
    }
    await l.runExclusive(async () => undefined);
    expect([...l.activeProducers.keys()].sort()).toEqual([2n, 3n]);
    // The forgotten producer is unknown now: any sequence is accepted again.
    await l.append(pbatch({ pid: 1, seq: 17, timestamp: clock.now() }));
    // A late batch from an unexpired producer is still checked.
    await expect(l.append(pbatch({ pid: 3, seq: 5, timestamp: clock.now() }))).rejects.toBeInstanceOf(OutOfOrderSequenceError);
    clock.advance(60_000);
    expect(await m.removeExpiredProducers()).toBe(2);
    expect([...l.activeProducers.keys()]).toEqual([2n]);
    await m.shutdown();
  });
});

describe('duplicates and LogAppendTime', () => {
  it('a duplicate reports the stored append time', async () => {
    await log.close();
    const clock = new ManualClock(1_800_000_000_000);
    log = await open(t.dir, { clock, config: { 'message.timestamp.type': 'LogAppendTime' } });
    const a = await log.append(pbatch({ pid: 1, seq: 0 }));
    clock.advance(5000);
    const d = await log.append(pbatch({ pid: 1, seq: 0 }));
    expect([a.logAppendTime, d.duplicate, d.logAppendTime, d.firstOffset]).toEqual([1_800_000_000_000, true, 1_800_000_000_000, 0]);
    expect(batchesOf((await log.read(0, { maxBytes: 1 << 20 })).records)).toHaveLength(1);
  });
});
