import { ErrorCode } from '../../../src/protocol/error-codes';
import type { TestBroker } from './helpers';
import {
  ADD_OFFSETS_TO_TXN,
  connect,
  endTxn,
  eventually,
  findGroupCoordinator,
  findTxnCoordinator,
  initProducerId,
  OFFSET_FETCH,
  TXN_OFFSET_COMMIT,
  txnBroker,
  ZERO,
} from './txn-support';
import type { RawClient } from '../../support/raw-client';

describe('TxnOffsetCommit', () => {
  let b: TestBroker;
  let c: RawClient;
  beforeAll(async () => {
    b = await txnBroker();
    c = await connect(b);
  });
  afterAll(async () => {
    await c.close();
    await b.stop();
  });

  const commitReq = (txnId: string, groupId: string, producerId: bigint, producerEpoch: number, offset: bigint, topics?: unknown[]) => ({
    transactionalId: txnId,
    groupId,
    producerId,
    producerEpoch,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: topics ?? [{ name: 't', topicId: ZERO, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: 'md' }] }],
  });
  const fetchOffset = async (groupId: string, requireStable = false): Promise<{ offset: bigint; errorCode: number }> => {
    const r = await c.request(OFFSET_FETCH, 7, { groupId, topics: [{ name: 't', partitionIndexes: [0] }], groups: [], requireStable });
    const p = r.topics[0].partitions[0];
    return { offset: p.committedOffset, errorCode: p.errorCode };
  };
  const begin = async (txnId: string, groupId: string): Promise<bigint> => {
    await findTxnCoordinator(c, txnId);
    await findGroupCoordinator(c, groupId);
    const p = await initProducerId(c, txnId);
    const a = await c.request(ADD_OFFSETS_TO_TXN, 3, { transactionalId: txnId, producerId: p.producerId, producerEpoch: 0, groupId });
    expect(a.errorCode).toBe(0);
    return p.producerId;
  };

  it('offsets stay pending until the COMMIT marker, then become the group\'s', async () => {
    const pid = await begin('to-1', 'g1');
    const r = await c.request(TXN_OFFSET_COMMIT, 3, commitReq('to-1', 'g1', pid, 0, 42n));
    expect(r).toEqual({ throttleTimeMs: 0, topics: [{ name: 't', topicId: ZERO, partitions: [{ partitionIndex: 0, errorCode: 0 }] }] });
    expect(await fetchOffset('g1')).toEqual({ offset: -1n, errorCode: 0 });
    expect((await fetchOffset('g1', true)).errorCode).toBe(ErrorCode.UNSTABLE_OFFSET_COMMIT);
    expect((await endTxn(c, 'to-1', pid, 0, true)).errorCode).toBe(0);
    await eventually(async () => (await fetchOffset('g1')).offset === 42n);
    expect(await fetchOffset('g1', true)).toEqual({ offset: 42n, errorCode: 0 });
  });

  it('an ABORT drops them', async () => {
    const pid = await begin('to-2', 'g2');
    expect((await c.request(TXN_OFFSET_COMMIT, 2, commitReq('to-2', 'g2', pid, 0, 7n))).topics[0].partitions[0].errorCode).toBe(0);
    await endTxn(c, 'to-2', pid, 0, false);
    await eventually(async () => (await b.broker.services.transactions.describeTransaction('to-2')).state === 'CompleteAbort');
    expect(await fetchOffset('g2', true)).toEqual({ offset: -1n, errorCode: 0 });
  });

  it('answers unknown topics and partitions itself; v6 names topics by id', async () => {
    const pid = await begin('to-3', 'g3');
    const tid = b.broker.services.metadata.topic('t')!.topicId;
    const part = (partitionIndex: number, committedOffset: bigint) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, committedMetadata: null });
    const r = await c.request(TXN_OFFSET_COMMIT, 3, commitReq('to-3', 'g3', pid, 0, 0n, [
      { name: 'nope', topicId: ZERO, partitions: [part(0, 1n)] },
      { name: 't', topicId: ZERO, partitions: [part(5, 1n), part(1, 3n)] },
    ]));
    expect(r.topics).toEqual([
      { name: 'nope', topicId: ZERO, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] },
      { name: 't', topicId: ZERO, partitions: [{ partitionIndex: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }, { partitionIndex: 1, errorCode: 0 }] },
    ]);
    const unknownId = 'AQIDBAUGBwgJCgsMDQ4PEA';
    const v6 = await c.request(TXN_OFFSET_COMMIT, 6, commitReq('to-3', 'g3', pid, 0, 0n, [
      { name: '', topicId: tid, partitions: [part(0, 9n)] },
      { name: '', topicId: unknownId, partitions: [part(0, 9n)] },
    ]));
    expect(v6.topics).toEqual([
      { name: '', topicId: unknownId, partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_ID }] },
      { name: '', topicId: tid, partitions: [{ partitionIndex: 0, errorCode: 0 }] },
    ]);
  });

  it('v5 (transactions v2) adds the __consumer_offsets partition without AddOffsetsToTxn', async () => {
    await findTxnCoordinator(c, 'to-4');
    await findGroupCoordinator(c, 'g4');
    const p = await initProducerId(c, 'to-4');
    expect((await c.request(TXN_OFFSET_COMMIT, 5, commitReq('to-4', 'g4', p.producerId, 0, 11n))).topics[0].partitions[0].errorCode).toBe(0);
    const partition = b.broker.services.groups.partitionFor('g4');
    expect((await b.broker.services.transactions.describeTransaction('to-4')).partitions).toEqual([{ topic: '__consumer_offsets', partition }]);
    expect((await endTxn(c, 'to-4', p.producerId, 0, true, 5)).producerEpoch).toBe(1);
    await eventually(async () => (await fetchOffset('g4')).offset === 11n);
  });

  it('before v5 the partition must have been added (KIP-890 verification): INVALID_TXN_STATE', async () => {
    await findTxnCoordinator(c, 'to-5');
    await findGroupCoordinator(c, 'g5');
    const p = await initProducerId(c, 'to-5');
    const r = await c.request(TXN_OFFSET_COMMIT, 3, commitReq('to-5', 'g5', p.producerId, 0, 1n));
    expect(r.topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_TXN_STATE);
    const wrongEpoch = await c.request(TXN_OFFSET_COMMIT, 4, commitReq('to-5', 'g5', p.producerId, 3, 1n));
    expect(wrongEpoch.topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
  });
});
