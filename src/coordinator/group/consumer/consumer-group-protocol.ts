/**
 * The KIP-848 consumer group protocol of one __consumer_offsets shard, as the group manager
 * (group-metadata-manager.ts) uses it: ConsumerGroupHeartbeat, ConsumerGroupDescribe, LeaveGroup
 * for consumer groups, record replay, what happens at load (sessions restart), topic metadata
 * changes, and the group-level tombstones for DeleteGroups and expiry.
 */
import type { ConsumerGroupHeartbeatRequest } from '../../../protocol/generated/consumer-group-heartbeat';
import type { LeaveGroupRequestMemberIdentity } from '../../../protocol/generated/leave-group';
import type { Clock } from '../../../util/clock';
import type { Logger } from '../../../util/logger';
import type { CoordinatorTimer } from '../../runtime/coordinator-timer';
import type { Group } from '../group';
import type { GroupCoordinatorConfig } from '../config';
import type { GroupRecord } from '../records';
import { configuredAssignors, type ConsumerContext, type ConsumerResult } from './consumer-context';
import { ConsumerGroup } from './consumer-group';
import { DEFAULT_CONSUMER_GROUP_CONFIG } from './consumer-group-config';
import { describeConsumerGroup, type DescribedConsumerGroup } from './consumer-group-describe';
import { ConsumerGroupHeartbeat, type HeartbeatContext } from './consumer-group-heartbeat';
import { ConsumerGroupMembership, type HeartbeatResponse, type LeaveResult } from './consumer-group-membership';
import type { ConsumerGroupRecord } from './consumer-group-records';
import { ConsumerGroupRegexes } from './consumer-group-regexes';
import { consumerGroupTombstones, replayConsumerGroupRecord } from './consumer-group-replay';
import { MemberState } from './member-state';
import { TopicHashCache } from './metadata-hash';
import type { TopicsImage } from './topics-image';

export class ConsumerGroupProtocol {
  private readonly ctx: ConsumerContext;
  private readonly membership: ConsumerGroupMembership;
  private readonly heartbeats: ConsumerGroupHeartbeat;

  constructor(deps: {
    clock: Clock;
    timer: CoordinatorTimer<GroupRecord>;
    log: Logger;
    config: () => GroupCoordinatorConfig;
    groups: Map<string, Group>;
    image: TopicsImage;
  }) {
    this.ctx = {
      clock: deps.clock,
      timer: deps.timer,
      log: deps.log,
      config: () => deps.config().consumer ?? DEFAULT_CONSUMER_GROUP_CONFIG,
      groups: deps.groups,
      image: deps.image,
      topicHashes: new TopicHashCache(deps.image),
    };
    this.membership = new ConsumerGroupMembership(this.ctx);
    this.heartbeats = new ConsumerGroupHeartbeat(this.ctx, this.membership, new ConsumerGroupRegexes(this.ctx));
  }

  heartbeat(hctx: HeartbeatContext, req: ConsumerGroupHeartbeatRequest): ConsumerResult<HeartbeatResponse> {
    return this.heartbeats.heartbeat(hctx, req);
  }

  describe(groupIds: readonly string[]): DescribedConsumerGroup[] {
    const defaultAssignor = configuredAssignors(this.ctx.config())[0]!.name;
    return groupIds.map((id) => describeConsumerGroup(this.ctx.groups, id, defaultAssignor, this.ctx.image));
  }

  /** LeaveGroup (classic API) for a consumer group. */
  leave(group: ConsumerGroup, members: readonly Pick<LeaveGroupRequestMemberIdentity, 'memberId' | 'groupInstanceId' | 'reason'>[]): ConsumerResult<LeaveResult> {
    return this.membership.classicLeave(group, members);
  }

  /** Tombstones deleting the group; its timers stop. */
  tombstones(group: ConsumerGroup): GroupRecord[] {
    for (const memberId of group.members.keys()) this.membership.cancelTimers(group.groupId, memberId);
    return consumerGroupTombstones(group);
  }

  replay(record: ConsumerGroupRecord): void {
    replayConsumerGroupRecord(this.ctx.groups, record, this.ctx.log);
  }

  /** Loaded: every member's session starts now; members revoking partitions get their rebalance timeout. */
  onLoaded(): void {
    for (const g of this.ctx.groups.values()) {
      if (!(g instanceof ConsumerGroup)) continue;
      this.ctx.log.info({ groupId: g.groupId, members: g.numMembers, groupEpoch: g.groupEpoch }, `loaded consumer group ${g.groupId}`);
      for (const m of g.members.values()) {
        this.membership.scheduleSessionTimeout(g.groupId, m.memberId);
        if (m.state === MemberState.UNREVOKED_PARTITIONS) this.membership.scheduleRebalanceTimeout(g.groupId, m.memberId, m.memberEpoch, m.rebalanceTimeoutMs);
      }
    }
  }

  /**
   * A topic was created, deleted or got partitions: groups subscribed to it look at the metadata
   * again on their next heartbeat (Kafka's onMetadataUpdate -> requestMetadataRefresh). Regex
   * subscriptions notice new topics through the topics image version.
   */
  onTopicChanged(topicName: string): void {
    for (const g of this.ctx.groups.values()) {
      if (g instanceof ConsumerGroup && g.isSubscribedToTopic(topicName)) g.requestMetadataRefresh();
    }
  }
}
