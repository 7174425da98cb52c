/**
 * Replay of consumer group records into the group map (Kafka's GroupMetadataManager.replay for
 * the ConsumerGroup* records), after each append and when __consumer_offsets is loaded. A group
 * is created by its first record; a "simple" classic group (one created only to hold offsets,
 * with no record of its own) is replaced, as offsets may be replayed before the group's records.
 * Tombstones of unknown groups or members are ignored; a group or member tombstone that arrives
 * while the group still has state is logged and applied.
 *
 * Also: the tombstones that delete a whole group (Kafka's createGroupTombstoneRecords).
 */
import type { Logger } from '../../../util/logger';
import type { Group } from '../group';
import type { GroupRecord } from '../records';
import { ClassicGroup } from '../classic/classic-group';
import { assignmentFromTopicPartitions } from './assignment';
import { ConsumerGroup } from './consumer-group';
import { LEAVE_GROUP_MEMBER_EPOCH, newMember, withChanges, withCurrentAssignment, withMemberMetadata } from './consumer-group-member';
import {
  currentAssignmentTombstone,
  groupEpochTombstone,
  memberSubscriptionTombstone,
  regularExpressionTombstone,
  subscriptionMetadataTombstone,
  targetAssignmentEpochTombstone,
  targetAssignmentTombstone,
  type ConsumerGroupRecord,
} from './consumer-group-records';

export function replayConsumerGroupRecord(groups: Map<string, Group>, r: ConsumerGroupRecord, log: Logger): void {
  const group = getOrMaybeCreatePersistedGroup(groups, r.groupId, r.value !== null, log);
  if (!group) return; // a tombstone for a group that does not exist
  switch (r.type) {
    case 'cg-metadata':
      if (r.value) {
        group.setGroupEpoch(r.value.epoch);
        group.metadataHash = r.value.metadataHash;
      } else {
        if (group.numMembers > 0 || group.allTargetAssignments().size > 0) {
          log.warn({ groupId: r.groupId, members: group.numMembers }, 'group tombstone replayed while the group still has members or target assignments');
        }
        groups.delete(r.groupId);
      }
      return;
    case 'cg-partition-metadata':
      group.hasSubscriptionMetadataRecord = r.value !== null;
      return;
    case 'cg-member-metadata': {
      if (r.value) {
        group.updateMember(withMemberMetadata(group.member(r.memberId) ?? newMember(r.memberId), r.value));
        return;
      }
      const old = group.member(r.memberId);
      if (!old) return;
      if (old.memberEpoch !== LEAVE_GROUP_MEMBER_EPOCH) log.warn({ groupId: r.groupId, memberId: r.memberId }, 'member tombstone replayed before its current assignment tombstone');
      group.removeMember(r.memberId);
      return;
    }
    case 'cg-target-assignment-member':
      if (r.value) group.updateTargetAssignment(r.memberId, assignmentFromTopicPartitions(r.value.topicPartitions));
      else group.removeTargetAssignment(r.memberId);
      return;
    case 'cg-target-assignment-metadata':
      if (r.value) {
        group.assignmentTimestamp = Number(r.value.assignmentTimestamp);
        group.setTargetAssignmentEpoch(r.value.assignmentEpoch);
      } else {
        group.assignmentTimestamp = 0;
        group.setTargetAssignmentEpoch(-1);
      }
      return;
    case 'cg-current-member-assignment': {
      if (r.value) {
        group.updateMember(withCurrentAssignment(group.member(r.memberId) ?? newMember(r.memberId), r.value));
        return;
      }
      const old = group.member(r.memberId);
      if (!old) return;
      // The member is leaving: epoch -1 and nothing owned, until its other tombstones follow.
      group.updateMember(withChanges(old, {
        memberEpoch: LEAVE_GROUP_MEMBER_EPOCH,
        previousMemberEpoch: LEAVE_GROUP_MEMBER_EPOCH,
        assignedPartitions: new Map(),
        partitionsPendingRevocation: new Map(),
      }));
      return;
    }
    case 'cg-regular-expression':
      group.updateResolvedRegularExpression(
        r.regex,
        r.value ? { topics: new Set(r.value.topics), version: r.value.version, timestamp: Number(r.value.timestamp) } : null,
      );
      return;
  }
}

/** Kafka's getOrMaybeCreatePersistedConsumerGroup. */
function getOrMaybeCreatePersistedGroup(groups: Map<string, Group>, groupId: string, create: boolean, log: Logger): ConsumerGroup | undefined {
  const g = groups.get(groupId);
  if (g instanceof ConsumerGroup) return g;
  if (!create) return undefined;
  if (g && !(g instanceof ClassicGroup && g.isEmpty() && g.protocolType === null)) {
    // Kafka fails loading here (IllegalStateException); the consumer group record wins instead.
    log.warn({ groupId }, 'consumer group record replayed for a group of another kind; replacing it');
  }
  const created = new ConsumerGroup(groupId);
  groups.set(groupId, created);
  return created;
}

/** Every tombstone that deletes `group` (Kafka's ConsumerGroup.createGroupTombstoneRecords). */
export function consumerGroupTombstones(group: ConsumerGroup): GroupRecord[] {
  const records: GroupRecord[] = [];
  const memberIds = [...group.members.keys()];
  for (const id of memberIds) records.push(currentAssignmentTombstone(group.groupId, id));
  for (const id of memberIds) records.push(targetAssignmentTombstone(group.groupId, id));
  records.push(targetAssignmentEpochTombstone(group.groupId));
  for (const id of memberIds) records.push(memberSubscriptionTombstone(group.groupId, id));
  for (const regex of group.regexesResolved()) records.push(regularExpressionTombstone(group.groupId, regex));
  records.push(subscriptionMetadataTombstone(group.groupId));
  records.push(groupEpochTombstone(group.groupId));
  return records;
}
