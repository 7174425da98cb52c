import { ErrorCode } from '../../../src/protocol/error-codes';
import type { TestBroker } from './helpers';
import { addPartitions, connect, endTxn, eventually, findTxnCoordinator, initProducerId, produce, producerBatch, txnBroker } from './txn-support';

describe('EndTxn', () => {
  let b: TestBroker;
  beforeAll(async () => (b = await txnBroker()));
  afterAll(() => b.stop());
  const state = async (id: string): Promise<string> => (await b.broker.services.transactions.describeTransaction(id)).state;

  it('commits: markers reach the partitions and the LSO moves past them (v0-4: no epoch bump)', async () => {
    const c = await connect(b);
    await findTxnCoordinator(c, 'et-1');
    const p = await initProducerId(c, 'et-1');
    await addPartitions(c, 'et-1', p.producerId, 0, [{ name: 't', partitions: [0] }]);
    expect((await produce(c, 0, producerBatch({ pid: p.producerId, seq: 0, txn: true }), 'et-1')).errorCode).toBe(0);
    const part = b.broker.services.partitions.leaderPartition('t', 0);
    expect(part.lastStableOffset).toBeLessThan(part.highWatermark);
    expect(await endTxn(c, 'et-1', p.producerId, 0, true, 4)).toEqual({ throttleTimeMs: 0, errorCode: 0, producerId: -1n, producerEpoch: -1 });
    await eventually(async () => (await state('et-1')) === 'CompleteCommit');
    expect(part.lastStableOffset).toBe(part.logEndOffset);
    // The same EndTxn again is answered NONE; the other outcome is INVALID_TXN_STATE.
    expect((await endTxn(c, 'et-1', p.producerId, 0, true)).errorCode).toBe(0);
    expect((await endTxn(c, 'et-1', p.producerId, 0, false)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    await c.close();
  });

  it('v5 (transactions v2) answers with the bumped epoch', async () => {
    const c = await connect(b);
    await findTxnCoordinator(c, 'et-2');
    const p = await initProducerId(c, 'et-2');
    // Produce v12 adds the partition itself.
    expect((await produce(c, 1, producerBatch({ pid: p.producerId, seq: 0, txn: true }), 'et-2', 't', 12)).errorCode).toBe(0);
    expect(await endTxn(c, 'et-2', p.producerId, 0, false, 5)).toEqual({ throttleTimeMs: 0, errorCode: 0, producerId: p.producerId, producerEpoch: 1 });
    await eventually(async () => (await state('et-2')) === 'CompleteAbort');
    // The old epoch retrying the abort is answered NONE with the current epoch.
    expect(await endTxn(c, 'et-2', p.producerId, 0, false, 5)).toMatchObject({ errorCode: 0, producerEpoch: 1 });
    await c.close();
  });

  it('errors: unknown id, fenced epoch (INVALID_PRODUCER_EPOCH before v2), nothing to commit', async () => {
    const c = await connect(b);
    await findTxnCoordinator(c, 'et-3');
    expect((await endTxn(c, 'et-3', 1n, 0, true)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    const p = await initProducerId(c, 'et-3');
    expect((await endTxn(c, 'et-3', p.producerId, 0, true)).errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    expect((await endTxn(c, 'et-3', p.producerId, 3, true, 2)).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await endTxn(c, 'et-3', p.producerId, 3, true, 1)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    expect((await endTxn(c, '', p.producerId, 0, true)).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    await c.close();
  });
});
