import { readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Log } from '../../src/log/log';
import { ManualClock } from '../../src/util/clock';
import { LogManager } from '../../src/log/log-manager';
import { parseLogConfig } from '../../src/log/log-config';
import { OutOfOrderSequenceError } from '../../src/log/producer-state-errors';
import { makeBatch } from './support/batches';
import { FaultyFs } from './support/faulty-fs';
import { open } from './support/open';
import { COORDINATOR, marker, pbatch } from './support/producer-batches';
import { tempDir } from './support/tmp';

let t: ReturnType<typeof tempDir>;
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

const CONFIG = { 'segment.bytes': 600 };
const files = (ext: string) => readdirSync(t.dir).filter((f) => f.endsWith(ext)).sort();

interface Written {
  /** Offsets of producer 1's last batch (seq 10..11). */
  last: { firstOffset: number; lastOffset: number };
  /** First offset of producer 2's open transaction. */
  openTxn: number;
  /** Offset of producer 3's ABORT marker (its transaction started in an earlier segment). */
  abortMarker: number;
}

/** Several segments: producer 1 idempotent, producer 3 aborted, producer 2 left open. */
async function write(log: Log): Promise<Written> {
  for (let i = 0; i < 5; i++) await log.append(pbatch({ pid: 1, seq: 2 * i, count: 2 }));
  await log.append(pbatch({ pid: 3, epoch: 1, seq: 0, txn: true }));
  await log.append(makeBatch({ count: 3, valueSize: 40 }));
  await log.rollNow();
  await log.append(pbatch({ pid: 3, epoch: 1, seq: 1, txn: true }));
  const abort = await log.append(marker({ pid: 3, epoch: 1, commit: false, coordinatorEpoch: 2 }), COORDINATOR);
  const txn = await log.append(pbatch({ pid: 2, seq: 0, txn: true }));
  const last = await log.append(pbatch({ pid: 1, seq: 10, count: 2 }));
  await log.append(makeBatch({ valueSize: 100 }));
  return { last, openTxn: txn.firstOffset, abortMarker: abort.firstOffset };
}

async function expectRestored(log: Log, w: Written, before: { states: unknown; aborted: unknown; leo: number }) {
  expect(log.logEndOffset).toBe(before.leo);
  expect(sortStates(log.producerStates())).toEqual(before.states);
  expect(log.firstUnstableOffset).toBe(w.openTxn);
  expect(log.lastStableOffset).toBe(w.openTxn);
  expect(await log.collectAbortedTransactions(0, log.logEndOffset)).toEqual(before.aborted);
  // The producer's retry after the restart is recognised: original offsets, nothing written.
  const retry = await log.append(pbatch({ pid: 1, seq: 10, count: 2 }));
  expect([retry.duplicate, retry.firstOffset, retry.lastOffset]).toEqual([true, w.last.firstOffset, w.last.lastOffset]);
  expect(log.logEndOffset).toBe(before.leo);
  // And the open transaction can still be finished.
  await log.append(pbatch({ pid: 2, seq: 1, txn: true }));
  await log.append(marker({ pid: 2, commit: true }), COORDINATOR);
  expect(log.lastStableOffset).toBe(log.logEndOffset);
}

function sortStates(s: ReturnType<Log['producerStates']>) {
  return [...s].sort((a, b) => Number(a.producerId - b.producerId));
}

async function snapshotOf(log: Log) {
  return {
    states: sortStates(log.producerStates()),
    aborted: await log.collectAbortedTransactions(0, log.logEndOffset),
    leo: log.logEndOffset,
  };
}

