/**
 * ConsumerGroupHeartbeat for members that join or stay (Kafka 4.4's
 * GroupMetadataManager.consumerGroupHeartbeat). Each heartbeat:
 *
 *  1. finds or creates the group (an empty classic group is replaced; a non-empty one is
 *     GROUP_ID_NOT_FOUND, as Kafka with online migration disabled) and the member (epoch 0
 *     joins: a new member, the same member again (KIP-1082), or a static member replacing its
 *     previous instance, which must have left with epoch -2, else UNRELEASED_INSTANCE_ID);
 *     otherwise the epoch must be the member's, or its previous one with only assigned
 *     partitions owned (the response with the new epoch was lost), else FENCED_MEMBER_EPOCH;
 *  2. updates the member (subscription, rack, rebalance timeout, assignor, client): a changed
 *     topic subscription, a resolved regex change, a changed preferred assignor, or new topic
 *     metadata (a different metadata hash) bumps the group epoch;
 *  3. computes a new target assignment when the group epoch is ahead of the assignment epoch,
 *     at most once per group.consumer.assignment.interval.ms (KIP-1263);
 *  4. reconciles the member towards its target (current-assignment-builder.ts) and arms the
 *     rebalance timeout while it must revoke partitions;
 *  5. restarts the session timeout and answers the member id, epoch, heartbeat interval and,
 *     for full requests or when it changed, the assignment.
 */
import { ErrorCode } from '../../../protocol/error-codes';
import { KafkaError } from '../../../protocol/kafka-errors';
import type { ConsumerGroupHeartbeatRequest } from '../../../protocol/generated/consumer-group-heartbeat';
import { groupMetadataTombstone, type GroupRecord } from '../records';
import { ClassicGroup } from '../classic/classic-group';
import { EMPTY_ASSIGNMENT, type Assignment, type AssignmentWithEpochs } from './assignment';
import type { SubscriptionType } from './assignors/partition-assignor';
import { configuredAssignors, randomMemberId, type ConsumerContext, type ConsumerResult } from './consumer-context';
import { ConsumerGroup } from './consumer-group';
import {
  hasAssignedPartitionsChanged,
  isReconciledTo,
  LEAVE_GROUP_MEMBER_EPOCH,
  LEAVE_GROUP_STATIC_MEMBER_EPOCH,
  membersEqual,
  newMember,
  NO_CLASSIC_MEMBER_METADATA,
  setsEqual,
  withChanges,
  type ConsumerGroupMember,
} from './consumer-group-member';
import { heartbeatResponse, throwIfInstanceIdIsFenced, throwIfStaticMemberIsUnknown, type ConsumerGroupMembership, type HeartbeatResponse } from './consumer-group-membership';
import { currentAssignmentRecord, groupEpochRecord, memberSubscriptionRecord, subscriptionMetadataTombstone } from './consumer-group-records';
import { ConsumerGroupRegexes, RegexUpdate } from './consumer-group-regexes';
import { reconcile, type OwnedTopicPartitions } from './current-assignment-builder';
import { MemberState } from './member-state';
import { computeTargetAssignment } from './target-assignment-builder';

/** Kafka's METADATA_REFRESH_INTERVAL_MS: only topic changes make the metadata stale. */
const METADATA_REFRESH_INTERVAL_MS = 2_147_483_647;

/** Who sent the heartbeat. */
export interface HeartbeatContext {
  readonly clientId: string;
  readonly clientHost: string;
  readonly apiVersion: number;
}

export class ConsumerGroupHeartbeat {
  constructor(
    private readonly ctx: ConsumerContext,
    private readonly membership: ConsumerGroupMembership,
    private readonly regexes: ConsumerGroupRegexes,
  ) {}

  heartbeat(hctx: HeartbeatContext, req: ConsumerGroupHeartbeatRequest): ConsumerResult<HeartbeatResponse> {
    if (req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH || req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      return this.membership.leave(req.groupId, req.instanceId, req.memberId, req.memberEpoch);
    }
    return this.joinOrUpdate(hctx, req);
  }

