import { ErrorCode } from '../../../src/protocol/error-codes';
import { decodeMessageSet, readBatchHeader, readRecords, scanBatches } from '../../../src/protocol/records';
import { appendRecords } from '../../../src/replication/produce-append';
import { FetchHandler } from '../../../src/server/handlers/fetch';
import { batch, openHarness, type Harness } from '../../replication/support/harness';
import { call, fetchRequest } from './data-path-support';

describe('FetchHandler', () => {
  let h: Harness;
  let handler: FetchHandler;
  const produce = (records: Buffer, partition = 0, topic = 't') =>
    appendRecords(h.partitions, [{ topic, partition, records }], { acks: 1, timeoutMs: 1000, apiVersion: 9, internalTopicsAllowed: false });

  beforeEach(async () => {
    h = await openHarness();
    handler = new FetchHandler(h.partitions);
    await h.createTopic('t', 2);
    await produce(batch(3, 10, { timestamp: 1_000 }));
    await produce(batch(2, 10, { timestamp: 2_000 }));
  });
  afterEach(() => h.close());

  const part = (body: any, t = 0, p = 0) => body.responses[t].partitions[p];

  it('serves v0 (the minimum) with magic-0 messages, dropping records before a mid-batch offset', async () => {
    const { body } = await call(handler, 0, fetchRequest([['t', 0, 1]]));
    const p = part(body);
    expect(p).toMatchObject({ errorCode: 0, highWatermark: 5n });
    const messages = decodeMessageSet(p.records);
    expect(messages.map((m) => [m.magic, Number(m.offset), m.timestamp])).toEqual([
      [0, 1, -1],
      [0, 2, -1],
      [0, 3, -1],
      [0, 4, -1],
    ]);
  });

  it('serves magic-1 messages with timestamps at v2 and v3', async () => {
    for (const v of [2, 3]) {
      const messages = decodeMessageSet(part((await call(handler, v, fetchRequest([['t', 0, 0]]))).body).records);
      expect(messages.map((m) => [m.magic, Number(m.offset), m.timestamp])).toEqual([
        [1, 0, 1000],
        [1, 1, 1000],
        [1, 2, 1000],
        [1, 3, 2000],
        [1, 4, 2000],
      ]);
    }
  });

  it('returns a first batch larger than the limits whole from v3 (KIP-74), cut at the limit before', async () => {
    await produce(batch(1, 5000), 1);
    const v3 = part((await call(handler, 3, fetchRequest([['t', 1, 0, 100]], { maxBytes: 100 }))).body);
    expect(decodeMessageSet(v3.records)).toHaveLength(1);
    expect(v3.records.length).toBeGreaterThan(5000);
    const v2 = part((await call(handler, 2, fetchRequest([['t', 1, 0, 100]]))).body);
    expect(v2.records.length).toBe(100);
    expect(decodeMessageSet(v2.records)).toHaveLength(0);
    const v12 = part((await call(handler, 12, fetchRequest([['t', 1, 0, 100]]))).body);
    expect(readBatchHeader(v12.records).recordCount).toBe(1);
  });

  it('reports the LSO from v4, and aborted transactions null for read_uncommitted, [] for read_committed', async () => {
    const ru = part((await call(handler, 4, fetchRequest([['t', 0, 0]]))).body);
    expect(ru).toMatchObject({ lastStableOffset: 5n, logStartOffset: -1n, abortedTransactions: null });
    const rc = part((await call(handler, 5, fetchRequest([['t', 0, 0]], { isolationLevel: 1 }))).body);
    expect(rc).toMatchObject({ lastStableOffset: 5n, logStartOffset: 0n, abortedTransactions: [] });
  });

  it('answers out-of-range offsets and unknown partitions as Kafka', async () => {
    const { body } = await call(handler, 12, fetchRequest([['t', 0, 9], ['nope', 0, 0]]));
    expect(part(body, 0)).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null });
    expect(part(body, 0).records.length).toBe(0);
    expect(part(body, 1)).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, highWatermark: -1n, abortedTransactions: [] });
  });

  it('creates a session on a full v7 fetch and returns only changed partitions incrementally', async () => {
    const first = (await call(handler, 7, fetchRequest([['t', 0, 5], ['t', 1, 0]], { sessionId: 0, sessionEpoch: 0 }))).body;
    expect(first.sessionId).toBeGreaterThan(0);
    expect(first.responses[0].partitions.map((p: any) => p.partitionIndex)).toEqual([0, 1]);
    const quiet = (await call(handler, 7, fetchRequest([], { sessionId: first.sessionId, sessionEpoch: 1 }))).body;
    expect(quiet).toMatchObject({ errorCode: 0, sessionId: first.sessionId, responses: [] });
    await produce(batch(1), 1);
    const changed = (await call(handler, 7, fetchRequest([], { sessionId: first.sessionId, sessionEpoch: 2 }))).body;
    expect(changed.responses).toHaveLength(1);
    expect(changed.responses[0].partitions.map((p: any) => [p.partitionIndex, p.highWatermark])).toEqual([[1, 1n]]);
    const stale = (await call(handler, 7, fetchRequest([], { sessionId: first.sessionId, sessionEpoch: 2 }))).body;
    expect(stale).toMatchObject({ errorCode: ErrorCode.INVALID_FETCH_SESSION_EPOCH, sessionId: 0, responses: [] });
    const missing = (await call(handler, 7, fetchRequest([], { sessionId: 1, sessionEpoch: 1 }))).body;
    expect(missing.errorCode).toBe(ErrorCode.FETCH_SESSION_ID_NOT_FOUND);
  });

  it('checks the last fetched epoch (v12) against the leader epoch cache', async () => {
    const ok = part((await call(handler, 12, fetchRequest([['t', 0, 3]], {}))).body);
    expect(ok.errorCode).toBe(0);
    const req = fetchRequest([['t', 0, 3]]);
    req.topics[0].partitions[0].lastFetchedEpoch = 4;
    expect(part((await call(handler, 12, req)).body).errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    req.topics[0].partitions[0].lastFetchedEpoch = 0;
    expect(readRecords(part((await call(handler, 12, req)).body).records).length).toBeGreaterThan(0);
  });

  it('names topics by id from v13, UNKNOWN_TOPIC_ID for an unknown id', async () => {
    const topicId = h.metadata.topic('t')!.topicId;
    const { body } = await call(handler, 13, fetchRequest([['t', 0, 0]], { topicIds: { t: topicId } }));
    expect(body.responses[0]).toMatchObject({ topic: '', topicId });
    expect(scanBatches(part(body).records).batches).toHaveLength(2);
    const unknown = (await call(handler, 13, fetchRequest([['x', 0, 0]], { topicIds: { x: 'AAAAAAAAAAAAAAAAAAAAAQ' } }))).body;
    expect(part(unknown)).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_ID, highWatermark: -1n });
  });

  it('serves v18 (the maximum); a replica fetch gets NOT_LEADER_OR_FOLLOWER with the current leader', async () => {
    const topicIds = { t: h.metadata.topic('t')!.topicId };
    const consumer = part((await call(handler, 18, fetchRequest([['t', 0, 0]], { topicIds }))).body);
    expect(consumer).toMatchObject({ errorCode: 0, highWatermark: 5n, preferredReadReplica: -1 });
    const replica = (await call(handler, 18, fetchRequest([['t', 0, 0]], { topicIds, replicaState: { replicaId: 5, replicaEpoch: 1n } }))).body;
    expect(part(replica)).toMatchObject({ errorCode: ErrorCode.NOT_LEADER_OR_FOLLOWER, currentLeader: { leaderId: h.config.nodeId, leaderEpoch: 0 } });
  });

  it('returns zstd batches to any version from v4 (Kafka 4.4), and cannot down-convert them (v0-v3)', async () => {
    await h.createTopic('z', 1, { 'compression.type': 'zstd' });
    await produce(batch(2), 0, 'z');
    expect(readBatchHeader(part((await call(handler, 9, fetchRequest([['z', 0, 0]]))).body).records).attributes & 7).toBe(4);
    expect(part((await call(handler, 3, fetchRequest([['z', 0, 0]]))).body).errorCode).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  });
});
