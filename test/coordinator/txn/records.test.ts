import { fromLogValue, txnRecordSerde, txnRecord, txnTombstone } from '../../../src/coordinator/txn/records';
import { newTxnMetadata, transitionTo, type TxnMetadata } from '../../../src/coordinator/txn/transaction-metadata';
import { TxnState } from '../../../src/coordinator/txn/transaction-state';
import { encodeTransactionLogValue } from '../../../src/protocol/generated/transaction-log-value';
import { Writer } from '../../../src/protocol/primitives/writer';

/**
 * Records captured from the __transaction_state log of Apache Kafka 4.4.0 (the Java 4.4 client,
 * transactions v2, transactional id "jtxid-ref1"): key and value bytes as Kafka wrote them.
 */
const KAFKA_KEY = '0000000a6a747869642d72656631';
const KAFKA = {
  // InitProducerId: Empty, epoch 0, partitions null, previous producer id tagged (1).
  empty: '0001000000000000000100000000ea600000000001a218ecf8bcffffffffffffffff0100080000000000000001',
  // PrepareCommit after the epoch bump, two topics, client transaction version 2 (tag 2).
  prepareCommit:
    '0001000000000000000100030000ea600203096a74782d72656631020000000000135f5f636f6e73756d65725f6f666673657473020000000000000001a218ecfb2f000001a218ecfaaa020008000000000000000102020002',
  // CompleteCommit: partitions an empty array, the start time kept.
  completeCommit: '0001000000000000000100030000ea600401000001a218ecfb30000001a218ecfaaa020008000000000000000102020002',
};

const hex = (b: Buffer | null): string | null => (b === null ? null : b.toString('hex'));

describe('__transaction_state records', () => {
  it('reads the records Kafka 4.4 writes', () => {
    const empty = txnRecordSerde.deserialize(Buffer.from(KAFKA_KEY, 'hex'), Buffer.from(KAFKA.empty, 'hex'))!;
    expect(empty.transactionalId).toBe('jtxid-ref1');
    expect(empty.metadata).toEqual({
      transactionalId: 'jtxid-ref1',
      producerId: 1n,
      prevProducerId: 1n,
      nextProducerId: -1n,
      producerEpoch: 0,
      lastProducerEpoch: -1,
      txnTimeoutMs: 60000,
      state: TxnState.EMPTY,
      partitions: [],
      txnStartTimestamp: -1,
      txnLastUpdateTimestamp: 1795714513084,
      clientTransactionVersion: 0,
    });
    const prepare = txnRecordSerde.deserialize(Buffer.from(KAFKA_KEY, 'hex'), Buffer.from(KAFKA.prepareCommit, 'hex'))!;
    expect(prepare.metadata).toMatchObject({
      state: TxnState.PREPARE_COMMIT,
      producerEpoch: 3,
      clientTransactionVersion: 2,
      partitions: [{ topic: '__consumer_offsets', partition: 0 }, { topic: 'jtx-ref1', partition: 0 }],
      txnStartTimestamp: 1795714513578,
    });
  });

  it('writes the same bytes as Kafka (partition groups aside, which Kafka orders by hash)', () => {
    for (const name of ['empty', 'completeCommit'] as const) {
      const rec = txnRecordSerde.deserialize(Buffer.from(KAFKA_KEY, 'hex'), Buffer.from(KAFKA[name], 'hex'))!;
      const out = txnRecordSerde.serialize(rec);
      expect(hex(out.key)).toBe(KAFKA_KEY);
      expect(hex(out.value)).toBe(KAFKA[name]);
    }
    const prepare = txnRecordSerde.deserialize(Buffer.from(KAFKA_KEY, 'hex'), Buffer.from(KAFKA.prepareCommit, 'hex'))!;
    const again = txnRecordSerde.deserialize(Buffer.from(KAFKA_KEY, 'hex'), txnRecordSerde.serialize(prepare).value)!;
    expect(again).toEqual(prepare);
  });

  it('round-trips metadata except the last epoch, which is not stored (Kafka neither)', () => {
    let m: TxnMetadata = newTxnMetadata('tx-é', 42n, 30_000, 1000);
    m = transitionTo(m, TxnState.EMPTY, { producerEpoch: 5, lastProducerEpoch: 4 });
    m = transitionTo(m, TxnState.ONGOING, { partitions: [{ topic: 'a', partition: 1 }, { topic: 'a', partition: 0 }, { topic: 'b', partition: 3 }], txnStartTimestamp: 2000, clientTransactionVersion: 2 });
    const s = txnRecordSerde.serialize(txnRecord(m));
    const back = txnRecordSerde.deserialize(s.key, s.value)!;
    expect(back.metadata).toEqual({ ...m, lastProducerEpoch: -1, partitions: [{ topic: 'a', partition: 0 }, { topic: 'a', partition: 1 }, { topic: 'b', partition: 3 }] });
  });

  it('reads v0 values, newer versions with the v1 layout, tombstones; skips other record types', () => {
    const m = transitionTo(newTxnMetadata('tx', 9n, 1000, 5), TxnState.EMPTY, { producerEpoch: 1 });
    const key = txnRecordSerde.serialize(txnTombstone('tx')).key;
    const w = new Writer();
    w.int16(0);
    encodeTransactionLogValue(w, { producerId: 9n, previousProducerId: -1n, nextProducerId: -1n, producerEpoch: 1, transactionTimeoutMs: 1000, transactionStatus: 0, transactionPartitions: null, transactionLastUpdateTimestampMs: 5n, transactionStartTimestampMs: -1n, clientTransactionVersion: 0 }, 0);
    expect(txnRecordSerde.deserialize(key, w.toBuffer())!.metadata).toMatchObject({ producerId: 9n, producerEpoch: 1, state: 'Empty', prevProducerId: -1n });
    const v1 = txnRecordSerde.serialize(txnRecord(m)).value!;
    const v9 = Buffer.from(v1);
    v9.writeInt16BE(9, 0);
    expect(txnRecordSerde.deserialize(key, v9)!.metadata).toEqual(txnRecordSerde.deserialize(key, v1)!.metadata);
    expect(txnRecordSerde.deserialize(key, null)).toEqual({ transactionalId: 'tx', metadata: null });
    const otherType = Buffer.from(key);
    otherType.writeInt16BE(1, 0);
    expect(txnRecordSerde.deserialize(otherType, v1)).toBeUndefined();
  });

  it('skips a value whose state byte is unknown', () => {
    const v = { producerId: 1n, previousProducerId: -1n, nextProducerId: -1n, producerEpoch: 0, transactionTimeoutMs: 1, transactionStatus: 42, transactionPartitions: [], transactionLastUpdateTimestampMs: 0n, transactionStartTimestampMs: 0n, clientTransactionVersion: 0 };
    expect(fromLogValue('x', v)).toBeUndefined();
  });
});
