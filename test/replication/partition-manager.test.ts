import { ErrorCode } from '../../src/protocol/error-codes';
import { readBatchHeader } from '../../src/protocol/records';
import { fetchMessages, type FetchParams, type FetchPartitionInput } from '../../src/replication/fetch-messages';
import { FetchIsolation } from '../../src/replication/partition';
import { appendRecords } from '../../src/replication/produce-append';
import { FaultyFs } from '../log/support/faulty-fs';
import { batch, openHarness, settle, type Harness } from './support/harness';

const params = (o: Partial<FetchParams> = {}): FetchParams => ({
  apiVersion: 12,
  replicaId: -1,
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: 1 << 20,
  isolation: FetchIsolation.HIGH_WATERMARK,
  ...o,
});
const input = (o: Partial<FetchPartitionInput> = {}): FetchPartitionInput => ({
  topic: 't',
  partition: 0,
  fetchOffset: 0,
  partitionMaxBytes: 1 << 20,
  currentLeaderEpoch: -1,
  lastFetchedEpoch: -1,
  ...o,
});
const produce = (h: Harness, records: Buffer, o: { topic?: string; partition?: number; acks?: number; v?: number } = {}) =>
  appendRecords(h.partitions, [{ topic: o.topic ?? 't', partition: o.partition ?? 0, records }], {
    acks: o.acks ?? 1,
    timeoutMs: 1000,
    apiVersion: o.v ?? 9,
    internalTopicsAllowed: false,
  }).then((r) => r[0]!);

/** A read result's data (its release function is a different no-op on each path). */
const withoutRelease = <T extends { release: () => void }>(r: T): Omit<T, 'release'> => {
  const { release: _release, ...rest } = r;
  return rest;
};

