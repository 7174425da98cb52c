/**
 * The records of __transaction_state, in Kafka's own format (protocol-specs/data-transaction-log-
 * key.spec and -value.spec), so a log written here reads in Kafka and the reverse.
 *
 * Key: int16 record type 0, then TransactionLogKey v0 (the transactional id). Other types are
 * skipped while loading, as Kafka 4.x does.
 * Value: int16 version, then TransactionLogValue; null is a tombstone (the id expired). Written
 * as v1 (what Kafka 4.x writes once transaction.version >= 1); v0 is read, and a newer version
 * is read with the v1 layout (KIP-915: later versions only add tagged fields). Partitions are
 * null when the state is Empty, as Kafka writes them.
 *
 * A record produced by an operation carries the whole new metadata, including what the value
 * does not store (the last producer epoch); a record read back from the log has the stored
 * fields only, the rest at Kafka's load-time defaults.
 */
import { decodeTransactionLogKey, encodeTransactionLogKey } from '../../protocol/generated/transaction-log-key';
import {
  decodeTransactionLogValue,
  encodeTransactionLogValue,
  TransactionLogValueMeta,
  type TransactionLogValue,
} from '../../protocol/generated/transaction-log-value';
import { Reader } from '../../protocol/primitives/reader';
import { Writer } from '../../protocol/primitives/writer';
import { NO_PRODUCER_EPOCH } from '../../protocol/records/batch-header';
import type { RecordSerde, SerializedRecord } from '../runtime/types';
import { partitionsByTopic, unionPartitions, type TxnMetadata } from './transaction-metadata';
import { stateFromId, stateId, TxnState } from './transaction-state';

export const TRANSACTION_LOG_RECORD_TYPE = 0;
const KEY_VERSION = 0;
export const TRANSACTION_LOG_VALUE_VERSION = 1;

export interface TxnLogRecord {
  readonly transactionalId: string;
  /** null: a tombstone. */
  readonly metadata: TxnMetadata | null;
}

export function txnRecord(metadata: TxnMetadata): TxnLogRecord {
  return { transactionalId: metadata.transactionalId, metadata };
}

export function txnTombstone(transactionalId: string): TxnLogRecord {
  return { transactionalId, metadata: null };
}

export function toLogValue(m: TxnMetadata): TransactionLogValue {
  return {
    producerId: m.producerId,
    previousProducerId: m.prevProducerId,
    nextProducerId: m.nextProducerId,
    producerEpoch: m.producerEpoch,
    transactionTimeoutMs: m.txnTimeoutMs,
    transactionStatus: stateId(m.state),
    transactionPartitions:
      m.state === TxnState.EMPTY ? null : partitionsByTopic(m.partitions).map((t) => ({ topic: t.topic, partitionIds: t.partitions })),
    transactionLastUpdateTimestampMs: BigInt(m.txnLastUpdateTimestamp),
    transactionStartTimestampMs: BigInt(m.txnStartTimestamp),
    clientTransactionVersion: m.clientTransactionVersion,
  };
}

/** The metadata a stored value describes; undefined when its state byte is unknown. */
export function fromLogValue(transactionalId: string, v: TransactionLogValue): TxnMetadata | undefined {
  const state = stateFromId(v.transactionStatus);
  if (state === undefined) return undefined;
  const partitions =
    state === TxnState.EMPTY
      ? []
      : unionPartitions(
          [],
          (v.transactionPartitions ?? []).flatMap((t) => t.partitionIds.map((partition) => ({ topic: t.topic, partition }))),
        );
  return {
    transactionalId,
    producerId: v.producerId,
    prevProducerId: v.previousProducerId,
    nextProducerId: v.nextProducerId,
    producerEpoch: v.producerEpoch,
    lastProducerEpoch: NO_PRODUCER_EPOCH,
    txnTimeoutMs: v.transactionTimeoutMs,
    state,
    partitions,
    txnStartTimestamp: Number(v.transactionStartTimestampMs),
    txnLastUpdateTimestamp: Number(v.transactionLastUpdateTimestampMs),
    clientTransactionVersion: v.clientTransactionVersion,
  };
}

export const txnRecordSerde: RecordSerde<TxnLogRecord> = {
  serialize(record: TxnLogRecord): SerializedRecord {
    const key = new Writer(32 + record.transactionalId.length);
    key.int16(TRANSACTION_LOG_RECORD_TYPE);
    encodeTransactionLogKey(key, { transactionalId: record.transactionalId }, KEY_VERSION);
    if (record.metadata === null) return { key: key.toBuffer(), value: null };
    const value = new Writer(128);
    value.int16(TRANSACTION_LOG_VALUE_VERSION);
    encodeTransactionLogValue(value, toLogValue(record.metadata), TRANSACTION_LOG_VALUE_VERSION);
    return { key: key.toBuffer(), value: value.toBuffer() };
  },

  deserialize(keyBuf: Buffer, valueBuf: Buffer | null): TxnLogRecord | undefined {
    const kr = new Reader(keyBuf);
    if (kr.int16() !== TRANSACTION_LOG_RECORD_TYPE) return undefined;
    const { transactionalId } = decodeTransactionLogKey(kr, KEY_VERSION);
    if (valueBuf === null) return txnTombstone(transactionalId);
    const vr = new Reader(valueBuf);
    const version = vr.int16();
    if (version < 0) vr.fail(`negative transaction log value version ${version}`);
    const value = decodeTransactionLogValue(vr, Math.min(version, TransactionLogValueMeta.maxVersion));
    const metadata = fromLogValue(transactionalId, value);
    return metadata ? { transactionalId, metadata } : undefined;
  },
};
