/**
 * Members leaving or being removed from consumer groups, after Kafka's GroupMetadataManager:
 *
 *  - a heartbeat with epoch -1 leaves (dynamic member, or a static member leaving for good);
 *    epoch -2 is a static member leaving for a while: it stays in the group with epoch -2 and
 *    its partitions, and a new instance with the same instance id takes its place;
 *  - fencing removes members (leave, session timeout, rebalance timeout, LeaveGroup): their
 *    three records become tombstones, regexes nobody subscribes with any more are dropped, and
 *    the group epoch is bumped (with the new metadata hash) so a new target assignment follows;
 *    when the group becomes empty the assignment epoch follows the group epoch;
 *  - timers: the session timeout (group.consumer.session.timeout.ms since the last heartbeat)
 *    and the rebalance timeout (the member's own, while it must revoke partitions) fence the
 *    member when they fire.
 */
import { ErrorCode } from '../../../protocol/error-codes';
import { KafkaError } from '../../../protocol/kafka-errors';
import type { ConsumerGroupHeartbeatResponse } from '../../../protocol/generated/consumer-group-heartbeat';
import type { LeaveGroupRequestMemberIdentity, LeaveGroupResponse } from '../../../protocol/generated/leave-group';
import { EMPTY_RESULT } from '../../runtime/types';
import type { GroupRecord } from '../records';
import { consumerGroupOrThrow, rebalanceTimeoutKey, sessionTimeoutKey, type ConsumerContext, type ConsumerResult } from './consumer-context';
import type { ConsumerGroup } from './consumer-group';
import {
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  resetAssignedPartitionsEpochsToZero,
  subscribedTopicRegexOrNull,
  withChanges,
  type ConsumerGroupMember,
} from './consumer-group-member';
import {
  currentAssignmentRecord,
  currentAssignmentTombstone,
  groupEpochRecord,
  memberSubscriptionRecord,
  memberSubscriptionTombstone,
  regularExpressionTombstone,
  targetAssignmentEpochRecord,
  targetAssignmentRecord,
  targetAssignmentTombstone,
} from './consumer-group-records';

export type HeartbeatResponse = Omit<ConsumerGroupHeartbeatResponse, 'throttleTimeMs'>;
export type LeaveResult = Pick<LeaveGroupResponse, 'errorCode' | 'members'>;

export function heartbeatResponse(memberId: string, memberEpoch: number, heartbeatIntervalMs: number): HeartbeatResponse {
  return { errorCode: ErrorCode.NONE, errorMessage: null, memberId, memberEpoch, heartbeatIntervalMs, assignment: null };
}

export class ConsumerGroupMembership {
  constructor(private readonly ctx: ConsumerContext) {}

  /** ConsumerGroupHeartbeat with epoch -1 or -2 (Kafka's consumerGroupLeave). */
  leave(groupId: string, instanceId: string | null, memberId: string, memberEpoch: number): ConsumerResult<HeartbeatResponse> {
    const group = consumerGroupOrThrow(this.ctx.groups, groupId);
    const response = heartbeatResponse(memberId, memberEpoch, 0);
    if (instanceId === null) {
      const member = group.memberOrThrow(memberId);
      this.ctx.log.info({ groupId, memberId }, 'member left the consumer group');
      return this.fenceMembers(group, [member], response);
    }
    const member = group.staticMember(instanceId);
    throwIfStaticMemberIsUnknown(member, instanceId);
    throwIfInstanceIdIsFenced(member, groupId, memberId, instanceId);
    if (memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      this.ctx.log.info({ groupId, memberId, instanceId }, 'static member temporarily left the consumer group');
      // The member keeps its place (and partitions) with epoch -2 until it comes back.
      const leaving = withChanges(member, {
        memberEpoch: LEAVE_GROUP_STATIC_MEMBER_EPOCH,
        partitionsPendingRevocation: new Map(),
        assignedPartitions: resetAssignedPartitionsEpochsToZero(member.assignedPartitions),
      });
      return { records: [currentAssignmentRecord(groupId, leaving)], response: heartbeatResponse(member.memberId, LEAVE_GROUP_STATIC_MEMBER_EPOCH, 0) };
    }
    this.ctx.log.info({ groupId, memberId, instanceId }, 'static member left the consumer group');
    return this.fenceMembers(group, [member], response);
  }

