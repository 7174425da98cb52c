import { ErrorCode } from '../../../src/protocol/error-codes';
import type { TestBroker } from './helpers';
import { addPartitions, connect, DESCRIBE_TRANSACTIONS, findTxnCoordinator, initProducerId, txnBroker } from './txn-support';

describe('DescribeTransactions', () => {
  let b: TestBroker;
  beforeAll(async () => (b = await txnBroker()));
  afterAll(() => b.stop());

  it('describes known ids and answers TRANSACTIONAL_ID_NOT_FOUND for the others', async () => {
    const c = await connect(b);
    await findTxnCoordinator(c, 'dt-1');
    const before = Date.now();
    const p = await initProducerId(c, 'dt-1', 4, { transactionTimeoutMs: 12_345 });
    await addPartitions(c, 'dt-1', p.producerId, 0, [{ name: 't', partitions: [1, 0] }]);
    const r = await c.request(DESCRIBE_TRANSACTIONS, 0, { transactionalIds: ['dt-1', 'unknown', ''] });
    const [known, unknown, empty] = r.transactionStates;
    expect({ ...known, transactionStartTimeMs: undefined }).toEqual({
      errorCode: 0, transactionalId: 'dt-1', transactionState: 'Ongoing', transactionTimeoutMs: 12_345, transactionStartTimeMs: undefined,
      producerId: p.producerId, producerEpoch: 0, topics: [{ topic: 't', partitions: [0, 1] }],
    });
    expect(Number(known.transactionStartTimeMs)).toBeGreaterThanOrEqual(before);
    expect(unknown).toEqual({ errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, transactionalId: 'unknown', transactionState: '', transactionTimeoutMs: 0, transactionStartTimeMs: 0n, producerId: 0n, producerEpoch: 0, topics: [] });
    expect(empty.errorCode).toBe(ErrorCode.INVALID_REQUEST);
    expect((await c.request(DESCRIBE_TRANSACTIONS, 0, { transactionalIds: [] })).transactionStates).toEqual([]);
    await c.close();
  });
});
