/**
 * The records a KIP-848 consumer group writes to __consumer_offsets, in Kafka's formats
 * (protocol-specs/data-consumer-group-*.spec). Key: int16 record type + key body (v0); value:
 * int16 version (always 0) + flexible body; a null value is a tombstone. What Kafka 4.4's
 * GroupCoordinatorRecordSerde writes for these groups:
 *
 *   3  ConsumerGroupMetadata            group epoch + metadata hash (KIP-1101)
 *   4  ConsumerGroupPartitionMetadata   read only; 4.1+ writes just a tombstone for old groups
 *   5  ConsumerGroupMemberMetadata      one member's subscription
 *   6  ConsumerGroupTargetAssignmentMetadata  target assignment epoch + time (KIP-1263)
 *   7  ConsumerGroupTargetAssignmentMember    one member's target partitions
 *   8  ConsumerGroupCurrentMemberAssignment   one member's epoch, state, owned and revoking
 *                                             partitions with per-partition epochs (KIP-1251)
 *  16  ConsumerGroupRegularExpression   a subscribed regex and the topics it matched
 *
 * Builders mirror Kafka's GroupCoordinatorRecordHelpers (subscribed names and regex topics are
 * written sorted; assignment epochs always written).
 */
import { Reader } from '../../../protocol/primitives/reader';
import { Writer } from '../../../protocol/primitives/writer';
import * as cgMetaKey from '../../../protocol/generated/consumer-group-metadata-key';
import * as cgMetaValue from '../../../protocol/generated/consumer-group-metadata-value';
import * as partKey from '../../../protocol/generated/consumer-group-partition-metadata-key';
import * as partValue from '../../../protocol/generated/consumer-group-partition-metadata-value';
import * as memberKey from '../../../protocol/generated/consumer-group-member-metadata-key';
import * as memberValue from '../../../protocol/generated/consumer-group-member-metadata-value';
import * as taMetaKey from '../../../protocol/generated/consumer-group-target-assignment-metadata-key';
import * as taMetaValue from '../../../protocol/generated/consumer-group-target-assignment-metadata-value';
import * as taMemberKey from '../../../protocol/generated/consumer-group-target-assignment-member-key';
import * as taMemberValue from '../../../protocol/generated/consumer-group-target-assignment-member-value';
import * as currentKey from '../../../protocol/generated/consumer-group-current-member-assignment-key';
import * as currentValue from '../../../protocol/generated/consumer-group-current-member-assignment-value';
import * as regexKey from '../../../protocol/generated/consumer-group-regular-expression-key';
import * as regexValue from '../../../protocol/generated/consumer-group-regular-expression-value';
import type { SerializedRecord } from '../../runtime/types';
import type { Assignment, AssignmentWithEpochs } from './assignment';
import { NO_CLASSIC_MEMBER_METADATA, type ConsumerGroupMember } from './consumer-group-member';

export const ConsumerRecordType = {
  GROUP_METADATA: 3,
  PARTITION_METADATA: 4,
  MEMBER_METADATA: 5,
  TARGET_ASSIGNMENT_METADATA: 6,
  TARGET_ASSIGNMENT_MEMBER: 7,
  CURRENT_MEMBER_ASSIGNMENT: 8,
  REGULAR_EXPRESSION: 16,
} as const;

export type ConsumerGroupMetadataValue = cgMetaValue.ConsumerGroupMetadataValue;
export type ConsumerGroupMemberMetadataValue = memberValue.ConsumerGroupMemberMetadataValue;
export type ConsumerGroupTargetAssignmentMetadataValue = taMetaValue.ConsumerGroupTargetAssignmentMetadataValue;
export type ConsumerGroupTargetAssignmentMemberValue = taMemberValue.ConsumerGroupTargetAssignmentMemberValue;
export type ConsumerGroupCurrentMemberAssignmentValue = currentValue.ConsumerGroupCurrentMemberAssignmentValue;
export type ConsumerGroupRegularExpressionValue = regexValue.ConsumerGroupRegularExpressionValue;
export type ConsumerGroupPartitionMetadataValue = partValue.ConsumerGroupPartitionMetadataValue;