  private joinOrUpdate(hctx: HeartbeatContext, req: ConsumerGroupHeartbeatRequest): ConsumerResult<HeartbeatResponse> {
    const { groupId, memberEpoch, instanceId } = req;
    const owned: readonly OwnedTopicPartitions[] | null = req.topicPartitions;
    const now = this.ctx.clock.now();
    const records: GroupRecord[] = [];
    const createIfNotExists = memberEpoch === 0;
    const group = this.getOrMaybeCreateGroup(groupId, createIfNotExists, records);
    this.throwIfGroupIsFull(group, req.memberId, instanceId);
    const memberId = req.memberId === '' ? randomMemberId() : req.memberId;
    const member =
      instanceId === null
        ? this.getOrMaybeSubscribeDynamicMember(group, memberId, memberEpoch, owned, createIfNotExists)
        : this.getOrMaybeSubscribeStaticMember(group, memberId, memberEpoch, instanceId, owned, createIfNotExists, records);

    // 1. The member as this request leaves it.
    const updated = withChanges(member, {
      ...(instanceId !== null ? { instanceId } : {}),
      ...(req.rackId !== null ? { rackId: req.rackId } : {}),
      ...(req.rebalanceTimeoutMs !== -1 ? { rebalanceTimeoutMs: req.rebalanceTimeoutMs } : {}),
      ...(req.serverAssignor !== null ? { serverAssignorName: req.serverAssignor } : {}),
      ...(req.subscribedTopicNames !== null ? { subscribedTopicNames: new Set(req.subscribedTopicNames) } : {}),
      ...(req.subscribedTopicRegex !== null ? { subscribedTopicRegex: req.subscribedTopicRegex } : {}),
      clientId: hctx.clientId,
      clientHost: hctx.clientHost,
      classicMemberMetadata: NO_CLASSIC_MEMBER_METADATA,
    });
    const subscriptionChanged = this.hasMemberSubscriptionChanged(groupId, member, updated, records);
    const regexStatus = this.regexes.maybeUpdateRegularExpressions(group, member, updated, records);
    const assignorChanged = this.hasPreferredServerAssignorChanged(group, member, updated);
    const hasSubscriptionChanged = subscriptionChanged || regexStatus !== RegexUpdate.NO_CHANGE;
    const bumpGroupEpoch = subscriptionChanged || regexStatus === RegexUpdate.UPDATED_AND_RESOLVED || assignorChanged;

    let groupEpoch = group.groupEpoch;
    let subscriptionType = group.subscriptionType;
    if (bumpGroupEpoch || group.hasMetadataExpired(now)) {
      ({ groupEpoch, subscriptionType } = this.updateSubscriptionMetadata(group, bumpGroupEpoch, member, updated, records));
    }

    // 2. The target assignment.
    const target = this.maybeUpdateTargetAssignment(group, groupEpoch, member, updated, subscriptionType, records);

    // 3. Reconciliation.
    const reconciled = this.maybeReconcile(group, updated, target.epoch, target.assignment, hasSubscriptionChanged, owned, records);

    this.membership.scheduleSessionTimeout(groupId, memberId);

    const response = heartbeatResponse(reconciled.memberId, reconciled.memberEpoch, this.ctx.config().heartbeatIntervalMs);
    const isFullRequest = req.rebalanceTimeoutMs !== -1 && (req.subscribedTopicNames !== null || req.subscribedTopicRegex !== null) && owned !== null;
    if (memberEpoch === 0 || isFullRequest || hasAssignedPartitionsChanged(member, reconciled)) {
      response.assignment = { topicPartitions: toResponseAssignment(reconciled.assignedPartitions) };
    }
    return { records, response };
  }

  // ---- group and member ----------------------------------------------------------------------

