import { ErrorCode } from '../../src/protocol/error-codes';
import { FetchSessionCache, nextEpoch, type FetchEntry, type ResponseView, type TopicIdPartition } from '../../src/server/fetch-session-cache';
import { ManualClock } from '../../src/util/clock';

const ZERO = 'AAAAAAAAAAAAAAAAAAAAAA';
const tp = (partition: number, topic = 't'): TopicIdPartition => ({ topic, topicId: ZERO, partition });
const entry = (partition: number, fetchOffset = 0): FetchEntry => ({
  tp: tp(partition),
  data: { fetchOffset, logStartOffset: -1, maxBytes: 1000, currentLeaderEpoch: -1, lastFetchedEpoch: -1 },
});
const view = (r: ResponseView): ResponseView => r;
const resp = (o: Partial<ResponseView> = {}): ResponseView => ({
  errorCode: 0,
  highWatermark: 10,
  logStartOffset: 0,
  recordsSize: 0,
  diverging: false,
  preferredReadReplica: -1,
  ...o,
});
const noNames = (): undefined => undefined;

describe('FetchSessionCache (KIP-227)', () => {
  let clock: ManualClock;
  let slots: number;
  let cache: FetchSessionCache;
  beforeEach(() => {
    clock = new ManualClock();
    slots = 10;
    cache = new FetchSessionCache(() => slots, clock);
  });

  const full = (entries: FetchEntry[], results: ResponseView[] = entries.map(() => resp()), follower = false, version = 12) => {
    const ctx = cache.newContext(version, 0, 0, follower, entries, [], noNames);
    return cache.finish(ctx, cache.partitionsOf(ctx).map((e, i) => ({ tp: e.tp, result: results[i]! })), view);
  };

  it('creates a session on a full fetch and answers incremental fetches with changed partitions only', () => {
    const first = full([entry(0), entry(1), entry(2)]);
    expect(first.sessionId).toBeGreaterThan(0);
    expect(first.entries).toHaveLength(3);
    const session = cache.get(first.sessionId)!;
    expect(session.epoch).toBe(1);

    // Epoch 1: no new data anywhere → nothing listed, but every partition is read.
    const ctx1 = cache.newContext(12, first.sessionId, 1, false, [], [], noNames);
    expect(cache.partitionsOf(ctx1).map((e) => e.tp.partition)).toEqual([0, 1, 2]);
    const r1 = cache.finish(ctx1, cache.partitionsOf(ctx1).map((e) => ({ tp: e.tp, result: resp() })), view);
    expect(r1).toEqual({ errorCode: 0, sessionId: first.sessionId, entries: [] });

    // Epoch 2: partition 1 has records, partition 2's HW moved → both listed; 1 moves to the end.
    const ctx2 = cache.newContext(12, first.sessionId, 2, false, [entry(1, 5)], [], noNames);
    const reads = cache.partitionsOf(ctx2);
    expect(reads.find((e) => e.tp.partition === 1)!.data.fetchOffset).toBe(5);
    const r2 = cache.finish(
      ctx2,
      reads.map((e) => ({ tp: e.tp, result: e.tp.partition === 1 ? resp({ recordsSize: 50 }) : e.tp.partition === 2 ? resp({ highWatermark: 11 }) : resp() })),
      view,
    );
    expect(r2.entries.map((e) => e.tp.partition)).toEqual([1, 2]);
    const ctx3 = cache.newContext(12, first.sessionId, 3, false, [], [], noNames);
    expect(cache.partitionsOf(ctx3).map((e) => e.tp.partition)).toEqual([0, 2, 1]);
  });

  it('always lists partitions with errors, and lists them again once the error is gone', () => {
    const { sessionId } = full([entry(0)]);
    const run = (epoch: number, r: ResponseView) => {
      const ctx = cache.newContext(12, sessionId, epoch, false, [], [], noNames);
      return cache.finish(ctx, cache.partitionsOf(ctx).map((e) => ({ tp: e.tp, result: r })), view).entries.length;
    };
    expect(run(1, resp({ errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }))).toBe(1);
    expect(run(2, resp())).toBe(1);
    expect(run(3, resp())).toBe(0);
    expect(run(4, resp({ logStartOffset: 3 }))).toBe(1);
  });

  it('rejects unknown sessions, wrong epochs and a change of topic-id use', () => {
    const { sessionId } = full([entry(0)]);
    expect(cache.newContext(12, sessionId + 1, 1, false, [], [], noNames)).toEqual({ kind: 'error', errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND });
    expect(cache.newContext(12, sessionId, 7, false, [], [], noNames)).toEqual({ kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH });
    expect(cache.newContext(13, sessionId, 1, false, [], [], noNames)).toEqual({ kind: 'error', errorCode: ErrorCode.FETCH_SESSION_TOPIC_ID_ERROR });
    const err = cache.finish({ kind: 'error', errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH }, [], view);
    expect(err).toEqual({ errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: 0, entries: [] });
  });

  it('closes a session emptied by forgotten topics, or named by a full fetch', () => {
    const a = full([entry(0)]);
    const ctx = cache.newContext(12, a.sessionId, 1, false, [], [tp(0)], noNames);
    expect(ctx.kind).toBe('sessionless');
    expect(cache.get(a.sessionId)).toBeUndefined();
    const b = full([entry(0)]);
    expect(cache.newContext(12, b.sessionId, -1, false, [entry(0)], [], noNames).kind).toBe('sessionless');
    expect(cache.get(b.sessionId)).toBeUndefined();
  });

  it('creates no session for a FINAL epoch or when there are no slots', () => {
    const ctx = cache.newContext(12, 0, -1, false, [entry(0)], [], noNames);
    expect(cache.finish(ctx, [{ tp: tp(0), result: resp() }], view).sessionId).toBe(0);
    slots = 0;
    expect(full([entry(0)]).sessionId).toBe(0);
  });

  it('evicts like Kafka: stale sessions first, followers over consumers, larger over smaller once old', () => {
    slots = 1;
    const a = full([entry(0)]);
    expect(full([entry(0), entry(1)]).sessionId).toBe(0); // young consumer sessions are kept
    const f = full([entry(0)], undefined, true);
    expect(f.sessionId).toBeGreaterThan(0); // a follower evicts a consumer session
    expect(cache.get(a.sessionId)).toBeUndefined();
    clock.advance(120_001); // the follower session is now stale
    const b = full([entry(0)]);
    expect(b.sessionId).toBeGreaterThan(0);
    expect(cache.size).toBe(1);
    clock.advance(130_000);
    cache.newContext(12, b.sessionId, 1, false, [], [], noNames); // touched: not stale, but old
    expect(full([entry(0)]).sessionId).toBe(0); // same size: cannot evict
    expect(full([entry(0), entry(1)]).sessionId).toBeGreaterThan(0); // larger: evicts
  });

  it('wraps epochs like Kafka', () => {
    expect([nextEpoch(-1), nextEpoch(0), nextEpoch(5), nextEpoch(0x7fffffff)]).toEqual([-1, 1, 6, 1]);
  });

  it('resolves topic ids of partitions cached before the topic was known', () => {
    const ctx = cache.newContext(13, 0, 0, false, [{ tp: { topic: null, topicId: 'abcdefghijklmnopqrstuv', partition: 0 }, data: entry(0).data }], [], noNames);
    const { sessionId } = cache.finish(ctx, cache.partitionsOf(ctx).map((e) => ({ tp: e.tp, result: resp({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID }) })), view);
    const inc = cache.newContext(13, sessionId, 1, false, [], [], () => 'named');
    expect(cache.partitionsOf(inc)[0]!.tp.topic).toBe('named');
  });
});
