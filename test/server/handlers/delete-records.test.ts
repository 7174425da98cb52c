import { ErrorCode } from '../../../src/protocol/error-codes';
import { appendRecords } from '../../../src/replication/produce-append';
import { DeleteRecordsHandler } from '../../../src/server/handlers/delete-records';
import { batch, openHarness, type Harness } from '../../replication/support/harness';
import { call } from './data-path-support';

const request = (topic: string, parts: Array<[number, number]>) => ({
  timeoutMs: 1000,
  topics: [{ name: topic, partitions: parts.map(([partitionIndex, offset]) => ({ partitionIndex, offset: BigInt(offset) })) }],
});

describe('DeleteRecordsHandler', () => {
  let h: Harness;
  let handler: DeleteRecordsHandler;
  beforeEach(async () => {
    h = await openHarness();
    handler = new DeleteRecordsHandler(h.partitions);
    await h.createTopic('t', 2);
    await appendRecords(h.partitions, [{ topic: 't', partition: 0, records: batch(5) }], { acks: 1, timeoutMs: 1, apiVersion: 9, internalTopicsAllowed: false });
  });
  afterEach(() => h.close());

  for (const v of [0, 2]) {
    it(`moves the log start offset and reports the low watermark (v${v})`, async () => {
      const { body } = await call(handler, v, request('t', [[0, 3], [1, -1], [5, 0]]));
      expect(body.topics[0].partitions).toEqual([
        expect.objectContaining({ partitionIndex: 0, errorCode: 0, lowWatermark: 3n }),
        expect.objectContaining({ partitionIndex: 1, errorCode: 0, lowWatermark: 0n }),
        expect.objectContaining({ partitionIndex: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, lowWatermark: -1n }),
      ]);
      expect(h.partitions.leaderPartition('t', 0).logStartOffset).toBe(3);
    });
  }

  it('takes -1 as the high watermark and refuses offsets beyond it', async () => {
    const { body } = await call(handler, 2, request('t', [[0, 6]]));
    expect(body.topics[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, lowWatermark: -1n });
    const all = (await call(handler, 2, request('t', [[0, -1]]))).body;
    expect(all.topics[0].partitions[0]).toMatchObject({ errorCode: 0, lowWatermark: 5n });
    const back = (await call(handler, 2, request('t', [[0, 1]]))).body;
    expect(back.topics[0].partitions[0]).toMatchObject({ errorCode: 0, lowWatermark: 5n });
    const negative = (await call(handler, 2, request('t', [[0, -2]]))).body;
    expect(negative.topics[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
  });

  it('refuses compacted topics and internal topics', async () => {
    await h.createTopic('cmp', 1, { 'cleanup.policy': 'compact' });
    expect((await call(handler, 2, request('cmp', [[0, 0]]))).body.topics[0].partitions[0].errorCode).toBe(ErrorCode.POLICY_VIOLATION);
    await h.topics.createTopic({ name: '__internal', numPartitions: 1, replicationFactor: 1, configs: {}, internal: true });
    expect((await call(handler, 2, request('__internal', [[0, 0]]))).body.topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_TOPIC_EXCEPTION);
  });
});