  /**
   * The group (Kafka's getOrMaybeCreateConsumerGroup). A new group is not in the map yet: it is
   * created when its records are replayed.
   */
  private getOrMaybeCreateGroup(groupId: string, createIfNotExists: boolean, records: GroupRecord[]): ConsumerGroup {
    const g = this.ctx.groups.get(groupId);
    if (!g && !createIfNotExists) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Consumer group ${groupId} not found.`);
    if (!g) return new ConsumerGroup(groupId);
    if (createIfNotExists && g instanceof ClassicGroup && g.isEmpty()) {
      // An empty classic group (e.g. one that only holds offsets) becomes a consumer group.
      records.push(groupMetadataTombstone(groupId));
      this.ctx.log.info({ groupId }, 'converted the empty classic group to a consumer group');
      return new ConsumerGroup(groupId);
    }
    if (g instanceof ConsumerGroup) return g;
    if (createIfNotExists && g instanceof ClassicGroup) {
      // group.consumer.migration.policy=disabled: a live classic group is never upgraded.
      this.ctx.log.info({ groupId }, 'cannot upgrade classic group to consumer group because online upgrade is disabled');
      throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Cannot upgrade classic group ${groupId} to consumer group because online upgrade is disabled.`);
    }
    throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`);
  }

  /** GROUP_MAX_SIZE_REACHED for a new member of a full group (group.consumer.max.size). */
  private throwIfGroupIsFull(group: ConsumerGroup, memberId: string, instanceId: string | null): void {
    if (group.hasStaticMember(instanceId)) return;
    const max = this.ctx.config().maxSize;
    if (group.numMembers >= max && (memberId === '' || !group.hasMember(memberId))) {
      throw new KafkaError(ErrorCode.GROUP_MAX_SIZE_REACHED, `The consumer group has reached its maximum capacity of ${max} members.`);
    }
  }

  private getOrMaybeSubscribeDynamicMember(group: ConsumerGroup, memberId: string, memberEpoch: number, owned: readonly OwnedTopicPartitions[] | null, create: boolean): ConsumerGroupMember {
    const existing = group.member(memberId);
    if (!existing && !create) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${memberId} is not a member of group ${group.groupId}.`);
    const member = existing ?? newMember(memberId);
    throwIfMemberEpochIsInvalid(member, memberEpoch, owned);
    if (create) this.ctx.log.info({ groupId: group.groupId, memberId }, 'member joins the consumer group using the consumer protocol');
    return member;
  }

  private getOrMaybeSubscribeStaticMember(
    group: ConsumerGroup, memberId: string, memberEpoch: number, instanceId: string,
    owned: readonly OwnedTopicPartitions[] | null, create: boolean, records: GroupRecord[],
  ): ConsumerGroupMember {
    const existing = group.staticMember(instanceId);
    if (!create) {
      throwIfStaticMemberIsUnknown(existing, instanceId);
      throwIfInstanceIdIsFenced(existing, group.groupId, memberId, instanceId);
      throwIfMemberEpochIsInvalid(existing, memberEpoch, owned);
      return existing;
    }
    if (!existing) {
      this.ctx.log.info({ groupId: group.groupId, memberId, instanceId }, 'static member joins the consumer group using the consumer protocol');
      return group.member(memberId) ?? newMember(memberId);
    }
    // The previous instance must have left with epoch -2.
    if (existing.memberEpoch !== LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
      this.ctx.log.info({ groupId: group.groupId, memberId, instanceId, owner: existing.memberId }, 'static member cannot join: its instance id is still owned');
      throw new KafkaError(ErrorCode.UNRELEASED_INSTANCE_ID, `Static member ${memberId} with instance id ${instanceId} cannot join the group because the instance id is owned by ${existing.memberId} member.`);
    }
    const replacement = withChanges(existing, { memberId, memberEpoch: 0, previousMemberEpoch: 0 });
    this.membership.replaceMember(records, group, existing, replacement);
    this.ctx.log.info({ groupId: group.groupId, instanceId, memberId, replaced: existing.memberId }, 'static member re-joins the consumer group under a new member id');
    return replacement;
  }

  private hasMemberSubscriptionChanged(groupId: string, member: ConsumerGroupMember, updated: ConsumerGroupMember, records: GroupRecord[]): boolean {
    if (membersEqual(member, updated)) return false;
    records.push(memberSubscriptionRecord(groupId, updated));
    const changed = !setsEqual(member.subscribedTopicNames, updated.subscribedTopicNames);
    if (changed) this.ctx.log.debug({ groupId, memberId: updated.memberId, topics: [...updated.subscribedTopicNames] }, 'member updated its subscribed topics');
    return changed;
  }

  private hasPreferredServerAssignorChanged(group: ConsumerGroup, member: ConsumerGroupMember, updated: ConsumerGroupMember): boolean {
    const defaultName = configuredAssignors(this.ctx.config())[0]!.name;
    return (group.preferredServerAssignor() ?? defaultName) !== (group.computePreferredServerAssignor(member, updated) ?? defaultName);
  }

  // ---- subscription metadata and target assignment -------------------------------------------

  /** Kafka 4.4's updateSubscriptionMetadata: new metadata hash -> group epoch bump. */
  private updateSubscriptionMetadata(group: ConsumerGroup, bumpGroupEpoch: boolean, member: ConsumerGroupMember, updated: ConsumerGroupMember, records: GroupRecord[]): { groupEpoch: number; subscriptionType: SubscriptionType } {
    const now = this.ctx.clock.now();
    let groupEpoch = group.groupEpoch;
    const regexes = group.computeSubscribedRegularExpressions(member, updated);
    const topicNames = group.computeSubscribedTopicNames(member, updated);
    const hash = this.ctx.topicHashes.metadataHash(topicNames.keys());
    let numMembers = group.numMembers;
    if (!group.hasMember(updated.memberId) && !group.hasStaticMember(updated.instanceId)) numMembers++;
    const subscriptionType = ConsumerGroup.subscriptionType(regexes, topicNames, numMembers);
    if (hash !== group.metadataHash) {
      this.ctx.log.debug({ groupId: group.groupId, metadataHash: String(hash) }, 'computed new metadata hash');
      bumpGroupEpoch = true;
    }
    if (bumpGroupEpoch) {
      groupEpoch += 1;
      records.push(groupEpochRecord(group.groupId, groupEpoch, hash));
      this.ctx.log.info({ groupId: group.groupId, groupEpoch, metadataHash: String(hash) }, 'bumped group epoch');
    }
    group.setMetadataRefreshDeadline(now + METADATA_REFRESH_INTERVAL_MS, groupEpoch);
    if (group.hasSubscriptionMetadataRecord) records.push(subscriptionMetadataTombstone(group.groupId));
    return { groupEpoch, subscriptionType };
  }

  private maybeUpdateTargetAssignment(group: ConsumerGroup, groupEpoch: number, member: ConsumerGroupMember, updated: ConsumerGroupMember, subscriptionType: SubscriptionType, records: GroupRecord[]): { epoch: number; assignment: Assignment } {
    const last = { epoch: group.assignmentEpoch, assignment: group.targetAssignmentOf(updated.memberId, updated.instanceId) };
    if (groupEpoch <= group.assignmentEpoch) return last;
    const now = this.ctx.clock.now();
    if (!canComputeNextTargetAssignment(group.assignmentTimestamp, this.ctx.config().assignmentIntervalMs, now)) return last;
    const assignors = configuredAssignors(this.ctx.config());
    const preferred = group.computePreferredServerAssignor(member, updated) ?? assignors[0]!.name;
    const assignor = assignors.find((a) => a.name === preferred) ?? assignors[0]!;
    const started = this.ctx.clock.monotonic();
    try {
      const result = computeTargetAssignment({ group, groupEpoch, assignor, subscriptionType, image: this.ctx.image, updatedMember: updated, nowMs: now });
      this.ctx.log.info({ groupId: group.groupId, groupEpoch, assignor: assignor.name, ms: Math.round(this.ctx.clock.monotonic() - started) }, 'computed a new target assignment');
      records.push(...result.records);
      return { epoch: groupEpoch, assignment: result.targetAssignment.get(updated.memberId) ?? EMPTY_ASSIGNMENT };
    } catch (e) {
      const message = `Failed to compute a new target assignment for epoch ${groupEpoch}: ${(e as Error).message}`;
      this.ctx.log.error({ groupId: group.groupId, err: e }, message);
      throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, message, { cause: e });
    }
  }

  private maybeReconcile(group: ConsumerGroup, member: ConsumerGroupMember, targetEpoch: number, target: Assignment, hasSubscriptionChanged: boolean, owned: readonly OwnedTopicPartitions[] | null, records: GroupRecord[]): ConsumerGroupMember {
    if (!hasSubscriptionChanged && isReconciledTo(member, targetEpoch)) return member;
    const next = reconcile(member, {
      targetAssignmentEpoch: targetEpoch,
      targetAssignment: target,
      hasSubscriptionChanged,
      resolvedRegularExpressions: group.resolvedRegularExpressions,
      currentPartitionEpoch: (t, p) => group.currentPartitionEpoch(t, p),
      ownedTopicPartitions: owned,
      image: this.ctx.image,
    });
    if (membersEqual(next, member)) return next;
    records.push(currentAssignmentRecord(group.groupId, next));
    this.ctx.log.debug({ groupId: group.groupId, memberId: next.memberId, epoch: next.memberEpoch, previousEpoch: next.previousMemberEpoch, state: next.state }, 'member has a new assignment state');
    if (next.state === MemberState.UNREVOKED_PARTITIONS) {
      this.membership.scheduleRebalanceTimeout(group.groupId, next.memberId, next.memberEpoch, next.rebalanceTimeoutMs);
    } else {
      this.membership.cancelRebalanceTimeout(group.groupId, next.memberId);
    }
    return next;
  }
}