export type ConsumerGroupRecord =
  | { readonly type: 'cg-metadata'; readonly groupId: string; readonly value: ConsumerGroupMetadataValue | null }
  | { readonly type: 'cg-partition-metadata'; readonly groupId: string; readonly value: ConsumerGroupPartitionMetadataValue | null }
  | { readonly type: 'cg-member-metadata'; readonly groupId: string; readonly memberId: string; readonly value: ConsumerGroupMemberMetadataValue | null }
  | { readonly type: 'cg-target-assignment-metadata'; readonly groupId: string; readonly value: ConsumerGroupTargetAssignmentMetadataValue | null }
  | { readonly type: 'cg-target-assignment-member'; readonly groupId: string; readonly memberId: string; readonly value: ConsumerGroupTargetAssignmentMemberValue | null }
  | { readonly type: 'cg-current-member-assignment'; readonly groupId: string; readonly memberId: string; readonly value: ConsumerGroupCurrentMemberAssignmentValue | null }
  | { readonly type: 'cg-regular-expression'; readonly groupId: string; readonly regex: string; readonly value: ConsumerGroupRegularExpressionValue | null };

export type ConsumerGroupRecordType = ConsumerGroupRecord['type'];

const CONSUMER_TYPES: ReadonlySet<string> = new Set<ConsumerGroupRecordType>([
  'cg-metadata', 'cg-partition-metadata', 'cg-member-metadata', 'cg-target-assignment-metadata',
  'cg-target-assignment-member', 'cg-current-member-assignment', 'cg-regular-expression',
]);

export function isConsumerGroupRecord(r: { readonly type: string }): r is ConsumerGroupRecord {
  return CONSUMER_TYPES.has(r.type);
}

// ---- builders (Kafka's GroupCoordinatorRecordHelpers) -------------------------------------------

export function groupEpochRecord(groupId: string, epoch: number, metadataHash: bigint): ConsumerGroupRecord {
  return { type: 'cg-metadata', groupId, value: { epoch, metadataHash } };
}

export function groupEpochTombstone(groupId: string): ConsumerGroupRecord {
  return { type: 'cg-metadata', groupId, value: null };
}

export function subscriptionMetadataTombstone(groupId: string): ConsumerGroupRecord {
  return { type: 'cg-partition-metadata', groupId, value: null };
}

export function memberSubscriptionRecord(groupId: string, m: ConsumerGroupMember): ConsumerGroupRecord {
  return {
    type: 'cg-member-metadata',
    groupId,
    memberId: m.memberId,
    value: {
      instanceId: m.instanceId,
      rackId: m.rackId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: [...m.subscribedTopicNames].sort(),
      subscribedTopicRegex: m.subscribedTopicRegex,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      serverAssignor: m.serverAssignorName,
      // Tag 0 (ClassicMemberMetadata): Kafka writes its null marker for consumer-protocol members.
      _unknownTaggedFields: [{ tag: 0, data: m.classicMemberMetadata ?? NO_CLASSIC_MEMBER_METADATA }],
    },
  };
}

export function memberSubscriptionTombstone(groupId: string, memberId: string): ConsumerGroupRecord {
  return { type: 'cg-member-metadata', groupId, memberId, value: null };
}

export function targetAssignmentRecord(groupId: string, memberId: string, partitions: Assignment): ConsumerGroupRecord {
  return {
    type: 'cg-target-assignment-member',
    groupId,
    memberId,
    value: { topicPartitions: [...partitions].map(([topicId, ps]) => ({ topicId, partitions: [...ps] })) },
  };
}

export function targetAssignmentTombstone(groupId: string, memberId: string): ConsumerGroupRecord {
  return { type: 'cg-target-assignment-member', groupId, memberId, value: null };
}

export function targetAssignmentEpochRecord(groupId: string, assignmentEpoch: number, assignmentTimestamp: number): ConsumerGroupRecord {
  return { type: 'cg-target-assignment-metadata', groupId, value: { assignmentEpoch, assignmentTimestamp: BigInt(assignmentTimestamp) } };
}

export function targetAssignmentEpochTombstone(groupId: string): ConsumerGroupRecord {
  return { type: 'cg-target-assignment-metadata', groupId, value: null };
}