  /**
   * LeaveGroup for a consumer group (Kafka's classicGroupLeaveToConsumerGroup): members by id, or
   * static members by instance id (an empty member id is an admin removal); each gets its error.
   */
  classicLeave(group: ConsumerGroup, members: readonly Pick<LeaveGroupRequestMemberIdentity, 'memberId' | 'groupInstanceId' | 'reason'>[]): ConsumerResult<LeaveResult> {
    const responses: LeaveResult['members'] = [];
    const leaving: ConsumerGroupMember[] = [];
    for (const m of members) {
      const reason = m.reason ?? 'not provided';
      try {
        let member: ConsumerGroupMember;
        if (m.groupInstanceId === null) {
          member = group.memberOrThrow(m.memberId);
          this.ctx.log.info({ groupId: group.groupId, memberId: m.memberId, reason }, 'dynamic member left the group through an explicit LeaveGroup request');
        } else {
          const found = group.staticMember(m.groupInstanceId);
          throwIfStaticMemberIsUnknown(found, m.groupInstanceId);
          if (m.memberId !== '') throwIfInstanceIdIsFenced(found, group.groupId, m.memberId, m.groupInstanceId);
          member = found;
          this.ctx.log.info({ groupId: group.groupId, memberId: member.memberId, instanceId: m.groupInstanceId, reason }, 'static member left the group through an explicit LeaveGroup request');
        }
        responses.push({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: ErrorCode.NONE });
        if (!leaving.includes(member)) leaving.push(member);
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e;
        responses.push({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: e.errorCode });
      }
    }
    return this.fenceMembers(group, leaving, { errorCode: ErrorCode.NONE, members: responses });
  }

  fenceMembers<T>(group: ConsumerGroup, members: readonly ConsumerGroupMember[], response: T): ConsumerResult<T> {
    if (members.length === 0) return { records: [], response };
    const records: GroupRecord[] = [];
    for (const m of members) removeMemberRecords(records, group.groupId, m.memberId);
    const deletedRegexes = this.maybeDeleteResolvedRegularExpressions(records, group, members);
    const hash = this.ctx.topicHashes.metadataHash(group.computeSubscribedTopicNamesWithout(members, deletedRegexes).keys());
    const groupEpoch = group.groupEpoch + 1;
    records.push(groupEpochRecord(group.groupId, groupEpoch, hash));
    this.ctx.log.info({ groupId: group.groupId, groupEpoch, metadataHash: String(hash), removed: members.map((m) => m.memberId) }, 'bumped the group epoch after removing members');
    // An empty group has nothing to assign: its assignment epoch follows the group epoch.
    if (group.numMembers === members.length) records.push(targetAssignmentEpochRecord(group.groupId, groupEpoch, 0));
    for (const m of members) this.cancelTimers(group.groupId, m.memberId);
    return { records, response };
  }

  /** Tombstones for the regexes only `removed` members subscribe with; returns them. */
  private maybeDeleteResolvedRegularExpressions(records: GroupRecord[], group: ConsumerGroup, removed: readonly ConsumerGroupMember[]): Set<string> {
    const counts = new Map<string, number>();
    for (const m of removed) {
      const regex = subscribedTopicRegexOrNull(m);
      if (regex !== null) counts.set(regex, (counts.get(regex) ?? 0) + 1);
    }
    const deleted = new Set<string>();
    for (const [regex, n] of counts) {
      if (group.numSubscribedMembers(regex) === n) {
        records.push(regularExpressionTombstone(group.groupId, regex));
        deleted.add(regex);
      }
    }
    return deleted;
  }

