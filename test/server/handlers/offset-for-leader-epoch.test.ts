import { ErrorCode } from '../../../src/protocol/error-codes';
import { appendRecords } from '../../../src/replication/produce-append';
import { endOffsetForEpoch } from '../../../src/replication/offset-lookup';
import { OffsetForLeaderEpochHandler } from '../../../src/server/handlers/offset-for-leader-epoch';
import { batch, openHarness, type Harness } from '../../replication/support/harness';
import { call } from './data-path-support';

const request = (topic: string, parts: Array<[number, number, number]>) => ({
  replicaId: -1,
  topics: [{ topic, partitions: parts.map(([partition, leaderEpoch, currentLeaderEpoch]) => ({ partition, leaderEpoch, currentLeaderEpoch })) }],
});

describe('OffsetForLeaderEpochHandler', () => {
  let h: Harness;
  let handler: OffsetForLeaderEpochHandler;
  beforeEach(async () => {
    h = await openHarness();
    handler = new OffsetForLeaderEpochHandler(h.partitions);
    await h.createTopic('t', 2);
    await appendRecords(h.partitions, [{ topic: 't', partition: 0, records: batch(4) }], { acks: 1, timeoutMs: 1, apiVersion: 9, internalTopicsAllowed: false });
  });
  afterEach(() => h.close());

  it('serves v0 (the minimum): end offset of the latest epoch is the log end', async () => {
    const { body } = await call(handler, 0, request('t', [[0, 0, -1]]));
    expect(body.topics[0].partitions[0]).toMatchObject({ errorCode: 0, partition: 0, endOffset: 4n });
  });

  it('serves v4 (the maximum) with epochs, undefined offsets and epoch fencing', async () => {
    const { body } = await call(handler, 4, request('t', [[0, 0, -1], [0, 3, -1], [0, -1, -1], [1, 0, -1], [0, 0, 1], [9, 0, -1]]));
    expect(body.topics[0].partitions.map((p: any) => [p.errorCode, p.leaderEpoch, p.endOffset])).toEqual([
      [0, 0, 4n],
      [0, -1, -1n], // above every cached epoch
      [0, -1, -1n],
      [0, 0, 0n], // empty partition: the leader's epoch starts at 0 (Kafka's makeLeader)
      [ErrorCode.UNKNOWN_LEADER_EPOCH, -1, -1n],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1, -1n],
    ]);
    h.metadata.topic('t')!.partitions[0]!.leaderEpoch = 2;
    const fenced = (await call(handler, 4, request('t', [[0, 0, 1]]))).body;
    expect(fenced.topics[0].partitions[0].errorCode).toBe(ErrorCode.FENCED_LEADER_EPOCH);
  });

  it('computes end offsets as Kafka’s LeaderEpochFileCache', () => {
    const entries = [
      { epoch: 2, startOffset: 10 },
      { epoch: 5, startOffset: 20 },
      { epoch: 7, startOffset: 30 },
    ];
    expect(endOffsetForEpoch(entries, 7, 40)).toEqual({ epoch: 7, endOffset: 40 });
    expect(endOffsetForEpoch(entries, 5, 40)).toEqual({ epoch: 5, endOffset: 30 });
    expect(endOffsetForEpoch(entries, 6, 40)).toEqual({ epoch: 5, endOffset: 30 });
    expect(endOffsetForEpoch(entries, 1, 40)).toEqual({ epoch: 1, endOffset: 10 });
    expect(endOffsetForEpoch(entries, 8, 40)).toEqual({ epoch: -1, endOffset: -1 });
    expect(endOffsetForEpoch([], 0, 40)).toEqual({ epoch: -1, endOffset: -1 });
  });
});
