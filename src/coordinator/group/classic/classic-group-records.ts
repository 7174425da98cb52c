/**
 * The GroupMetadata records of a classic group (Kafka's GroupCoordinatorRecordHelpers): the
 * group as of a completed join phase or assignment, and the record of a group just created.
 */
import { invariant } from '../../../util/invariant';
import { groupMetadataRecord, type GroupMetadataValueMemberMetadata, type GroupRecord } from '../records';
import type { ClassicGroup } from './classic-group';

/** The group with `assignment` (member id → bytes); every member must have one. */
export function groupMetadataRecordOf(group: ClassicGroup, assignment: ReadonlyMap<string, Buffer>): GroupRecord {
  const members: GroupMetadataValueMemberMetadata[] = group.allMembers().map((m) => {
    invariant(group.protocolName !== null, () => `group ${group.groupId} has members but no protocol`);
    const a = assignment.get(m.memberId);
    invariant(a, () => `member ${m.memberId} of group ${group.groupId} has no assignment to write`);
    return {
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: m.metadata(group.protocolName),
      assignment: a,
    };
  });
  return groupMetadataRecord(group.groupId, {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol: group.protocolName,
    leader: group.leader,
    currentStateTimestamp: BigInt(group.currentStateTimestamp ?? -1),
    members,
  });
}

/** A group just created, with no protocol, generation 0 and no member (newEmptyGroupMetadataRecord). */
export function emptyGroupMetadataRecordOf(group: ClassicGroup): GroupRecord {
  return groupMetadataRecord(group.groupId, {
    protocolType: '',
    generation: 0,
    protocol: null,
    leader: null,
    currentStateTimestamp: BigInt(group.currentStateTimestamp ?? -1),
    members: [],
  });
}
