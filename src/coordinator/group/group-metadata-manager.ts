/**
 * The groups of one __consumer_offsets partition (Kafka's GroupMetadataManager, group side):
 * the group map, the classic protocol operations (delegated to classic/), ListGroups,
 * DescribeGroups, the group part of DeleteGroups, the replay of GroupMetadata records, and what
 * happens when the shard is loaded (sessions restart) or unloaded (parked requests answered).
 *
 * Classic group membership is soft state changed by the operations themselves; the
 * GroupMetadata record they write is replayed only when the partition is loaded (a tombstone,
 * from DeleteGroups or expiry, is replayed at once and removes the group).
 */
import { ErrorCode } from '../../protocol/error-codes';
import { KafkaError } from '../../protocol/kafka-errors';
import type { DescribeGroupsResponseDescribedGroup } from '../../protocol/generated/describe-groups';
import type { JoinGroupRequest } from '../../protocol/generated/join-group';
import type { SyncGroupRequest } from '../../protocol/generated/sync-group';
import type { LeaveGroupRequest } from '../../protocol/generated/leave-group';
import type { Clock } from '../../util/clock';
import type { Logger } from '../../util/logger';
import type { CoordinatorTimer } from '../runtime/coordinator-timer';
import type { GroupCoordinatorConfig } from './config';
import { parseGroupType, type Group, type ListedGroup } from './group';
import { groupMetadataTombstone, type GroupMetadataValue, type GroupRecord } from './records';
import { ClassicGroup } from './classic/classic-group';
import { ClassicGroupMember, EMPTY_ASSIGNMENT } from './classic/classic-group-member';
import { ClassicGroupState } from './classic/classic-group-state';
import { joinError, syncError, type ClassicContext, type GroupRequestContext, type GroupResult } from './classic/classic-context';
import { ClassicJoin, type JoinResponder } from './classic/classic-join';
import { ClassicMembership, type HeartbeatInput, type LeaveResult, type SyncResponder } from './classic/classic-membership';
import { ClassicRebalance } from './classic/classic-rebalance';
import { ConsumerGroup } from './consumer/consumer-group';
import { ConsumerGroupProtocol } from './consumer/consumer-group-protocol';
import type { ConsumerGroupRecord } from './consumer/consumer-group-records';
import { StaticTopicsImage, type TopicsImage } from './consumer/topics-image';

const { EMPTY, PREPARING_REBALANCE, STABLE, DEAD } = ClassicGroupState;

export type DescribedGroup = Omit<DescribeGroupsResponseDescribedGroup, 'authorizedOperations'>;

export class GroupMetadataManager {
  readonly groups = new Map<string, Group>();
  private readonly rebalance: ClassicRebalance;
  private readonly joins: ClassicJoin;
  private readonly membership: ClassicMembership;
  /** KIP-848 consumer groups (consumer/). */
  readonly consumer: ConsumerGroupProtocol;

  constructor(
    private readonly clock: Clock,
    timer: CoordinatorTimer<GroupRecord>,
    private readonly config: () => GroupCoordinatorConfig,
    private readonly log: Logger,
    image: TopicsImage = new StaticTopicsImage(),
  ) {
    const ctx: ClassicContext = { clock, timer, log, config, groups: this.groups };
    this.rebalance = new ClassicRebalance(ctx);
    this.joins = new ClassicJoin(ctx, this.rebalance);
    this.membership = new ClassicMembership(ctx, this.rebalance);
    this.consumer = new ConsumerGroupProtocol({ clock, timer, log, config, groups: this.groups, image });
  }

  group(groupId: string): Group | undefined {
    return this.groups.get(groupId);
  }

  classicGroup(groupId: string): ClassicGroup | undefined {
    const g = this.groups.get(groupId);
    return g instanceof ClassicGroup ? g : undefined;
  }

  /** An Empty classic group with no protocol type: offsets committed outside group management. */
  getOrCreateSimpleGroup(groupId: string): Group {
    let g = this.groups.get(groupId);
    if (!g) {
      g = new ClassicGroup(groupId, EMPTY, this.clock);
      this.groups.set(groupId, g);
    }
    return g;
  }

  /** An offset commit of a classic member keeps its session alive, as a heartbeat would. */
  onOffsetCommit(group: Group, memberId: string): void {
    if (!(group instanceof ClassicGroup) || !(group.is(STABLE) || group.is(PREPARING_REBALANCE))) return;
    const member = group.member(memberId);
    if (member) this.rebalance.rescheduleHeartbeat(group, member);
  }

  // ---- classic protocol ----------------------------------------------------------------------

  join(rctx: GroupRequestContext, req: JoinGroupRequest, respond: JoinResponder): GroupResult {
    const existing = this.groups.get(req.groupId);
    if (!(existing instanceof ConsumerGroup) || !existing.isEmpty()) return this.joins.join(rctx, req, respond);
    // An empty consumer group becomes a classic group (Kafka's maybeDeleteEmptyConsumerGroup);
    // its tombstones go with the classic group's first record, which is not replayed.
    const tombstones = this.consumer.tombstones(existing);
    this.groups.delete(req.groupId);
    this.log.info({ groupId: req.groupId }, 'converted the empty consumer group to a classic group');
    const result = this.joins.join(rctx, req, respond);
    return { ...result, records: [...tombstones, ...result.records], replay: false };
  }

  sync(req: SyncGroupRequest, respond: SyncResponder): GroupResult {
    return this.membership.sync(req, respond);
  }

  heartbeat(req: HeartbeatInput): number {
    return this.membership.heartbeat(req);
  }

  leave(req: Pick<LeaveGroupRequest, 'groupId' | 'members'>): GroupResult<LeaveResult> {
    const group = this.groups.get(req.groupId);
    if (group instanceof ConsumerGroup) return this.consumer.leave(group, req.members);
    return this.membership.leave(req);
  }

