/**
 * A member of a KIP-848 consumer group (Kafka's ConsumerGroupMember): an immutable value; every
 * change builds a new one (`withChanges`). Its subscription part is persisted by the
 * ConsumerGroupMemberMetadata record, its assignment part (epochs, state, partitions with the
 * epoch each was assigned at) by ConsumerGroupCurrentMemberAssignment.
 */
import {
  assignmentWithEpochsFromRecord,
  assignmentsWithEpochsEqual,
  EMPTY_ASSIGNMENT_WITH_EPOCHS,
  samePartitions,
  type AssignmentWithEpochs,
} from './assignment';
import type { ConsumerGroupCurrentMemberAssignmentValue, ConsumerGroupMemberMetadataValue } from './consumer-group-records';
import { MemberState, memberStateFromValue } from './member-state';

/** Epoch of a member that left (or is being removed). */
export const LEAVE_GROUP_MEMBER_EPOCH = -1;
/** Epoch of a static member that left temporarily and may come back with its instance id. */
export const LEAVE_GROUP_STATIC_MEMBER_EPOCH = -2;

/**
 * The raw payload of tagged field 0 of ConsumerGroupMemberMetadataValue (ClassicMemberMetadata):
 * an unsigned varint 0 when null, 1 followed by the struct for members using the classic
 * protocol. Kafka writes the field even when null; null here means "not in the record".
 */
export type ClassicMemberMetadata = Buffer;

/** What Kafka writes for a member of the consumer protocol: the null marker. */
export const NO_CLASSIC_MEMBER_METADATA: ClassicMemberMetadata = Buffer.from([0]);

export interface ConsumerGroupMember {
  readonly memberId: string;
  readonly memberEpoch: number;
  readonly previousMemberEpoch: number;
  readonly state: MemberState;
  readonly instanceId: string | null;
  readonly rackId: string | null;
  readonly rebalanceTimeoutMs: number;
  readonly clientId: string;
  readonly clientHost: string;
  readonly subscribedTopicNames: ReadonlySet<string>;
  /** "" when the member subscribes by name only (Kafka's default); null only from old records. */
  readonly subscribedTopicRegex: string | null;
  readonly serverAssignorName: string | null;
  readonly assignedPartitions: AssignmentWithEpochs;
  readonly partitionsPendingRevocation: AssignmentWithEpochs;
  /** Tag 0 of the member record as read (null: absent); see ClassicMemberMetadata. */
  readonly classicMemberMetadata: ClassicMemberMetadata | null;
}

/** A member with Kafka's Builder defaults. */
export function newMember(memberId: string): ConsumerGroupMember {
  return {
    memberId,
    memberEpoch: 0,
    previousMemberEpoch: -1,
    state: MemberState.STABLE,
    instanceId: null,
    rackId: null,
    rebalanceTimeoutMs: -1,
    clientId: '',
    clientHost: '',
    subscribedTopicNames: new Set(),
    subscribedTopicRegex: '',
    serverAssignorName: null,
    assignedPartitions: EMPTY_ASSIGNMENT_WITH_EPOCHS,
    partitionsPendingRevocation: EMPTY_ASSIGNMENT_WITH_EPOCHS,
    classicMemberMetadata: null,
  };
}

export function withChanges(m: ConsumerGroupMember, changes: Partial<ConsumerGroupMember>): ConsumerGroupMember {
  return { ...m, ...changes };
}

/** Moves the member to `epoch`, remembering the current one as previous (Builder.updateMemberEpoch). */
export function updateMemberEpoch(m: ConsumerGroupMember, epoch: number): Pick<ConsumerGroupMember, 'memberEpoch' | 'previousMemberEpoch'> {
  return { memberEpoch: epoch, previousMemberEpoch: m.memberEpoch };
}

export function isReconciledTo(m: ConsumerGroupMember, targetAssignmentEpoch: number): boolean {
  return m.state === MemberState.STABLE && m.memberEpoch === targetAssignmentEpoch;
}

/** A member that joined with the classic protocol (online migration; never created here). */
export function useClassicProtocol(m: ConsumerGroupMember): boolean {
  return m.classicMemberMetadata !== null && m.classicMemberMetadata.length > 0 && m.classicMemberMetadata[0] !== 0;
}

