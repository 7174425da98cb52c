import { ErrorCode } from '../../../src/protocol/error-codes';
import { appendRecords } from '../../../src/replication/produce-append';
import { ListOffsetsHandler } from '../../../src/server/handlers/list-offsets';
import { batch, openHarness, type Harness } from '../../replication/support/harness';
import { call } from './data-path-support';

const request = (parts: Array<[number, number]>, o: { topic?: string; epoch?: number; max?: number; isolationLevel?: number } = {}) => ({
  replicaId: -1,
  isolationLevel: o.isolationLevel ?? 0,
  timeoutMs: 1000,
  topics: [
    {
      name: o.topic ?? 't',
      partitions: parts.map(([partitionIndex, ts]) => ({ partitionIndex, currentLeaderEpoch: o.epoch ?? -1, timestamp: BigInt(ts), maxNumOffsets: o.max ?? 1 })),
    },
  ],
});

describe('ListOffsetsHandler', () => {
  let h: Harness;
  let handler: ListOffsetsHandler;
  const first = async (v: number, ts: number, o: Parameters<typeof request>[1] = {}) => (await call(handler, v, request([[0, ts]], o))).body.topics[0].partitions[0];

  beforeEach(async () => {
    h = await openHarness();
    handler = new ListOffsetsHandler(h.partitions);
    await h.createTopic('t', 1);
    const produce = (records: Buffer) => appendRecords(h.partitions, [{ topic: 't', partition: 0, records }], { acks: 1, timeoutMs: 1, apiVersion: 9, internalTopicsAllowed: false });
    const at = (ts: number[]) => batch(0, 0, { records: ts.map((timestamp, i) => ({ key: null, value: Buffer.from(`v${i}`), timestamp })) });
    await produce(at([1000, 1001, 1002]));
    await produce(at([5000, 3000]));
  });
  afterEach(() => h.close());

  it('serves v0 (the minimum) with old-style offset lists', async () => {
    expect((await first(0, -1, { max: 5 })).oldStyleOffsets).toEqual([5n, 0n]);
    expect((await first(0, -1)).oldStyleOffsets).toEqual([5n]);
    expect((await first(0, -2, { max: 5 })).oldStyleOffsets).toEqual([0n]);
    expect(await first(0, -3)).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_VERSION, oldStyleOffsets: [] });
  });

  it('finds earliest, latest and the first record at or after a timestamp (v1)', async () => {
    expect(await first(1, -2)).toMatchObject({ errorCode: 0, offset: 0n, timestamp: -1n });
    expect(await first(1, -1)).toMatchObject({ errorCode: 0, offset: 5n, timestamp: -1n });
    expect(await first(1, 1001)).toMatchObject({ errorCode: 0, offset: 1n, timestamp: 1001n });
    expect(await first(1, 4000)).toMatchObject({ errorCode: 0, offset: 3n, timestamp: 5000n });
    expect(await first(1, 6000)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n });
  });

  it('reports leader epochs and checks the current leader epoch from v4', async () => {
    expect(await first(4, -1)).toMatchObject({ offset: 5n, leaderEpoch: 0 });
    expect(await first(4, 1000)).toMatchObject({ offset: 0n, leaderEpoch: 0 });
    expect(await first(4, -1, { epoch: 1 })).toMatchObject({ errorCode: ErrorCode.UNKNOWN_LEADER_EPOCH, offset: -1n });
    expect(await first(3, -1)).toMatchObject({ offset: 5n, leaderEpoch: -1 });
  });

  it('serves max timestamp from v7 and refuses it before', async () => {
    expect(await first(6, -3)).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_VERSION, offset: -1n });
    expect(await first(7, -3)).toMatchObject({ errorCode: 0, offset: 3n, timestamp: 5000n, leaderEpoch: 0 });
  });

  it('serves v11 (the maximum): earliest local is the log start, tiered positions have no offset', async () => {
    expect(await first(8, -4)).toMatchObject({ errorCode: 0, offset: 0n, leaderEpoch: 0 });
    expect(await first(8, -5)).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_VERSION });
    expect(await first(11, -5)).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n, leaderEpoch: -1 });
    expect(await first(11, -6)).toMatchObject({ errorCode: 0, offset: -1n, leaderEpoch: -1 });
    expect(await first(11, -7)).toMatchObject({ errorCode: ErrorCode.UNSUPPORTED_VERSION });
  });

  it('reports the leader epoch of an empty partition, as Kafka (the epoch starts when leadership does)', async () => {
    await h.createTopic('empty', 1);
    expect(await first(11, -2, { topic: 'empty' })).toMatchObject({ offset: 0n, leaderEpoch: 0 });
    expect(await first(11, -1, { topic: 'empty' })).toMatchObject({ offset: 0n, leaderEpoch: 0 });
    expect(await first(11, -3, { topic: 'empty' })).toMatchObject({ errorCode: 0, offset: -1n, timestamp: -1n, leaderEpoch: -1 });
    expect(await first(11, 0, { topic: 'empty' })).toMatchObject({ errorCode: 0, offset: -1n, leaderEpoch: -1 });
  });

  it('follows DeleteRecords, and answers unknown and duplicate partitions as Kafka', async () => {
    await h.partitions.leaderPartition('t', 0).deleteRecordsOnLeader(2);
    expect(await first(11, -2)).toMatchObject({ offset: 2n });
    expect(await first(11, -1, { topic: 'nope' })).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, offset: -1n, timestamp: -1n });
    const dup = (await call(handler, 11, request([[0, -1], [0, -2]]))).body.topics[0].partitions;
    expect(dup.map((p: any) => p.errorCode)).toEqual([ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_REQUEST]);
  });
});
