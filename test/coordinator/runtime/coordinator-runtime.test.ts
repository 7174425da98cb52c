import { CoordinatorRuntime } from '../../../src/coordinator/runtime/coordinator-runtime';
import type { CoordinatorResult, CoordinatorShard, RecordSerde, ReplayContext, ShardContext } from '../../../src/coordinator/runtime/types';
import { ErrorCode } from '../../../src/protocol/error-codes';
import { buildEndTxnMarkerBatch, buildRecordBatch, ControlRecordType, readBatchHeader, readRecords } from '../../../src/protocol/records';
import { toErrorCode } from '../../../src/protocol/kafka-errors';
import { ManualClock } from '../../../src/util/clock';
import { rootLogger } from '../../../src/util/logger';
import { MemoryLog } from '../support/memory-log';

/** A key/value map: the simplest replayable state machine. */
interface KV {
  k: string;
  v: number | null;
}

const serde: RecordSerde<KV> = {
  serialize: (r) => ({ key: Buffer.from(r.k), value: r.v === null ? null : Buffer.from(String(r.v)) }),
  deserialize: (key, value) => (key.toString().startsWith('?') ? undefined : { k: key.toString(), v: value === null ? null : Number(value.toString()) }),
};

class KVShard implements CoordinatorShard<KV> {
  readonly state = new Map<string, number>();
  readonly replayed: Array<KV & ReplayContext> = [];
  readonly ended: Array<[bigint, boolean]> = [];
  readonly pending = new Map<bigint, KV[]>();
  loaded = false;
  unloaded = false;
  constructor(readonly ctx: ShardContext<KV>) {}
  replay(r: KV, rc: ReplayContext): void {
    this.replayed.push({ ...r, ...rc });
    if (rc.producerId !== -1n) {
      this.pending.set(rc.producerId, [...(this.pending.get(rc.producerId) ?? []), r]);
      return;
    }
    if (r.v === null) this.state.delete(r.k);
    else this.state.set(r.k, r.v);
  }
  replayEndTransaction(producerId: bigint, _epoch: number, committed: boolean): void {
    this.ended.push([producerId, committed]);
    for (const r of committed ? this.pending.get(producerId) ?? [] : []) this.state.set(r.k, r.v!);
    this.pending.delete(producerId);
  }
  onLoaded(): void {
    this.loaded = true;
  }
  onUnloaded(): void {
    this.unloaded = true;
  }
  put(k: string, v: number): CoordinatorResult<string, KV> {
    return { records: [{ k, v }], response: `put ${k}` };
  }
}

function runtime(log: MemoryLog, clock = new ManualClock()) {
  return new CoordinatorRuntime<KVShard, KV>({
    name: 'test',
    clock,
    serde,
    newShard: (ctx) => new KVShard(ctx),
    logFor: (p) => (p === 0 ? log : undefined),
    loadBufferSize: () => 1 << 20,
    compression: () => 0,
    logger: rootLogger().child({ component: 'test' }),
  });
}

const shardOf = (rt: CoordinatorRuntime<KVShard, KV>) => rt.readAll((s) => s)[0]!;

