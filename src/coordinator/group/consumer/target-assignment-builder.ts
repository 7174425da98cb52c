/**
 * Computes a consumer group's new target assignment (Kafka's TargetAssignmentBuilder and
 * UpdatedMembersAndTargetAssignmentView): the members as they will be once the heartbeat's
 * records are replayed (the heartbeating member updated; a static member replacing its
 * previous instance takes that instance's place and target), each with the topic ids it
 * subscribes to (names and resolved regex topics that exist) and its current target; runs the
 * assignor; and returns one ConsumerGroupTargetAssignmentMember record per member whose target
 * changed, plus the ConsumerGroupTargetAssignmentMetadata record of the new assignment epoch.
 */
import { assignmentsEqual, EMPTY_ASSIGNMENT, type Assignment } from './assignment';
import type { GroupSpec, MemberSubscriptionAndAssignment, PartitionAssignor, SubscribedTopicDescriber, SubscriptionType } from './assignors/partition-assignor';
import type { ConsumerGroup } from './consumer-group';
import type { ConsumerGroupMember } from './consumer-group-member';
import { targetAssignmentEpochRecord, targetAssignmentRecord, type ConsumerGroupRecord } from './consumer-group-records';
import type { TopicsImage } from './topics-image';

export interface TargetAssignmentResult {
  readonly records: ConsumerGroupRecord[];
  /** member id → new target */
  readonly targetAssignment: ReadonlyMap<string, Assignment>;
}

export function computeTargetAssignment(args: {
  group: ConsumerGroup;
  groupEpoch: number;
  assignor: PartitionAssignor;
  subscriptionType: SubscriptionType;
  image: TopicsImage;
  /** The heartbeating member as updated by this heartbeat, if any. */
  updatedMember?: ConsumerGroupMember;
  nowMs: number;
}): TargetAssignmentResult {
  const { group, image } = args;
  const specs = new Map<string, MemberSubscriptionAndAssignment>();
  for (const [memberId, m] of group.members) specs.set(memberId, memberSpec(m, group.targetAssignment(memberId), group, image));
  const updated = args.updatedMember;
  if (updated) {
    let assignment = group.targetAssignment(updated.memberId);
    const previous = group.staticMemberId(updated.instanceId);
    if (previous !== undefined && previous !== updated.memberId) {
      // A static member rejoining under a new id takes over its previous instance's target.
      assignment = group.targetAssignment(previous);
      specs.delete(previous);
    }
    specs.set(updated.memberId, memberSpec(updated, assignment, group, image));
  }

  const spec: GroupSpec = {
    memberIds: [...specs.keys()],
    subscriptionType: args.subscriptionType,
    memberSubscription: (id) => specs.get(id)!,
    isPartitionAssigned: (topicId, p) => group.isPartitionAssigned(topicId, p),
  };
  const describer: SubscribedTopicDescriber = {
    numPartitions: (topicId) => image.topicById(topicId)?.numPartitions ?? -1,
    racksForPartition: (topicId, p) => new Set(image.topicById(topicId)?.partitionRacks(p) ?? []),
  };
  const computed = args.assignor.assign(spec, describer);

  const records: ConsumerGroupRecord[] = [];
  const targetAssignment = new Map<string, Assignment>();
  for (const memberId of specs.keys()) {
    const next = computed.get(memberId) ?? EMPTY_ASSIGNMENT;
    targetAssignment.set(memberId, next);
    const old = group.allTargetAssignments().get(memberId);
    if (!old || !assignmentsEqual(old, next)) records.push(targetAssignmentRecord(group.groupId, memberId, next));
  }
  records.push(targetAssignmentEpochRecord(group.groupId, args.groupEpoch, args.nowMs));
  return { records, targetAssignment };
}

function memberSpec(m: ConsumerGroupMember, assignment: Assignment, group: ConsumerGroup, image: TopicsImage): MemberSubscriptionAndAssignment {
  return { rackId: m.rackId, instanceId: m.instanceId, subscribedTopicIds: subscribedTopicIds(m, group, image), assignment };
}

/** Ids of the existing topics `m` subscribes to, by name or through its resolved regex. */
export function subscribedTopicIds(m: ConsumerGroupMember, group: ConsumerGroup, image: TopicsImage): Set<string> {
  const names = new Set(m.subscribedTopicNames);
  if (m.subscribedTopicRegex) for (const t of group.resolvedRegularExpressions.get(m.subscribedTopicRegex)?.topics ?? []) names.add(t);
  const ids = new Set<string>();
  for (const name of names) {
    const t = image.topicByName(name);
    if (t) ids.add(t.id);
  }
  return ids;
}