describe('producer state across restarts', () => {
  it('after a clean shutdown it is loaded from the snapshot at the log end', async () => {
    const log = await open(t.dir, { config: CONFIG });
    const w = await write(log);
    expect(log.segments.length).toBeGreaterThan(2);
    const before = await snapshotOf(log);
    await log.close();
    expect(files('.snapshot')).toContain(`${String(before.leo).padStart(20, '0')}.snapshot`);
    const again = await open(t.dir, { config: CONFIG, clean: true });
    await expectRestored(again, w, before);
    await again.close();
  });

  it('after an unclean shutdown it is rebuilt from an older snapshot and the log, and so are the transaction indexes', async () => {
    const log = await open(t.dir, { config: CONFIG });
    const w = await write(log);
    const before = await snapshotOf(log);
    // Recovery starts at the segment holding the marker: the transaction's start comes from the
    // snapshot at that segment's base.
    const recoveryPoint = log.segments.filter((s) => s.baseOffset <= w.abortMarker).pop()!.baseOffset;
    expect((before.aborted as Array<{ firstOffset: number }>)[0]!.firstOffset).toBeLessThan(recoveryPoint);
    await log.flush();
    await log.close(false);
    // Lost in the crash: the snapshot at the log end (never written) and every transaction index.
    for (const f of files('.txnindex')) unlinkSync(join(t.dir, f));
    for (const f of files('.snapshot')) if (Number(f.slice(0, 20)) > recoveryPoint) unlinkSync(join(t.dir, f));
    const again = await open(t.dir, { config: CONFIG, clean: false, recoveryPoint });
    await expectRestored(again, w, before);
    await again.close();
  });

  it('after an unclean shutdown with no snapshot at all it replays the whole log', async () => {
    const log = await open(t.dir, { config: CONFIG });
    const w = await write(log);
    const before = await snapshotOf(log);
    await log.close(false);
    for (const f of files('.snapshot')) unlinkSync(join(t.dir, f));
    for (const f of files('.txnindex')) unlinkSync(join(t.dir, f));
    const again = await open(t.dir, { config: CONFIG, clean: false, recoveryPoint: 0 });
    await expectRestored(again, w, before);
    await again.close();
  });

  it('a corrupt snapshot is deleted and the state rebuilt from an older one and the log', async () => {
    const log = await open(t.dir, { config: CONFIG });
    const w = await write(log);
    const before = await snapshotOf(log);
    await log.close();
    const latest = files('.snapshot').pop()!;
    const bytes = readFileSync(join(t.dir, latest));
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    writeFileSync(join(t.dir, latest), bytes);
    const again = await open(t.dir, { config: CONFIG, clean: true });
    await expectRestored(again, w, before);
    await again.close();
  });

  it('every snapshot corrupt: rebuilt from the start of the log', async () => {
    const log = await open(t.dir, { config: CONFIG });
    const w = await write(log);
    const before = await snapshotOf(log);
    await log.close();
    for (const f of files('.snapshot')) writeFileSync(join(t.dir, f), Buffer.from([0, 1, 0, 0]));
    const again = await open(t.dir, { config: CONFIG, clean: true });
    await expectRestored(again, w, before);
    await again.close();
  });

  it('a corrupt transaction index found at load is rebuilt by recovering its segment', async () => {
    const log = await open(t.dir, { config: CONFIG });
    const w = await write(log);
    const before = await snapshotOf(log);
    await log.close();
    const [idx] = files('.txnindex');
    const bytes = readFileSync(join(t.dir, idx!));
    bytes.writeInt16BE(7, 0); // unknown entry version
    writeFileSync(join(t.dir, idx!), bytes);
    const again = await open(t.dir, { config: CONFIG, clean: true });
    await expectRestored(again, w, before);
    await again.close();
  });

  it('a clean log without snapshots (written before they existed) starts with no producer state, as in Kafka', async () => {
    const log = await open(t.dir, { config: CONFIG });
    await write(log);
    const leo = log.logEndOffset;
    await log.close();
    for (const f of files('.snapshot')) unlinkSync(join(t.dir, f));
    const again = await open(t.dir, { config: CONFIG, clean: true });
    expect(again.producerIdCount).toBe(0);
    expect(again.producerSnapshotOffsets()).toContain(leo);
    await again.close();
  });

  it('the LogManager restores it across shutdown and startup', async () => {
    // Expiry compares batch timestamps with the clock: keep them close.
    const clock = new ManualClock(1_700_000_000_000);
    const opts = { logDirs: [join(t.dir, 'd')], clock, defaultConfig: parseLogConfig({ ...CONFIG, 'file.delete.delay.ms': 0 }), cleaner: false as const };
    const m = new LogManager(opts);
    await m.startup();
    const log = await m.getOrCreateLog({ topic: 'x', partition: 0 });
    const w = await write(log);
    const before = await snapshotOf(log);
    await m.shutdown();
    const m2 = new LogManager(opts);
    await m2.startup();
    await expectRestored(m2.getLog({ topic: 'x', partition: 0 })!, w, before);
    await m2.shutdown();
  });

  it('after a crash mid-stream, every producer\'s last acknowledged batch is still a duplicate', async () => {
    const fs = new FaultyFs();
    const log = await open(t.dir, { config: CONFIG, fs });
    const acked = new Map<number, { seq: number; count: number; firstOffset: number; lastOffset: number }>();
    const next = new Map<number, number>();
    const inFlight: Array<Promise<unknown>> = [];
    for (let i = 0; i < 120; i++) {
      const pid = i % 3;
      const seq = next.get(pid) ?? 0;
      const count = 1 + (i % 2);
      next.set(pid, seq + count);
      if (i === 90) fs.crashed = true;
      inFlight.push(
        log.append(pbatch({ pid, seq, count })).then(
          (r) => {
            if (seq >= (acked.get(pid)?.seq ?? -1)) acked.set(pid, { seq, count, firstOffset: r.firstOffset, lastOffset: r.lastOffset });
          },
          () => undefined,
        ),
      );
      if (i % 4 === 3) await Promise.all(inFlight.splice(0));
      if (i === 40) await log.flush();
    }
    await Promise.all(inFlight);
    const recoveryPoint = log.recoveryPoint;
    await log.close(false).catch(() => undefined);
    const again = await open(t.dir, { config: CONFIG, clean: false, recoveryPoint });
    expect(acked.size).toBe(3);
    for (const [pid, a] of acked) {
      const count = a.count;
      expect(again.activeProducers.get(BigInt(pid))!.lastSeq).toBe(a.seq + count - 1);
      const r = await again.append(pbatch({ pid, seq: a.seq, count }));
      expect([r.duplicate, r.firstOffset, r.lastOffset]).toEqual([true, a.firstOffset, a.lastOffset]);
      await expect(again.append(pbatch({ pid, seq: a.seq + count + 1 }))).rejects.toBeInstanceOf(OutOfOrderSequenceError);
      await again.append(pbatch({ pid, seq: a.seq + count }));
    }
    await again.close();
  });
});