  // ---- list / describe / delete --------------------------------------------------------------

  /** ListGroups: empty filters match everything; states and types compare case-insensitively. */
  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroup[] {
    const states = new Set(statesFilter.map((s) => s.trim().toLowerCase()));
    const types = new Set(typesFilter.map(parseGroupType));
    const out: ListedGroup[] = [];
    for (const g of this.groups.values()) {
      if (statesFilter.length > 0 && !g.isInStates(states)) continue;
      if (typesFilter.length > 0 && !types.has(g.type)) continue;
      out.push(g.asListedGroup());
    }
    return out;
  }

  /**
   * DescribeGroups. An unknown group is described as Dead; from v6 it is also answered
   * GROUP_ID_NOT_FOUND with a message (KIP-1043). Members carry their metadata and assignment
   * only in Stable.
   */
  describeGroups(groupIds: readonly string[], apiVersion: number): DescribedGroup[] {
    return groupIds.map((groupId) => {
      const group = this.classicGroup(groupId);
      if (!group) {
        const notFound = apiVersion >= 6;
        // A consumer group is not described here (Kafka: "is not a classic group"); clients use ConsumerGroupDescribe.
        const message = this.groups.has(groupId) ? `Group ${groupId} is not a classic group.` : `Group ${groupId} not found.`;
        return {
          errorCode: notFound ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NONE,
          errorMessage: notFound ? message : null,
          groupId,
          groupState: DEAD,
          protocolType: '',
          protocolData: '',
          members: [],
        };
      }
      const stable = group.is(STABLE);
      return {
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        groupId,
        groupState: group.state,
        protocolType: group.protocolType ?? '',
        protocolData: stable ? group.protocolName ?? '' : '',
        members: group.allMembers().map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          memberMetadata: stable && group.protocolName !== null ? m.metadata(group.protocolName) : EMPTY_ASSIGNMENT,
          memberAssignment: m.assignment,
        })),
      };
    });
  }

  /** Throws GROUP_ID_NOT_FOUND / NON_EMPTY_GROUP when the group cannot be deleted. */
  validateDeleteGroup(groupId: string): Group {
    const group = this.groups.get(groupId);
    if (!group) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} not found.`);
    group.validateDeleteGroup();
    return group;
  }

  groupTombstone(groupId: string): GroupRecord {
    return groupMetadataTombstone(groupId);
  }

  /** The records that delete the group: a GroupMetadata tombstone, or a consumer group's tombstones. */
  groupTombstones(groupId: string): GroupRecord[] {
    const g = this.groups.get(groupId);
    return g instanceof ConsumerGroup ? this.consumer.tombstones(g) : [groupMetadataTombstone(groupId)];
  }

  /** Tombstones for the group if it exists and is empty (offset expiry removed its last offset). */
  maybeDeleteGroup(groupId: string, records: GroupRecord[]): void {
    const g = this.groups.get(groupId);
    if (g && g.isEmpty()) records.push(...this.groupTombstones(groupId));
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  // ---- replay and lifecycle ------------------------------------------------------------------

  /** GroupMetadata record: the group as of its last rebalance (a tombstone removes it). */
  replay(groupId: string, value: GroupMetadataValue | null): void {
    if (value === null) {
      const g = this.groups.get(groupId);
      if (g instanceof ClassicGroup && !g.is(DEAD)) g.transitionTo(DEAD);
      this.groups.delete(groupId);
      return;
    }
    const members = value.members.map(
      (m) =>
        new ClassicGroupMember(
          m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
          m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout,
          m.sessionTimeout, value.protocolType, [{ name: value.protocol ?? '', metadata: m.subscription }], m.assignment,
        ),
    );
    const group = new ClassicGroup(groupId, members.length === 0 ? EMPTY : STABLE, this.clock, {
      generationId: value.generation,
      protocolType: value.protocolType === '' ? null : value.protocolType,
      protocolName: value.protocol,
      leaderId: value.leader,
      currentStateTimestamp: value.currentStateTimestamp === -1n ? null : Number(value.currentStateTimestamp),
    });
    for (const m of members) group.add(m);
    group.subscribedTopics = group.computeSubscribedTopics();
    this.groups.set(groupId, group);
  }

  /** A consumer group record (ConsumerGroup* types). */
  replayConsumer(record: ConsumerGroupRecord): void {
    this.consumer.replay(record);
  }

  /** Loaded: every member's session starts now; an over-size group rebalances. */
  onLoaded(): void {
    this.consumer.onLoaded();
    for (const g of this.groups.values()) {
      if (!(g instanceof ClassicGroup)) continue;
      this.log.info({ groupId: g.groupId, members: g.size, generation: g.generationId }, `loaded classic group ${g.groupId}`);
      for (const m of g.allMembers()) this.rebalance.rescheduleHeartbeat(g, m);
      if (g.size > this.config().maxGroupSize) {
        this.rebalance.prepareRebalance(g, `loaded group ${g.groupId} has ${g.size} members, more than group.max.size`);
      }
    }
  }

  /** Unloaded (shutdown): groups become Dead; parked requests are told NOT_COORDINATOR. */
  onUnloaded(): void {
    for (const g of this.groups.values()) {
      if (!(g instanceof ClassicGroup)) continue;
      const previous = g.state;
      g.transitionTo(DEAD);
      for (const m of g.allMembers()) {
        if (previous === PREPARING_REBALANCE) g.completeJoin(m, joinError(ErrorCode.NOT_COORDINATOR, m.memberId));
        else g.completeSync(m, syncError(ErrorCode.NOT_COORDINATOR));
      }
    }
  }
}