export function currentAssignmentRecord(groupId: string, m: ConsumerGroupMember): ConsumerGroupRecord {
  return {
    type: 'cg-current-member-assignment',
    groupId,
    memberId: m.memberId,
    value: {
      memberEpoch: m.memberEpoch,
      previousMemberEpoch: m.previousMemberEpoch,
      state: m.state,
      assignedPartitions: withEpochsToRecord(m.assignedPartitions),
      partitionsPendingRevocation: withEpochsToRecord(m.partitionsPendingRevocation),
    },
  };
}

export function currentAssignmentTombstone(groupId: string, memberId: string): ConsumerGroupRecord {
  return { type: 'cg-current-member-assignment', groupId, memberId, value: null };
}

export function regularExpressionRecord(groupId: string, regex: string, topics: Iterable<string>, version: bigint, timestamp: number): ConsumerGroupRecord {
  return { type: 'cg-regular-expression', groupId, regex, value: { topics: [...topics].sort(), version, timestamp: BigInt(timestamp) } };
}

export function regularExpressionTombstone(groupId: string, regex: string): ConsumerGroupRecord {
  return { type: 'cg-regular-expression', groupId, regex, value: null };
}

function withEpochsToRecord(a: AssignmentWithEpochs): Array<{ topicId: string; partitions: number[]; assignmentEpochs: number[] }> {
  return [...a].map(([topicId, partitions]) => ({ topicId, partitions: [...partitions.keys()], assignmentEpochs: [...partitions.values()] }));
}

// ---- serde ---------------------------------------------------------------------------------------

const KEY_VERSION = 0;
const VALUE_VERSION = 0;

function value<T>(body: T | null, encode: (w: Writer, m: T, v: number) => void): Buffer | null {
  if (body === null) return null;
  const w = new Writer(64);
  w.int16(VALUE_VERSION);
  encode(w, body, VALUE_VERSION);
  return w.toBuffer();
}

export function serializeConsumerGroupRecord(r: ConsumerGroupRecord): SerializedRecord {
  const key = new Writer(64);
  switch (r.type) {
    case 'cg-metadata':
      key.int16(ConsumerRecordType.GROUP_METADATA);
      cgMetaKey.encodeConsumerGroupMetadataKey(key, { groupId: r.groupId }, KEY_VERSION);
      return { key: key.toBuffer(), value: value(r.value, cgMetaValue.encodeConsumerGroupMetadataValue) };
    case 'cg-partition-metadata':
      key.int16(ConsumerRecordType.PARTITION_METADATA);
      partKey.encodeConsumerGroupPartitionMetadataKey(key, { groupId: r.groupId }, KEY_VERSION);
      return { key: key.toBuffer(), value: value(r.value, partValue.encodeConsumerGroupPartitionMetadataValue) };
    case 'cg-member-metadata':
      key.int16(ConsumerRecordType.MEMBER_METADATA);
      memberKey.encodeConsumerGroupMemberMetadataKey(key, { groupId: r.groupId, memberId: r.memberId }, KEY_VERSION);
      return { key: key.toBuffer(), value: value(r.value, memberValue.encodeConsumerGroupMemberMetadataValue) };
    case 'cg-target-assignment-metadata':
      key.int16(ConsumerRecordType.TARGET_ASSIGNMENT_METADATA);
      taMetaKey.encodeConsumerGroupTargetAssignmentMetadataKey(key, { groupId: r.groupId }, KEY_VERSION);
      return { key: key.toBuffer(), value: value(r.value, taMetaValue.encodeConsumerGroupTargetAssignmentMetadataValue) };
    case 'cg-target-assignment-member':
      key.int16(ConsumerRecordType.TARGET_ASSIGNMENT_MEMBER);
      taMemberKey.encodeConsumerGroupTargetAssignmentMemberKey(key, { groupId: r.groupId, memberId: r.memberId }, KEY_VERSION);
      return { key: key.toBuffer(), value: value(r.value, taMemberValue.encodeConsumerGroupTargetAssignmentMemberValue) };
    case 'cg-current-member-assignment':
      key.int16(ConsumerRecordType.CURRENT_MEMBER_ASSIGNMENT);
      currentKey.encodeConsumerGroupCurrentMemberAssignmentKey(key, { groupId: r.groupId, memberId: r.memberId }, KEY_VERSION);
      return { key: key.toBuffer(), value: value(r.value, currentValue.encodeConsumerGroupCurrentMemberAssignmentValue) };
    case 'cg-regular-expression':
      key.int16(ConsumerRecordType.REGULAR_EXPRESSION);
      regexKey.encodeConsumerGroupRegularExpressionKey(key, { groupId: r.groupId, regularExpression: r.regex }, KEY_VERSION);
      return { key: key.toBuffer(), value: value(r.value, regexValue.encodeConsumerGroupRegularExpressionValue) };
  }
}

