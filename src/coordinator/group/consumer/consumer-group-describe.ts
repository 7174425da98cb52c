/**
 * ConsumerGroupDescribe of one group (Kafka's ConsumerGroup.asDescribedGroup and
 * ConsumerGroupMember.asConsumerGroupDescribeMember): state, epochs, the assignor in use (the
 * one most members ask for, else the default) and every member with its subscription, what it
 * owns (assigned and still being revoked) and its target, topics named from the metadata
 * (partitions of topics that no longer exist are left out). memberType: 1 consumer protocol,
 * 0 classic. A missing group, or one of another kind, is GROUP_ID_NOT_FOUND.
 */
import { ErrorCode } from '../../../protocol/error-codes';
import type { ConsumerGroupDescribeResponseDescribedGroup } from '../../../protocol/generated/consumer-group-describe';
import type { Group } from '../group';
import type { Assignment } from './assignment';
import { ConsumerGroup } from './consumer-group';
import { useClassicProtocol, type ConsumerGroupMember } from './consumer-group-member';
import type { TopicsImage } from './topics-image';

export type DescribedConsumerGroup = Omit<ConsumerGroupDescribeResponseDescribedGroup, 'authorizedOperations'>;

export function describeConsumerGroup(groups: ReadonlyMap<string, Group>, groupId: string, defaultAssignor: string, image: TopicsImage): DescribedConsumerGroup {
  const g = groups.get(groupId);
  if (!(g instanceof ConsumerGroup)) {
    return {
      errorCode: ErrorCode.GROUP_ID_NOT_FOUND,
      errorMessage: g ? `Group ${groupId} is not a consumer group.` : `Group ${groupId} not found.`,
      groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [],
    };
  }
  return {
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    groupId,
    groupState: g.state,
    groupEpoch: g.groupEpoch,
    assignmentEpoch: g.assignmentEpoch,
    assignorName: g.preferredServerAssignor() ?? defaultAssignor,
    members: [...g.members.values()].map((m) => describeMember(m, g.targetAssignment(m.memberId), image)),
  };
}

function describeMember(m: ConsumerGroupMember, target: Assignment, image: TopicsImage): DescribedConsumerGroup['members'][number] {
  const owned = new Map<string, number[]>();
  for (const a of [m.assignedPartitions, m.partitionsPendingRevocation]) {
    for (const [topicId, ps] of a) owned.set(topicId, [...(owned.get(topicId) ?? []), ...ps.keys()]);
  }
  return {
    memberId: m.memberId,
    instanceId: m.instanceId,
    rackId: m.rackId,
    memberEpoch: m.memberEpoch,
    clientId: m.clientId,
    clientHost: m.clientHost,
    subscribedTopicNames: [...m.subscribedTopicNames],
    subscribedTopicRegex: m.subscribedTopicRegex,
    assignment: { topicPartitions: named([...owned].map(([topicId, partitions]) => ({ topicId, partitions })), image) },
    targetAssignment: { topicPartitions: named([...target].map(([topicId, ps]) => ({ topicId, partitions: [...ps] })), image) },
    memberType: useClassicProtocol(m) ? 0 : 1,
  };
}

function named(list: Array<{ topicId: string; partitions: number[] }>, image: TopicsImage): Array<{ topicId: string; topicName: string; partitions: number[] }> {
  const out: Array<{ topicId: string; topicName: string; partitions: number[] }> = [];
  for (const tp of list) {
    const t = image.topicById(tp.topicId);
    if (t) out.push({ topicId: tp.topicId, topicName: t.name, partitions: tp.partitions });
  }
  return out;
}