  /**
   * A static member rejoining under a new id takes the old member's place: the old member's
   * records become tombstones, the new one gets its subscription, target and current assignment.
   * Timers of the old member are left to find it gone.
   */
  replaceMember(records: GroupRecord[], group: ConsumerGroup, oldMember: ConsumerGroupMember, newMember: ConsumerGroupMember): void {
    removeMemberRecords(records, group.groupId, oldMember.memberId);
    records.push(memberSubscriptionRecord(group.groupId, newMember));
    records.push(targetAssignmentRecord(group.groupId, newMember.memberId, group.targetAssignment(oldMember.memberId)));
    records.push(currentAssignmentRecord(group.groupId, newMember));
  }

  // ---- timers --------------------------------------------------------------------------------

  scheduleSessionTimeout(groupId: string, memberId: string): void {
    this.ctx.timer.schedule(sessionTimeoutKey(groupId, memberId), this.ctx.config().sessionTimeoutMs, () => this.fenceOnTimer(groupId, memberId, 'the member session expired'));
  }

  /** Fences the member if it is still at `memberEpoch` when `rebalanceTimeoutMs` have passed. */
  scheduleRebalanceTimeout(groupId: string, memberId: string, memberEpoch: number, rebalanceTimeoutMs: number): void {
    this.ctx.timer.schedule(rebalanceTimeoutKey(groupId, memberId), rebalanceTimeoutMs, () => {
      const member = this.memberIfAny(groupId, memberId);
      if (!member) return EMPTY_RESULT;
      if (member.memberEpoch !== memberEpoch) {
        this.ctx.log.debug({ groupId, memberId, memberEpoch }, 'ignoring the rebalance timeout: the member left the epoch');
        return EMPTY_RESULT;
      }
      this.ctx.log.info({ groupId, memberId, memberEpoch, rebalanceTimeoutMs }, 'member fenced: it failed to transition from its epoch within the rebalance timeout');
      return this.fenceMembers(consumerGroupOrThrow(this.ctx.groups, groupId), [member], undefined);
    });
  }

  cancelRebalanceTimeout(groupId: string, memberId: string): void {
    this.ctx.timer.cancel(rebalanceTimeoutKey(groupId, memberId));
  }

  cancelTimers(groupId: string, memberId: string): void {
    this.ctx.timer.cancel(sessionTimeoutKey(groupId, memberId));
    this.ctx.timer.cancel(rebalanceTimeoutKey(groupId, memberId));
  }

  private fenceOnTimer(groupId: string, memberId: string, reason: string): ConsumerResult {
    const member = this.memberIfAny(groupId, memberId);
    if (!member) return EMPTY_RESULT;
    this.ctx.log.info({ groupId, memberId, reason }, 'member fenced from the consumer group');
    return this.fenceMembers(consumerGroupOrThrow(this.ctx.groups, groupId), [member], undefined);
  }

  private memberIfAny(groupId: string, memberId: string): ConsumerGroupMember | undefined {
    try {
      return consumerGroupOrThrow(this.ctx.groups, groupId).member(memberId);
    } catch {
      return undefined;
    }
  }
}

export function removeMemberRecords(records: GroupRecord[], groupId: string, memberId: string): void {
  records.push(currentAssignmentTombstone(groupId, memberId));
  records.push(targetAssignmentTombstone(groupId, memberId));
  records.push(memberSubscriptionTombstone(groupId, memberId));
}

export function throwIfStaticMemberIsUnknown(member: ConsumerGroupMember | undefined, instanceId: string): asserts member is ConsumerGroupMember {
  if (!member) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Instance id ${instanceId} is unknown.`);
}

export function throwIfInstanceIdIsFenced(member: ConsumerGroupMember, groupId: string, memberId: string, instanceId: string): void {
  if (member.memberId !== memberId) {
    throw new KafkaError(ErrorCode.FENCED_INSTANCE_ID, `Static member ${memberId} with instance id ${instanceId} was fenced by member ${member.memberId}.`);
  }
}
