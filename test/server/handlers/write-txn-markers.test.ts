import { ErrorCode } from '../../../src/protocol/error-codes';
import type { TestBroker } from './helpers';
import { API_VERSIONS, connect, initProducerId, produce, producerBatch, txnBroker, WRITE_TXN_MARKERS } from './txn-support';

describe('WriteTxnMarkers', () => {
  let b: TestBroker;
  beforeAll(async () => (b = await txnBroker(['transaction.partition.verification.enable=false'])));
  afterAll(() => b.stop());

  const marker = (producerId: bigint, producerEpoch: number, partitions: number[], extra: Record<string, unknown> = {}) => ({
    producerId,
    producerEpoch,
    transactionResult: false,
    topics: [{ name: 't', partitionIndexes: partitions }],
    coordinatorEpoch: 0,
    transactionVersion: 0,
    ...extra,
  });

  it('is advertised as v1-2, as Kafka 4.x (v0 was removed)', async () => {
    const c = await connect(b);
    const r = await c.request(API_VERSIONS, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
    expect(r.apiKeys.find((k: { apiKey: number }) => k.apiKey === WRITE_TXN_MARKERS)).toEqual({ apiKey: WRITE_TXN_MARKERS, minVersion: 1, maxVersion: 2 });
    await c.close();
  });

  it('writes an ABORT marker that ends the producer\'s transaction on the partition', async () => {
    const c = await connect(b);
    const p = await initProducerId(c, null);
    expect((await produce(c, 0, producerBatch({ pid: p.producerId, seq: 0, txn: true }), 'wm')).errorCode).toBe(0);
    const part = b.broker.services.partitions.leaderPartition('t', 0);
    expect(part.lastStableOffset).toBeLessThan(part.logEndOffset);
    const r = await c.request(WRITE_TXN_MARKERS, 1, { markers: [marker(p.producerId, 0, [0, 7])] });
    expect(r.markers).toEqual([
      { producerId: p.producerId, topics: [{ name: 't', partitions: [{ partitionIndex: 0, errorCode: 0 }, { partitionIndex: 7, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] }] },
    ]);
    expect(part.lastStableOffset).toBe(part.logEndOffset);
    await c.close();
  });

  it('fences markers of an older producer epoch, and v2 transactions-v2 markers that do not bump it', async () => {
    const c = await connect(b);
    const p = await initProducerId(c, null);
    await produce(c, 1, producerBatch({ pid: p.producerId, epoch: 3, seq: 0, txn: true }), 'wm');
    const old = await c.request(WRITE_TXN_MARKERS, 1, { markers: [marker(p.producerId, 2, [1])] });
    expect(old.markers[0].topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    const sameEpochV2 = await c.request(WRITE_TXN_MARKERS, 2, { markers: [marker(p.producerId, 3, [1], { transactionVersion: 2 })] });
    expect(sameEpochV2.markers[0].topics[0].partitions[0].errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH);
    const bumped = await c.request(WRITE_TXN_MARKERS, 2, { markers: [marker(p.producerId, 4, [1], { transactionVersion: 2, transactionResult: true })] });
    expect(bumped.markers[0].topics[0].partitions[0].errorCode).toBe(0);
    await c.close();
  });
});
