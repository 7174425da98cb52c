/**
 * DelayedFetch answers a wait satisfied by data at the end of the event-loop turn, so the
 * partitions whose appends finish in the same turn (the rest of one Produce request) are read
 * by the same fetch.
 */
import { DelayedFetch, FetchPurgatory, type WatchedPartition } from '../../src/replication/delayed-fetch';
import type { PartitionState } from '../../src/replication/partition';
import { ManualClock } from '../../src/util/clock';

const partition = (key: string, state: { readableBytes: number; lastStableOffset: number }): WatchedPartition => ({
  key,
  state: state as unknown as PartitionState,
  fetchOffset: 0,
  partitionMaxBytes: 1 << 20,
  currentLeaderEpoch: -1,
  initialBytes: 0,
  readableAtStart: 0,
});

describe('DelayedFetch', () => {
  it('completes by data at the end of the turn, after the other partitions of the turn advanced', async () => {
    const a = { readableBytes: 0, lastStableOffset: 0 };
    const b = { readableBytes: 0, lastStableOffset: 0 };
    const purgatory = new FetchPurgatory(new ManualClock());
    const op = new DelayedFetch([partition('t-0', a), partition('t-1', b)], 1, () => false);
    let answered = false;
    const seenAtAnswer: number[] = [];
    void purgatory.watch(op, 10_000).then(() => {
      answered = true;
      seenAtAnswer.push(a.readableBytes, b.readableBytes);
    });
    a.readableBytes = 100;
    purgatory.checkAndComplete('t-0');
    expect(op.isCompleted).toBe(true); // decided now: later checks do not complete it again
    await Promise.resolve();
    expect(answered).toBe(false);
    // Another I/O callback of the same turn: the second partition's write completes.
    b.readableBytes = 50;
    purgatory.checkAndComplete('t-1');
    await new Promise((r) => setImmediate(r));
    await Promise.resolve();
    expect(answered).toBe(true);
    expect(seenAtAnswer).toEqual([100, 50]);
    expect(purgatory.delayed).toBe(0);
  });

  it('still answers at once when a partition must end the wait, and on timeout', async () => {
    const clock = new ManualClock();
    const purgatory = new FetchPurgatory(clock);
    const gone = new DelayedFetch([partition('t-0', { readableBytes: 0, lastStableOffset: 0 })], 1, () => true);
    let goneAnswered = false;
    void purgatory.watch(gone, 10_000).then(() => (goneAnswered = true));
    await Promise.resolve();
    expect(goneAnswered).toBe(true);

    const idle = new DelayedFetch([partition('t-1', { readableBytes: 0, lastStableOffset: 0 })], 1, () => false);
    let idleAnswered = false;
    void purgatory.watch(idle, 500).then(() => (idleAnswered = true));
    clock.advance(499);
    await Promise.resolve();
    expect(idleAnswered).toBe(false);
    clock.advance(1);
    await Promise.resolve();
    expect(idleAnswered).toBe(true);
  });
});