/** Values of a newer version are read with the v0 layout: later versions only add tagged fields. */
function readValue<T>(buf: Buffer | null, decode: (r: Reader, v: number) => T): T | null {
  if (buf === null) return null;
  const r = new Reader(buf);
  const version = r.int16();
  if (version < 0) r.fail(`negative record value version ${version}`);
  return decode(r, VALUE_VERSION);
}

/** undefined when `type` is not a consumer group record type. `kr` is positioned after the type. */
export function deserializeConsumerGroupRecord(type: number, kr: Reader, valueBuf: Buffer | null): ConsumerGroupRecord | undefined {
  switch (type) {
    case ConsumerRecordType.GROUP_METADATA: {
      const k = cgMetaKey.decodeConsumerGroupMetadataKey(kr, KEY_VERSION);
      return { type: 'cg-metadata', groupId: k.groupId, value: readValue(valueBuf, cgMetaValue.decodeConsumerGroupMetadataValue) };
    }
    case ConsumerRecordType.PARTITION_METADATA: {
      const k = partKey.decodeConsumerGroupPartitionMetadataKey(kr, KEY_VERSION);
      return { type: 'cg-partition-metadata', groupId: k.groupId, value: readValue(valueBuf, partValue.decodeConsumerGroupPartitionMetadataValue) };
    }
    case ConsumerRecordType.MEMBER_METADATA: {
      const k = memberKey.decodeConsumerGroupMemberMetadataKey(kr, KEY_VERSION);
      return { type: 'cg-member-metadata', groupId: k.groupId, memberId: k.memberId, value: readValue(valueBuf, memberValue.decodeConsumerGroupMemberMetadataValue) };
    }
    case ConsumerRecordType.TARGET_ASSIGNMENT_METADATA: {
      const k = taMetaKey.decodeConsumerGroupTargetAssignmentMetadataKey(kr, KEY_VERSION);
      return { type: 'cg-target-assignment-metadata', groupId: k.groupId, value: readValue(valueBuf, taMetaValue.decodeConsumerGroupTargetAssignmentMetadataValue) };
    }
    case ConsumerRecordType.TARGET_ASSIGNMENT_MEMBER: {
      const k = taMemberKey.decodeConsumerGroupTargetAssignmentMemberKey(kr, KEY_VERSION);
      return { type: 'cg-target-assignment-member', groupId: k.groupId, memberId: k.memberId, value: readValue(valueBuf, taMemberValue.decodeConsumerGroupTargetAssignmentMemberValue) };
    }
    case ConsumerRecordType.CURRENT_MEMBER_ASSIGNMENT: {
      const k = currentKey.decodeConsumerGroupCurrentMemberAssignmentKey(kr, KEY_VERSION);
      return { type: 'cg-current-member-assignment', groupId: k.groupId, memberId: k.memberId, value: readValue(valueBuf, currentValue.decodeConsumerGroupCurrentMemberAssignmentValue) };
    }
    case ConsumerRecordType.REGULAR_EXPRESSION: {
      const k = regexKey.decodeConsumerGroupRegularExpressionKey(kr, KEY_VERSION);
      return { type: 'cg-regular-expression', groupId: k.groupId, regex: k.regularExpression, value: readValue(valueBuf, regexValue.decodeConsumerGroupRegularExpressionValue) };
    }
    default:
      return undefined;
  }
}
