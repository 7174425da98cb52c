import { ErrorCode } from '../../../src/protocol/error-codes';
import type { TestBroker } from './helpers';
import { ADD_PARTITIONS_TO_TXN, addPartitions, connect, findTxnCoordinator, initProducerId, txnBroker } from './txn-support';

describe('AddPartitionsToTxn', () => {
  let b: TestBroker;
  beforeAll(async () => (b = await txnBroker()));
  afterAll(() => b.stop());

  it('adds partitions (v0-3), answering every partition with the coordinator\'s error', async () => {
    const c = await connect(b);
    await findTxnCoordinator(c, 'ap-1');
    const p = await initProducerId(c, 'ap-1');
    expect(await addPartitions(c, 'ap-1', p.producerId, p.producerEpoch, [{ name: 't', partitions: [0, 1] }])).toEqual([0, 0]);
    expect(await addPartitions(c, 'ap-1', p.producerId + 1n, p.producerEpoch, [{ name: 't', partitions: [0] }], 0)).toEqual([ErrorCode.INVALID_PRODUCER_ID_MAPPING]);
    expect(await addPartitions(c, 'ap-1', p.producerId, 7, [{ name: 't', partitions: [0] }], 2)).toEqual([ErrorCode.PRODUCER_FENCED]);
    expect(await addPartitions(c, 'ap-1', p.producerId, 7, [{ name: 't', partitions: [0] }], 1)).toEqual([ErrorCode.INVALID_PRODUCER_EPOCH]);
    const described = await b.broker.services.transactions.describeTransaction('ap-1');
    expect(described).toMatchObject({ state: 'Ongoing', partitions: [{ topic: 't', partition: 0 }, { topic: 't', partition: 1 }] });
    await c.close();
  });

  it('fails the whole transaction when a partition is unknown or internal', async () => {
    const c = await connect(b);
    await findTxnCoordinator(c, 'ap-2');
    const p = await initProducerId(c, 'ap-2');
    const r = await c.request(ADD_PARTITIONS_TO_TXN, 3, {
      transactions: [],
      v3AndBelowTransactionalId: 'ap-2',
      v3AndBelowProducerId: p.producerId,
      v3AndBelowProducerEpoch: 0,
      v3AndBelowTopics: [{ name: 't', partitions: [0, 9] }, { name: 'nope', partitions: [0] }, { name: '__consumer_offsets', partitions: [0] }],
    });
    expect(r.resultsByTopicV3AndBelow).toEqual([
      { name: 't', resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: ErrorCode.OPERATION_NOT_ATTEMPTED }, { partitionIndex: 9, partitionErrorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
      { name: 'nope', resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
      { name: '__consumer_offsets', resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED }] },
    ]);
    expect((await b.broker.services.transactions.describeTransaction('ap-2')).state).toBe('Empty');
    await c.close();
  });

  it('v4+ batches transactions, adding or only verifying', async () => {
    const c = await connect(b);
    await findTxnCoordinator(c, 'ap-3');
    await findTxnCoordinator(c, 'ap-4');
    const p3 = await initProducerId(c, 'ap-3');
    const p4 = await initProducerId(c, 'ap-4');
    const r = await c.request(ADD_PARTITIONS_TO_TXN, 5, {
      transactions: [
        { transactionalId: 'ap-3', producerId: p3.producerId, producerEpoch: 0, verifyOnly: false, topics: [{ name: 't', partitions: [1] }] },
        { transactionalId: 'ap-4', producerId: p4.producerId, producerEpoch: 0, verifyOnly: true, topics: [{ name: 't', partitions: [0] }] },
      ],
      v3AndBelowTransactionalId: '', v3AndBelowProducerId: 0n, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [],
    });
    expect(r.errorCode).toBe(0);
    expect(r.resultsByTransaction).toEqual([
      { transactionalId: 'ap-3', topicResults: [{ name: 't', resultsByPartition: [{ partitionIndex: 1, partitionErrorCode: 0 }] }] },
      { transactionalId: 'ap-4', topicResults: [{ name: 't', resultsByPartition: [{ partitionIndex: 0, partitionErrorCode: ErrorCode.TRANSACTION_ABORTABLE }] }] },
    ]);
    const v = await c.request(ADD_PARTITIONS_TO_TXN, 4, {
      transactions: [{ transactionalId: 'ap-3', producerId: p3.producerId, producerEpoch: 0, verifyOnly: true, topics: [{ name: 't', partitions: [1] }] }],
      v3AndBelowTransactionalId: '', v3AndBelowProducerId: 0n, v3AndBelowProducerEpoch: 0, v3AndBelowTopics: [],
    });
    expect(v.resultsByTransaction[0].topicResults[0].resultsByPartition[0].partitionErrorCode).toBe(0);
    // A v4+ add speaks for a transactions-v2 producer.
    expect((await b.broker.services.transactions.shardOf('ap-3')).metadata('ap-3')?.clientTransactionVersion).toBe(2);
    await c.close();
  });
});
