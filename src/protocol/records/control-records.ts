/**
 * Control records (batches with attribute bit 5), Kafka's ControlRecordType and
 * EndTransactionMarker:
 *
 *   key   int16 version (0), int16 type: 0 ABORT, 1 COMMIT (2-6 are KRaft-internal)
 *   value (ABORT/COMMIT) int16 version (0), int32 coordinatorEpoch
 *
 * Readers take a higher version as version 0 and reject a negative one. A transaction marker is
 * written as a batch of its own: magic 2, uncompressed, CreateTime, transactional + control
 * (attributes 0x30), the transaction's producer id/epoch, baseSequence -1, one 17-byte record.
 */
import { buildRecordBatch } from './batch-builder';
import { NO_PARTITION_LEADER_EPOCH } from './batch-header';
import { InvalidRecordError } from './errors';

export const ControlRecordType = {
  ABORT: 0,
  COMMIT: 1,
  LEADER_CHANGE: 2,
  SNAPSHOT_HEADER: 3,
  SNAPSHOT_FOOTER: 4,
  KRAFT_VERSION: 5,
  KRAFT_VOTERS: 6,
} as const;
export type ControlRecordType = (typeof ControlRecordType)[keyof typeof ControlRecordType];

export interface ControlRecordKey {
  version: number;
  /** The raw type id: ControlRecordType values, or any other id (UNKNOWN, which readers ignore). */
  type: number;
}

export interface EndTxnMarker {
  version: number;
  coordinatorEpoch: number;
}

export function encodeControlRecordKey(type: ControlRecordType): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type, 2);
  return key;
}

export function decodeControlRecordKey(key: Buffer | null): ControlRecordKey {
  if (key === null || key.length < 4) throw new InvalidRecordError(`control record key must have 4 bytes, has ${key?.length ?? 'null'}`);
  const version = key.readInt16BE(0);
  if (version < 0) throw new InvalidRecordError(`control record key has negative version ${version}`);
  return { version, type: key.readInt16BE(2) };
}

export function encodeEndTxnMarkerValue(coordinatorEpoch: number): Buffer {
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return value;
}

export function decodeEndTxnMarkerValue(value: Buffer | null): EndTxnMarker {
  if (value === null || value.length < 6) throw new InvalidRecordError(`end transaction marker must have at least 6 bytes, has ${value?.length ?? 'null'}`);
  const version = value.readInt16BE(0);
  if (version < 0) throw new InvalidRecordError(`end transaction marker has negative version ${version}`);
  return { version, coordinatorEpoch: value.readInt32BE(2) };
}

export interface EndTxnMarkerBatchOptions {
  type: typeof ControlRecordType.ABORT | typeof ControlRecordType.COMMIT;
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  /** Record timestamp (Kafka uses the broker's current time). */
  timestamp: number;
  baseOffset?: bigint;
  partitionLeaderEpoch?: number;
}

/** The batch a partition leader appends for WriteTxnMarkers (Kafka's MemoryRecords.withEndTransactionMarker). */
export function buildEndTxnMarkerBatch(o: EndTxnMarkerBatchOptions): Buffer {
  return buildRecordBatch({
    baseOffset: o.baseOffset ?? 0n,
    producerId: o.producerId,
    producerEpoch: o.producerEpoch,
    transactional: true,
    control: true,
    partitionLeaderEpoch: o.partitionLeaderEpoch ?? NO_PARTITION_LEADER_EPOCH,
    records: [{ key: encodeControlRecordKey(o.type), value: encodeEndTxnMarkerValue(o.coordinatorEpoch), timestamp: o.timestamp }],
  });
}