describe('CoordinatorRuntime', () => {
  it('appends the records, replays them, then releases the response', async () => {
    const log = new MemoryLog();
    const clock = new ManualClock(5_000);
    const rt = runtime(log, clock);
    await rt.load(0);
    const shard = shardOf(rt);
    const p = rt.scheduleWriteOperation('put', 0, () => ({ records: [{ k: 'a', v: 1 }, { k: 'b', v: 2 }], response: 'done' }));
    expect(shard.state.size).toBe(0); // not before the append
    expect(await p).toBe('done');
    expect([...shard.state]).toEqual([['a', 1], ['b', 2]]);
    expect(shard.replayed.map((r) => r.offset)).toEqual([0, 1]);
    expect(log.batches).toHaveLength(1);
    const h = readBatchHeader(log.batches[0]!);
    expect(h.producerId).toBe(-1n);
    expect(readRecords(log.batches[0]!).map((r) => [r.key!.toString(), r.timestamp])).toEqual([['a', 5_000], ['b', 5_000]]);
  });

  it('runs operations of a shard one at a time: the next one sees the previous one replayed', async () => {
    const log = new MemoryLog();
    const rt = runtime(log);
    await rt.load(0);
    const seen: number[] = [];
    const ops = [1, 2, 3].map((i) => rt.scheduleWriteOperation('inc', 0, (s) => {
      seen.push(s.state.get('n') ?? 0);
      return { records: [{ k: 'n', v: (s.state.get('n') ?? 0) + i }], response: i };
    }));
    expect(await Promise.all(ops)).toEqual([1, 2, 3]);
    expect(seen).toEqual([0, 1, 3]);
    expect(shardOf(rt).state.get('n')).toBe(6);
  });

  it('a failed append rejects the operation, replays nothing and tells onAppended', async () => {
    const log = new MemoryLog();
    const rt = runtime(log);
    await rt.load(0);
    log.failNext = Object.assign(new Error('disk'), { kafkaErrorCode: ErrorCode.KAFKA_STORAGE_ERROR });
    const calls: unknown[] = [];
    await expect(rt.scheduleWriteOperation('put', 0, () => ({ records: [{ k: 'a', v: 1 }], response: 1, onAppended: (e) => calls.push(e) }))).rejects.toThrow('disk');
    expect(calls).toHaveLength(1);
    expect(shardOf(rt).state.size).toBe(0);
    // The next operation runs normally.
    await rt.scheduleWriteOperation('put', 0, (s) => s.put('a', 2));
    expect(shardOf(rt).state.get('a')).toBe(2);
  });

  it('replay: false appends without replaying; onAppended runs before the response', async () => {
    const log = new MemoryLog();
    const rt = runtime(log);
    await rt.load(0);
    const order: string[] = [];
    const r = rt.scheduleWriteOperation('soft', 0, () => ({ records: [{ k: 'a', v: 1 }], response: 'r', replay: false, onAppended: () => order.push('appended') }));
    void r.then(() => order.push('response'));
    await r;
    await Promise.resolve();
    expect(order).toEqual(['appended', 'response']);
    expect(shardOf(rt).state.size).toBe(0);
    expect(log.logEndOffset).toBe(1);
  });

  it('splits very large results into several batches', async () => {
    const log = new MemoryLog();
    const rt = runtime(log);
    await rt.load(0);
    const records = Array.from({ length: 3000 }, (_, i) => ({ k: `key-${i}-${'x'.repeat(300)}`, v: i }));
    await rt.scheduleWriteOperation('big', 0, () => ({ records, response: undefined }));
    expect(log.batches.length).toBeGreaterThan(1);
    expect(shardOf(rt).state.size).toBe(3000);
    expect(shardOf(rt).replayed.map((r) => r.offset)).toEqual(records.map((_, i) => i));
  });

  it('loads by replaying the log: skips unknown records, holds transactional ones until their marker', async () => {
    const log = new MemoryLog();
    const b = (records: KV[], opts: Record<string, unknown> = {}) =>
      buildRecordBatch({ ...opts, records: records.map((r) => ({ ...serde.serialize(r), timestamp: 1 })) });
    log.appendRaw(b([{ k: 'a', v: 1 }, { k: '?future', v: 9 }, { k: 'b', v: 2 }]));
    log.appendRaw(b([{ k: 't', v: 7 }], { producerId: 11n, producerEpoch: 0, transactional: true, baseSequence: 0 }));
    log.appendRaw(b([{ k: 'u', v: 8 }], { producerId: 12n, producerEpoch: 0, transactional: true, baseSequence: 0 }));
    log.appendRaw(buildEndTxnMarkerBatch({ type: ControlRecordType.COMMIT, producerId: 11n, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 1 }));
    log.appendRaw(buildEndTxnMarkerBatch({ type: ControlRecordType.ABORT, producerId: 12n, producerEpoch: 0, coordinatorEpoch: 0, timestamp: 1 }));
    log.appendRaw(b([{ k: 'a', v: null }]));
    const rt = runtime(log);
    await rt.load(0);
    const s = shardOf(rt);
    expect(s.loaded).toBe(true);
    expect([...s.state].sort()).toEqual([['b', 2], ['t', 7]]);
    expect(s.ended).toEqual([[11n, true], [12n, false]]);
    expect(s.replayed.filter((r) => r.producerId !== -1n).map((r) => [r.k, r.producerId, r.offset])).toEqual([['t', 11n, 3], ['u', 12n, 4]]);
  });

  it('answers NOT_COORDINATOR for a partition it does not have and COORDINATOR_LOAD_IN_PROGRESS while loading', async () => {
    const log = new MemoryLog();
    const rt = runtime(log);
    expect(toErrorCode(await rt.scheduleWriteOperation('x', 0, (s) => s.put('a', 1)).catch((e) => e))).toBe(ErrorCode.NOT_COORDINATOR);
    const loading = rt.load(0);
    expect(toErrorCode(await rt.scheduleReadOperation(0, (s) => s.state.size).catch((e) => e))).toBe(ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    await loading;
    expect(await rt.scheduleReadOperation(0, (s) => s.state.size)).toBe(0);
    await expect(rt.load(1)).rejects.toMatchObject({ errorCode: ErrorCode.NOT_COORDINATOR });
  });

  it('timers run as write operations; rescheduling a key replaces its task; unload stops them', async () => {
    const log = new MemoryLog();
    const clock = new ManualClock();
    const rt = runtime(log, clock);
    await rt.load(0);
    const s = shardOf(rt);
    s.ctx.timer.schedule('k', 1_000, () => ({ records: [{ k: 'first', v: 1 }], response: undefined }));
    s.ctx.timer.schedule('k', 2_000, () => ({ records: [{ k: 'second', v: 2 }], response: undefined }));
    s.ctx.timer.schedule('gone', 500, () => ({ records: [{ k: 'gone', v: 3 }], response: undefined }));
    s.ctx.timer.cancel('gone');
    clock.advance(1_500);
    await rt.whenIdle();
    expect(s.state.size).toBe(0);
    clock.advance(500);
    await rt.whenIdle();
    expect([...s.state]).toEqual([['second', 2]]);
    expect(s.ctx.timer.isScheduled('k')).toBe(false);
    s.ctx.timer.schedule('later', 1_000, () => ({ records: [{ k: 'later', v: 4 }], response: undefined }));
    await rt.unload(0);
    expect(s.unloaded).toBe(true);
    clock.advance(5_000);
    await rt.whenIdle();
    expect(s.state.has('later')).toBe(false);
    expect(toErrorCode(await rt.scheduleWriteOperation('x', 0, (x) => x.put('a', 1)).catch((e) => e))).toBe(ErrorCode.NOT_COORDINATOR);
  });
});
