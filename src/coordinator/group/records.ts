/**
 * The records the group coordinator writes to __consumer_offsets, in Kafka's own formats
 * (protocol-specs/data-offset-commit-*.spec, data-group-metadata-*.spec), so a log written here
 * reads in Kafka and the reverse.
 *
 * Record key: int16 record type, then the key body (v0). 1: committed offset (0, the legacy
 * type with the same layout, is read too); 2: classic group metadata; 3-8 and 16: the KIP-848
 * consumer-group records (consumer/consumer-group-records.ts). Other types (share and streams
 * groups) are skipped while loading, as Kafka skips types it does not know.
 * Record value: int16 version, then the value body; null is a tombstone. OffsetCommitValue is
 * written as v4 with the topic id (v1 when the commit carries its own expiry time) and
 * GroupMetadataValue as v3: what Kafka 4.4 writes (checked against its __consumer_offsets).
 * Values of a newer version than we know are read with the newest layout we know: since
 * KIP-915 later versions only add tagged fields.
 */
import { Reader } from '../../protocol/primitives/reader';
import { Writer } from '../../protocol/primitives/writer';
import { decodeGroupMetadataKey, encodeGroupMetadataKey, type GroupMetadataKey } from '../../protocol/generated/group-metadata-key';
import {
  decodeGroupMetadataValue,
  encodeGroupMetadataValue,
  GroupMetadataValueMeta,
  type GroupMetadataValue,
  type GroupMetadataValueMemberMetadata,
} from '../../protocol/generated/group-metadata-value';
import { decodeOffsetCommitKey, encodeOffsetCommitKey, type OffsetCommitKey } from '../../protocol/generated/offset-commit-key';
import {
  decodeOffsetCommitValue,
  encodeOffsetCommitValue,
  OffsetCommitValueMeta,
  type OffsetCommitValue,
} from '../../protocol/generated/offset-commit-value';
import type { RecordSerde, SerializedRecord } from '../runtime/types';
import { deserializeConsumerGroupRecord, serializeConsumerGroupRecord, type ConsumerGroupRecord } from './consumer/consumer-group-records';

export const RecordType = {
  LEGACY_OFFSET_COMMIT: 0,
  OFFSET_COMMIT: 1,
  GROUP_METADATA: 2,
} as const;

const KEY_VERSION = 0;
/** Value versions written (Kafka 4.4's choices). */
const OFFSET_COMMIT_VALUE_VERSION = 4;
const OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY = 1;
const GROUP_METADATA_VALUE_VERSION = 3;

export type GroupRecord =
  | { readonly type: 'offset-commit'; readonly key: OffsetCommitKey; readonly value: OffsetCommitValue | null }
  | { readonly type: 'group-metadata'; readonly key: GroupMetadataKey; readonly value: GroupMetadataValue | null }
  | ConsumerGroupRecord;

export interface OffsetAndMetadata {
  committedOffset: bigint;
  /** -1 when unknown. */
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** Explicit expiry (OffsetCommit v2-v4 retention); -1 when the broker's retention applies. */
  expireTimestampMs: number;
  /** Offset of the record in __consumer_offsets (-1 before it is written). */
  recordOffset: number;
  /** The topic's id; ZERO_UUID when unknown. */
  topicId: string;
}

export function offsetCommitRecord(group: string, topic: string, partition: number, o: OffsetAndMetadata): GroupRecord {
  return {
    type: 'offset-commit',
    key: { group, topic, partition },
    value: {
      offset: o.committedOffset,
      leaderEpoch: o.leaderEpoch,
      metadata: o.metadata,
      commitTimestamp: BigInt(o.commitTimestampMs),
      expireTimestamp: BigInt(o.expireTimestampMs),
      topicId: o.topicId,
    },
  };
}

export function offsetCommitTombstone(group: string, topic: string, partition: number): GroupRecord {
  return { type: 'offset-commit', key: { group, topic, partition }, value: null };
}

export function groupMetadataRecord(group: string, value: GroupMetadataValue): GroupRecord {
  return { type: 'group-metadata', key: { group }, value };
}

export function groupMetadataTombstone(group: string): GroupRecord {
  return { type: 'group-metadata', key: { group }, value: null };
}

export function offsetFromValue(recordOffset: number, v: OffsetCommitValue): OffsetAndMetadata {
  return {
    committedOffset: v.offset,
    leaderEpoch: v.leaderEpoch,
    metadata: v.metadata,
    commitTimestampMs: Number(v.commitTimestamp),
    expireTimestampMs: Number(v.expireTimestamp),
    recordOffset,
    topicId: v.topicId,
  };
}

export type { GroupMetadataValue, GroupMetadataValueMemberMetadata, OffsetCommitValue };

export const groupRecordSerde: RecordSerde<GroupRecord> = {
  serialize(record: GroupRecord): SerializedRecord {
    if (record.type !== 'offset-commit' && record.type !== 'group-metadata') return serializeConsumerGroupRecord(record);
    const key = new Writer(64);
    if (record.type === 'offset-commit') {
      key.int16(RecordType.OFFSET_COMMIT);
      encodeOffsetCommitKey(key, record.key, KEY_VERSION);
      if (record.value === null) return { key: key.toBuffer(), value: null };
      const version = record.value.expireTimestamp >= 0n ? OFFSET_COMMIT_VALUE_VERSION_WITH_EXPIRY : OFFSET_COMMIT_VALUE_VERSION;
      const value = new Writer(64);
      value.int16(version);
      encodeOffsetCommitValue(value, record.value, version);
      return { key: key.toBuffer(), value: value.toBuffer() };
    }
    key.int16(RecordType.GROUP_METADATA);
    encodeGroupMetadataKey(key, record.key, KEY_VERSION);
    if (record.value === null) return { key: key.toBuffer(), value: null };
    const value = new Writer(256);
    value.int16(GROUP_METADATA_VALUE_VERSION);
    encodeGroupMetadataValue(value, record.value, GROUP_METADATA_VALUE_VERSION);
    return { key: key.toBuffer(), value: value.toBuffer() };
  },

  deserialize(keyBuf: Buffer, valueBuf: Buffer | null): GroupRecord | undefined {
    const kr = new Reader(keyBuf);
    const type = kr.int16();
    if (type === RecordType.LEGACY_OFFSET_COMMIT || type === RecordType.OFFSET_COMMIT) {
      const key = decodeOffsetCommitKey(kr, KEY_VERSION);
      if (valueBuf === null) return { type: 'offset-commit', key, value: null };
      const vr = new Reader(valueBuf);
      const version = readValueVersion(vr, OffsetCommitValueMeta.maxVersion);
      return { type: 'offset-commit', key, value: decodeOffsetCommitValue(vr, version) };
    }
    if (type === RecordType.GROUP_METADATA) {
      const key = decodeGroupMetadataKey(kr, KEY_VERSION);
      if (valueBuf === null) return { type: 'group-metadata', key, value: null };
      const vr = new Reader(valueBuf);
      const version = readValueVersion(vr, GroupMetadataValueMeta.maxVersion);
      return { type: 'group-metadata', key, value: decodeGroupMetadataValue(vr, version) };
    }
    return deserializeConsumerGroupRecord(type, kr, valueBuf);
  },
};

function readValueVersion(r: Reader, maxKnown: number): number {
  const version = r.int16();
  if (version < 0) r.fail(`negative record value version ${version}`);
  return Math.min(version, maxKnown);
}
