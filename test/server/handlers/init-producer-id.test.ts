import { ErrorCode } from '../../../src/protocol/error-codes';
import type { TestBroker } from './helpers';
import { connect, findTxnCoordinator, INIT_PRODUCER_ID, initProducerId, txnBroker } from './txn-support';

describe('InitProducerId', () => {
  let b: TestBroker;
  beforeAll(async () => (b = await txnBroker(['transaction.max.timeout.ms=120000'])));
  afterAll(() => b.stop());

  it('gives idempotent producers a new id with epoch 0 at every version', async () => {
    const c = await connect(b);
    const ids: bigint[] = [];
    for (let v = 0; v <= 5; v++) {
      const r = await initProducerId(c, null, v);
      expect(r).toMatchObject({ errorCode: 0, producerEpoch: 0 });
      ids.push(r.producerId);
    }
    expect(new Set(ids).size).toBe(6);
    await c.close();
  });

  it('bumps the epoch of a transactional id, once its coordinator was looked up', async () => {
    const c = await connect(b);
    expect((await initProducerId(c, 'ip-1')).errorCode).toBe(ErrorCode.NOT_COORDINATOR);
    expect(await findTxnCoordinator(c, 'ip-1')).toBe(0);
    const first = await initProducerId(c, 'ip-1');
    expect(first).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(await initProducerId(c, 'ip-1', 2)).toEqual({ throttleTimeMs: 0, errorCode: 0, producerId: first.producerId, producerEpoch: 1 });
    await c.close();
  });

  it('checks the timeout and the request fields', async () => {
    const c = await connect(b);
    await findTxnCoordinator(c, 'ip-2');
    expect(await initProducerId(c, 'ip-2', 4, { transactionTimeoutMs: 120_001 })).toMatchObject({ errorCode: ErrorCode.INVALID_TRANSACTION_TIMEOUT, producerId: -1n, producerEpoch: -1 });
    expect((await initProducerId(c, '', 4)).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    // v3+: a producer id without an epoch (or the reverse) is malformed.
    expect((await c.request(INIT_PRODUCER_ID, 3, { transactionalId: 'ip-2', transactionTimeoutMs: 1000, producerId: 5n, producerEpoch: -1 })).errorCode).toBe(ErrorCode.INVALID_REQUEST);
    await c.close();
  });

  it('KIP-360: a producer naming its id and epoch bumps, retries, or is fenced (INVALID_PRODUCER_EPOCH before v4)', async () => {
    const c = await connect(b);
    await findTxnCoordinator(c, 'ip-3');
    const a = await initProducerId(c, 'ip-3');
    const bumped = await initProducerId(c, 'ip-3', 4, { producerId: a.producerId, producerEpoch: 0 });
    expect(bumped).toMatchObject({ errorCode: 0, producerId: a.producerId, producerEpoch: 1 });
    // The retry of that request (same expected epoch) gets the same epoch.
    expect(await initProducerId(c, 'ip-3', 4, { producerId: a.producerId, producerEpoch: 0 })).toMatchObject({ errorCode: 0, producerEpoch: 1 });
    await initProducerId(c, 'ip-3'); // another producer takes over: epoch 2
    expect((await initProducerId(c, 'ip-3', 4, { producerId: a.producerId, producerEpoch: 1 })).errorCode).toBe(ErrorCode.PRODUCER_FENCED);
    expect((await initProducerId(c, 'ip-3', 3, { producerId: a.producerId, producerEpoch: 1 })).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    await c.close();
  });
});