/** The member's regex, or null when it has none (Kafka's subscribedTopicRegexOrNull). */
export function subscribedTopicRegexOrNull(m: ConsumerGroupMember | undefined): string | null {
  return m && m.subscribedTopicRegex !== null && m.subscribedTopicRegex !== '' ? m.subscribedTopicRegex : null;
}

/** Epoch at which the member got `topicId`-`partition`, if it owns it. */
export function assignmentEpoch(m: ConsumerGroupMember, topicId: string, partition: number): number | undefined {
  return m.assignedPartitions.get(topicId)?.get(partition);
}

export function pendingRevocationEpoch(m: ConsumerGroupMember, topicId: string, partition: number): number | undefined {
  return m.partitionsPendingRevocation.get(topicId)?.get(partition);
}

/** Kafka's hasAssignedPartitionsChanged: the partitions differ (epochs do not matter). */
export function hasAssignedPartitionsChanged(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return !samePartitions(a.assignedPartitions, b.assignedPartitions);
}

export function membersEqual(a: ConsumerGroupMember, b: ConsumerGroupMember): boolean {
  return (
    a.memberId === b.memberId &&
    a.memberEpoch === b.memberEpoch &&
    a.previousMemberEpoch === b.previousMemberEpoch &&
    a.state === b.state &&
    a.instanceId === b.instanceId &&
    a.rackId === b.rackId &&
    a.rebalanceTimeoutMs === b.rebalanceTimeoutMs &&
    a.clientId === b.clientId &&
    a.clientHost === b.clientHost &&
    setsEqual(a.subscribedTopicNames, b.subscribedTopicNames) &&
    a.subscribedTopicRegex === b.subscribedTopicRegex &&
    a.serverAssignorName === b.serverAssignorName &&
    assignmentsWithEpochsEqual(a.assignedPartitions, b.assignedPartitions) &&
    assignmentsWithEpochsEqual(a.partitionsPendingRevocation, b.partitionsPendingRevocation) &&
    (a.classicMemberMetadata === null ? b.classicMemberMetadata === null : b.classicMemberMetadata !== null && a.classicMemberMetadata.equals(b.classicMemberMetadata))
  );
}

export function setsEqual<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/** Applies a ConsumerGroupMemberMetadata record (Builder.updateWith). */
export function withMemberMetadata(m: ConsumerGroupMember, v: ConsumerGroupMemberMetadataValue): ConsumerGroupMember {
  return withChanges(m, {
    instanceId: v.instanceId,
    rackId: v.rackId,
    clientId: v.clientId,
    clientHost: v.clientHost,
    subscribedTopicNames: new Set(v.subscribedTopicNames),
    subscribedTopicRegex: v.subscribedTopicRegex,
    rebalanceTimeoutMs: v.rebalanceTimeoutMs,
    serverAssignorName: v.serverAssignor,
    classicMemberMetadata: v._unknownTaggedFields?.find((f) => f.tag === 0)?.data ?? null,
  });
}

/** Applies a ConsumerGroupCurrentMemberAssignment record (Builder.updateWith). */
export function withCurrentAssignment(m: ConsumerGroupMember, v: ConsumerGroupCurrentMemberAssignmentValue): ConsumerGroupMember {
  return withChanges(m, {
    memberEpoch: v.memberEpoch,
    previousMemberEpoch: v.previousMemberEpoch,
    state: memberStateFromValue(v.state),
    assignedPartitions: assignmentWithEpochsFromRecord(v.assignedPartitions, v.memberEpoch),
    partitionsPendingRevocation: assignmentWithEpochsFromRecord(v.partitionsPendingRevocation, v.memberEpoch),
  });
}

/** Every owned partition's epoch set to 0 (a static member leaving temporarily, KIP-1251). */
export function resetAssignedPartitionsEpochsToZero(a: AssignmentWithEpochs): AssignmentWithEpochs {
  const out = new Map<string, ReadonlyMap<number, number>>();
  for (const [t, ps] of a) out.set(t, new Map([...ps.keys()].map((p) => [p, 0])));
  return out;
}