/**
 * Kafka's throwIfConsumerGroupMemberEpochIsInvalid: epoch 0 is always accepted (a join); an epoch
 * ahead of the member's, or behind it other than the previous epoch with only assigned
 * partitions owned, is FENCED_MEMBER_EPOCH.
 */
function throwIfMemberEpochIsInvalid(member: ConsumerGroupMember, received: number, owned: readonly OwnedTopicPartitions[] | null): void {
  if (received === 0) return;
  if (received > member.memberEpoch) {
    throw new KafkaError(ErrorCode.FENCED_MEMBER_EPOCH, `The consumer group member has a greater member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`);
  }
  if (received < member.memberEpoch && (received !== member.previousMemberEpoch || !isSubset(owned, member.assignedPartitions))) {
    throw new KafkaError(ErrorCode.FENCED_MEMBER_EPOCH, `The consumer group member has a smaller member epoch (${received}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`);
  }
}

/** Whether every owned partition is among the assigned ones (no report: no). */
function isSubset(owned: readonly OwnedTopicPartitions[] | null, assigned: AssignmentWithEpochs): boolean {
  if (owned === null) return false;
  for (const tp of owned) {
    const ps = assigned.get(tp.topicId);
    if (!ps || tp.partitions.some((p) => !ps.has(p))) return false;
  }
  return true;
}

/** KIP-1263: at most one new target assignment per interval (0: always). */
export function canComputeNextTargetAssignment(lastAssignmentTimestamp: number, intervalMs: number, nowMs: number): boolean {
  return lastAssignmentTimestamp === 0 || intervalMs === 0 || nowMs >= lastAssignmentTimestamp + intervalMs;
}

function toResponseAssignment(a: AssignmentWithEpochs): Array<{ topicId: string; partitions: number[] }> {
  return [...a].map(([topicId, ps]) => ({ topicId, partitions: [...ps.keys()] }));
}

