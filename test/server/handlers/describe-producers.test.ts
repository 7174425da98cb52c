import { ErrorCode } from '../../../src/protocol/error-codes';
import type { TestBroker } from './helpers';
import { connect, DESCRIBE_PRODUCERS, initProducerId, produce, producerBatch, txnBroker } from './txn-support';

describe('DescribeProducers', () => {
  let b: TestBroker;
  beforeAll(async () => (b = await txnBroker(['transaction.partition.verification.enable=false'])));
  afterAll(() => b.stop());

  it('lists the producers with state on each partition, open transactions included', async () => {
    const c = await connect(b);
    const idem = await initProducerId(c, null);
    const txn = await initProducerId(c, null);
    await produce(c, 0, producerBatch({ pid: idem.producerId, seq: 0, n: 3 }));
    await produce(c, 0, producerBatch({ pid: txn.producerId, seq: 0, txn: true }), 'dp');
    const r = await c.request(DESCRIBE_PRODUCERS, 0, { topics: [{ name: 't', partitionIndexes: [0, 1, 5] }] });
    const [p0, p1, p5] = r.topics[0].partitions;
    expect(p0.errorCode).toBe(0);
    expect(p0.activeProducers.map((a: any) => ({ ...a, lastTimestamp: a.lastTimestamp > 0n }))).toEqual([
      { producerId: idem.producerId, producerEpoch: 0, lastSequence: 2, lastTimestamp: true, coordinatorEpoch: -1, currentTxnStartOffset: -1n },
      { producerId: txn.producerId, producerEpoch: 0, lastSequence: 0, lastTimestamp: true, coordinatorEpoch: -1, currentTxnStartOffset: 3n },
    ]);
    expect(p1).toEqual({ partitionIndex: 1, errorCode: 0, errorMessage: null, activeProducers: [] });
    expect(p5).toEqual({ partitionIndex: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, activeProducers: [] });
    await c.close();
  });

  it('answers unknown and illegal topic names per partition, with Kafka\'s messages', async () => {
    const c = await connect(b);
    const r = await c.request(DESCRIBE_PRODUCERS, 0, { topics: [{ name: 'nope', partitionIndexes: [0] }, { name: 'bad name!', partitionIndexes: [0, 1] }] });
    expect(r.topics[0].partitions).toEqual([{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.', activeProducers: [] }]);
    expect(r.topics[1].partitions.map((p: any) => p.errorCode)).toEqual([ErrorCode.INVALID_TOPIC_EXCEPTION, ErrorCode.INVALID_TOPIC_EXCEPTION]);
    expect(r.topics[1].partitions[0].errorMessage).toMatch(/^Topic name is invalid: /);
    await c.close();
  });
});
