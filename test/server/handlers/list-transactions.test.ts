import { ErrorCode } from '../../../src/protocol/error-codes';
import type { TestBroker } from './helpers';
import { addPartitions, connect, findTxnCoordinator, initProducerId, LIST_TRANSACTIONS, txnBroker } from './txn-support';

describe('ListTransactions', () => {
  let b: TestBroker;
  beforeAll(async () => (b = await txnBroker()));
  afterAll(() => b.stop());

  it('filters by state, producer id, duration (v1) and id pattern (v2)', async () => {
    const c = await connect(b);
    for (const id of ['lt-open', 'lt-idle', 'my-special-1']) await findTxnCoordinator(c, id);
    const open = await initProducerId(c, 'lt-open');
    await addPartitions(c, 'lt-open', open.producerId, 0, [{ name: 't', partitions: [0] }]);
    const idle = await initProducerId(c, 'lt-idle');
    await initProducerId(c, 'my-special-1');
    const list = async (v: number, f: Record<string, unknown> = {}) => {
      const r = await c.request(LIST_TRANSACTIONS, v, { stateFilters: [], producerIdFilters: [], durationFilter: -1n, transactionalIdPattern: null, ...f });
      return { ...r, ids: r.transactionStates.map((t: any) => t.transactionalId).sort() };
    };
    expect((await list(0)).ids).toEqual(['lt-idle', 'lt-open', 'my-special-1']);
    const ongoing = await list(0, { stateFilters: ['Ongoing', 'Bogus'] });
    expect(ongoing.transactionStates).toEqual([{ transactionalId: 'lt-open', producerId: open.producerId, transactionState: 'Ongoing' }]);
    expect(ongoing.unknownStateFilters).toEqual(['Bogus']);
    expect((await list(0, { producerIdFilters: [idle.producerId] })).ids).toEqual(['lt-idle']);
    // The open transaction started moments ago: not running longer than 60 s; v0 ignores the filter.
    expect((await list(1, { stateFilters: ['Ongoing'], durationFilter: 60_000n })).ids).toEqual([]);
    expect((await list(0, { stateFilters: ['Ongoing'], durationFilter: 60_000n })).ids).toEqual(['lt-open']);
    expect((await list(2, { transactionalIdPattern: '.*special-.*' })).ids).toEqual(['my-special-1']);
    expect((await list(1, { transactionalIdPattern: '.*special-.*' })).ids).toHaveLength(3);
    expect(await list(2, { transactionalIdPattern: '(ab(cd' })).toMatchObject({ errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION, transactionStates: [] });
    await c.close();
  });
});
