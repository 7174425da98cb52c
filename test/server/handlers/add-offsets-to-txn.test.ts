import { ErrorCode } from '../../../src/protocol/error-codes';
import type { TestBroker } from './helpers';
import { ADD_OFFSETS_TO_TXN, connect, findGroupCoordinator, findTxnCoordinator, initProducerId, txnBroker } from './txn-support';

describe('AddOffsetsToTxn', () => {
  let b: TestBroker;
  beforeAll(async () => (b = await txnBroker()));
  afterAll(() => b.stop());

  it('adds the group\'s __consumer_offsets partition to the transaction', async () => {
    const c = await connect(b);
    await findTxnCoordinator(c, 'ao-1');
    await findGroupCoordinator(c, 'group-x');
    const p = await initProducerId(c, 'ao-1');
    const r = await c.request(ADD_OFFSETS_TO_TXN, 3, { transactionalId: 'ao-1', producerId: p.producerId, producerEpoch: 0, groupId: 'group-x' });
    expect(r).toEqual({ throttleTimeMs: 0, errorCode: 0 });
    const partition = b.broker.services.groups.partitionFor('group-x');
    expect((await b.broker.services.transactions.describeTransaction('ao-1')).partitions).toEqual([{ topic: '__consumer_offsets', partition }]);
    await c.close();
  });

  it('answers the coordinator\'s errors, PRODUCER_FENCED as INVALID_PRODUCER_EPOCH before v2', async () => {
    const c = await connect(b);
    await findTxnCoordinator(c, 'ao-2');
    const p = await initProducerId(c, 'ao-2');
    const req = (epoch: number) => ({ transactionalId: 'ao-2', producerId: p.producerId, producerEpoch: epoch, groupId: 'g' });
    expect((await c.request(ADD_OFFSETS_TO_TXN, 2, req(5))).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await c.request(ADD_OFFSETS_TO_TXN, 1, req(5))).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await c.request(ADD_OFFSETS_TO_TXN, 4, { ...req(0), producerId: 12345n })).errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    await c.close();
  });
});