describe('PartitionManager', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await openHarness();
    await h.createTopic('t', 2);
  });
  afterEach(() => h.close());

  describe('lookups', () => {
    it('finds led partitions by name and id, and names unknown ones as Kafka does', () => {
      const p = h.partitions.leaderPartition('t', 1);
      expect(p.key).toBe('t-1');
      expect(p.leaderEpoch).toBe(0);
      const id = h.metadata.topic('t')!.topicId;
      expect(h.partitions.topicById(id)?.name).toBe('t');
      expect(() => h.partitions.leaderPartition('nope', 0)).toThrow(expect.objectContaining({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }));
      expect(() => h.partitions.leaderPartition('t', 2)).toThrow(expect.objectContaining({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }));
    });

    it('answers NOT_LEADER_OR_FOLLOWER for a partition led elsewhere', () => {
      h.metadata.topic('t')!.partitions[0]!.leader = 99;
      expect(() => h.partitions.leaderPartition('t', 0)).toThrow(expect.objectContaining({ errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER }));
    });

    it('checks the current leader epoch', () => {
      const p = h.partitions.leaderPartition('t', 0);
      expect(() => p.checkLeaderEpoch(-1)).not.toThrow();
      expect(() => p.checkLeaderEpoch(0)).not.toThrow();
      expect(() => p.checkLeaderEpoch(1)).toThrow(expect.objectContaining({ errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH }));
      h.metadata.topic('t')!.partitions[0]!.leaderEpoch = 3;
      expect(() => h.partitions.leaderPartition('t', 0).checkLeaderEpoch(2)).toThrow(expect.objectContaining({ errorCode: ErrorCode.FENCED_LEADER_EPOCH }));
    });
  });

  describe('append', () => {
    it('assigns offsets, stamps the leader epoch and moves the high watermark to the log end', async () => {
      const r1 = await produce(h, batch(3));
      const r2 = await produce(h, batch(2));
      expect([r1.errorCode, r1.baseOffset, r2.baseOffset]).toEqual([0, 0, 3]);
      const p = h.partitions.leaderPartition('t', 0);
      expect(p.snapshot()).toEqual({ logStartOffset: 0, lastStableOffset: 5, highWatermark: 5, logEndOffset: 5 });
      const read = await p.read(0, 1 << 20, FetchIsolation.HIGH_WATERMARK, true);
      const header = readBatchHeader(read.records, 0);
      expect(header.partitionLeaderEpoch).toBe(0);
      expect(header.baseOffset).toBe(0n);
      expect(p.log.epochCache.all).toEqual([{ epoch: 0, startOffset: 0 }]);
    });

    it('refuses acks values other than -1, 0 and 1 without appending', async () => {
      const r = await produce(h, batch(1), { acks: 2 });
      expect(r).toMatchObject({ errorCode: ErrorCode.INVALID_REQUIRED_ACKS, baseOffset: -1, logStartOffset: -1 });
      expect(h.partitions.leaderPartition('t', 0).logEndOffset).toBe(0);
    });

    it('accepts acks=all with one replica whatever min.insync.replicas says (effective min ISR)', async () => {
      await h.createTopic('mi', 1, { 'min.insync.replicas': '3' });
      expect(await produce(h, batch(1), { topic: 'mi', acks: -1 })).toMatchObject({ errorCode: 0, baseOffset: 0 });
    });

    it('answers NOT_ENOUGH_REPLICAS for acks=all when the ISR is below min.insync.replicas', async () => {
      await h.createTopic('mi', 1, { 'min.insync.replicas': '2' });
      const info = h.metadata.topic('mi')!.partitions[0]!;
      info.replicas = [info.leader, 7];
      const r = await produce(h, batch(1), { topic: 'mi', acks: -1 });
      expect(r).toMatchObject({ errorCode: ErrorCode.NOT_ENOUGH_REPLICAS, baseOffset: -1, logStartOffset: 0 });
      expect(await produce(h, batch(1), { topic: 'mi', acks: 1 })).toMatchObject({ errorCode: 0, baseOffset: 0 });
    });

    it('answers KAFKA_STORAGE_ERROR when the disk fails', async () => {
      const fs = new FaultyFs();
      const f = await openHarness([], fs);
      try {
        await f.createTopic('t', 1);
        fs.spaceLeft = 0;
        expect(await produce(f, batch(1))).toMatchObject({ errorCode: ErrorCode.KAFKA_STORAGE_ERROR, baseOffset: -1, logStartOffset: -1 });
      } finally {
        fs.spaceLeft = Infinity;
        await f.close();
      }
    });

    it('waits for the high watermark (acks=all) until it is reached or the timeout passes', async () => {
      const p = h.partitions.leaderPartition('t', 0);
      const reached = p.waitForHighWatermark(1, 1000, h.clock);
      const expired = p.waitForHighWatermark(5, 1000, h.clock);
      await produce(h, batch(1));
      expect(await reached).toBe(true);
      h.clock.advance(1000);
      expect(await expired).toBe(false);
      expect(await p.waitForHighWatermark(1, 0, h.clock)).toBe(true);
    });

    it('reports unknown topics and partitions without creating them', async () => {
      expect(await produce(h, batch(1), { topic: 'nope' })).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, logStartOffset: -1 });
      expect(await produce(h, batch(1), { partition: 9 })).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
      expect(h.metadata.topic('nope')).toBeUndefined();
    });
  });

  describe('read', () => {
    beforeEach(async () => {
      await produce(h, batch(3));
      await produce(h, batch(2));
    });

    it('returns the whole batch that holds a mid-batch fetch offset', async () => {
      const p = h.partitions.leaderPartition('t', 0);
      const r = await p.read(1, 1 << 20, FetchIsolation.HIGH_WATERMARK, true);
      expect(readBatchHeader(r.records, 0).baseOffset).toBe(0n);
    });

    it('returns the first batch whole even past the byte limit, and nothing more', async () => {
      const p = h.partitions.leaderPartition('t', 0);
      const r = await p.read(0, 10, FetchIsolation.HIGH_WATERMARK, true);
      const h0 = readBatchHeader(r.records, 0);
      expect(r.records.length).toBe(h0.batchLength + 12);
      expect((await p.read(0, 10, FetchIsolation.HIGH_WATERMARK, false)).records.length).toBe(0);
    });

    it('throws OFFSET_OUT_OF_RANGE outside [log start, log end] and reads nothing at the end', async () => {
      const p = h.partitions.leaderPartition('t', 0);
      await expect(p.read(6, 100, FetchIsolation.HIGH_WATERMARK, true)).rejects.toMatchObject({ kafkaErrorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
      expect((await p.read(5, 100, FetchIsolation.HIGH_WATERMARK, true)).records.length).toBe(0);
      expect(await p.deleteRecordsOnLeader(3)).toBe(3);
      await expect(p.read(2, 100, FetchIsolation.HIGH_WATERMARK, true)).rejects.toMatchObject({ kafkaErrorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
    });

    it('answers a reader at the end synchronously, exactly as read does, and only there', async () => {
      const p = h.partitions.leaderPartition('t', 0);
      for (const iso of [FetchIsolation.HIGH_WATERMARK, FetchIsolation.LOG_END, FetchIsolation.TXN_COMMITTED]) {
        const fast = p.emptyReadAt(5, iso);
        expect(fast).not.toBeNull();
        expect(withoutRelease(fast!)).toEqual(withoutRelease(await p.read(5, 100, iso, true)));
        expect(() => fast!.release()).not.toThrow();
        for (let o = 0; o < 5; o++) expect(p.emptyReadAt(o, iso)).toBeNull();
        expect(p.emptyReadAt(6, iso)).toBeNull(); // out of range: read reports it
      }
      expect(await p.deleteRecordsOnLeader(5)).toBe(5);
      expect(withoutRelease(p.emptyReadAt(5, FetchIsolation.HIGH_WATERMARK)!)).toEqual(withoutRelease(await p.read(5, 100, FetchIsolation.HIGH_WATERMARK, true)));
      expect(p.emptyReadAt(4, FetchIsolation.HIGH_WATERMARK)).toBeNull();
    });

    it('deletes records up to the high watermark only', async () => {
      const p = h.partitions.leaderPartition('t', 0);
      await expect(p.deleteRecordsOnLeader(6)).rejects.toMatchObject({ kafkaErrorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
      await expect(p.deleteRecordsOnLeader(-5)).rejects.toMatchObject({ kafkaErrorCode: ErrorCode.OFFSET_OUT_OF_RANGE });
      expect(await p.deleteRecordsOnLeader(-1)).toBe(5);
      expect(await p.deleteRecordsOnLeader(1)).toBe(5);
    });
  });

  describe('fetch with long polling', () => {
    it('answers at once when data is there', async () => {
      await produce(h, batch(2));
      const [r] = await fetchMessages(h.partitions, params(), [input()]);
      expect(r!.errorCode).toBe(0);
      expect(r!.records.length).toBeGreaterThan(0);
      expect(r!.highWatermark).toBe(2);
    });

    it('waits for min_bytes and is woken by an append, without the clock moving', async () => {
      let done = false;
      const pending = fetchMessages(h.partitions, params({ maxWaitMs: 10_000 }), [input()]).then((r) => {
        done = true;
        return r;
      });
      await settle();
      expect(done).toBe(false);
      expect(h.partitions.purgatory.delayed).toBe(1);
      await produce(h, batch(1));
      const [r] = await pending;
      expect(r!.records.length).toBeGreaterThan(0);
      expect(h.partitions.purgatory.delayed).toBe(0);
    });

    it('accumulates bytes across partitions and appends until min_bytes', async () => {
      const one = batch(1, 100).length;
      let done = false;
      const pending = fetchMessages(h.partitions, params({ maxWaitMs: 10_000, minBytes: 2 * one }), [input(), input({ partition: 1 })]).then((r) => {
        done = true;
        return r;
      });
      await settle();
      await produce(h, batch(1, 100));
      await settle();
      expect(done).toBe(false);
      await produce(h, batch(1, 100), { partition: 1 });
      const res = await pending;
      expect(res.map((r) => r.records.length)).toEqual([one, one]);
    });

    it('times out on the injected clock with an empty answer', async () => {
      let done = false;
      const pending = fetchMessages(h.partitions, params({ maxWaitMs: 500 }), [input()]).then((r) => {
        done = true;
        return r;
      });
      await settle();
      h.clock.advance(499);
      await settle();
      expect(done).toBe(false);
      h.clock.advance(1);
      const [r] = await pending;
      expect(r).toMatchObject({ errorCode: 0, highWatermark: 0, logStartOffset: 0 });
      expect(r!.records.length).toBe(0);
    });

    it('answers at once with errors and with max_wait_ms 0', async () => {
      const [oor] = await fetchMessages(h.partitions, params({ maxWaitMs: 10_000 }), [input({ fetchOffset: 7 })]);
      expect(oor).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: -1, lastStableOffset: -1, logStartOffset: -1 });
      const [empty] = await fetchMessages(h.partitions, params({ maxWaitMs: 0 }), [input()]);
      expect(empty!.records.length).toBe(0);
    });

    it('ends the wait when the topic is deleted', async () => {
      const pending = fetchMessages(h.partitions, params({ maxWaitMs: 60_000 }), [input()]);
      await settle();
      await h.topics.deleteTopic('t');
      const [r] = await pending;
      expect(r!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    });

    it('answers replica fetches as Kafka does for an unknown replica', async () => {
      const [a] = await fetchMessages(h.partitions, params({ replicaId: 5, isolation: FetchIsolation.LOG_END }), [input()]);
      const [b] = await fetchMessages(h.partitions, params({ replicaId: 5, isolation: FetchIsolation.LOG_END }), [input({ currentLeaderEpoch: 0 })]);
      expect([a!.errorCode, b!.errorCode]).toEqual([ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.UNKNOWN_LEADER_EPOCH]);
    });

    it('stops at the response byte budget after the first non-empty partition', async () => {
      await produce(h, batch(1, 300));
      await produce(h, batch(1, 300), { partition: 1 });
      const res = await fetchMessages(h.partitions, params({ maxBytes: 100 }), [input(), input({ partition: 1 })]);
      expect(res[0]!.records.length).toBeGreaterThan(100);
      expect(res[1]!.records.length).toBe(0);
    });
  });
});
