/**
 * The "range" server assignor (Kafka's RangeAssignor for KIP-848): for each topic, members are
 * sorted (static members by instance id first, then the others by member id) and each gets a
 * contiguous range of partitions: floor(P/M), the first P mod M members one more. Members of the
 * same topic therefore get co-partitioned ranges across topics with equal partition counts. It
 * is not sticky: the assignment only depends on the members and the topics.
 */
import { PartitionAssignorError, SubscriptionType, type GroupAssignment, type GroupSpec, type PartitionAssignor, type SubscribedTopicDescriber } from './partition-assignor';

export const RANGE_ASSIGNOR_NAME = 'range';

interface TopicRanges {
  readonly topicId: string;
  readonly numPartitions: number;
  numMembers: number;
  minQuota: number;
  extraPartitions: number;
  nextRange: number;
}

export class RangeAssignor implements PartitionAssignor {
  readonly name = RANGE_ASSIGNOR_NAME;

  assign(spec: GroupSpec, topics: SubscribedTopicDescriber): GroupAssignment {
    if (spec.memberIds.length === 0) return new Map();
    const members = sortMemberIds(spec);
    const byTopic = new Map<string, TopicRanges>();
    const homogeneous = spec.subscriptionType === SubscriptionType.HOMOGENEOUS;
    const subscriptionOf = (memberId: string): string[] =>
      [...spec.memberSubscription(homogeneous ? members[0]! : memberId).subscribedTopicIds].sort();
    for (const memberId of homogeneous ? [members[0]!] : members) {
      for (const topicId of subscriptionOf(memberId)) {
        let t = byTopic.get(topicId);
        if (!t) {
          const n = topics.numPartitions(topicId);
          if (n === -1) throw new PartitionAssignorError('Member is subscribed to a non-existent topic');
          byTopic.set(topicId, (t = { topicId, numPartitions: n, numMembers: 0, minQuota: -1, extraPartitions: -1, nextRange: 0 }));
        }
        t.numMembers = homogeneous ? members.length : t.numMembers + 1;
      }
    }
    const out: GroupAssignment = new Map();
    for (const memberId of members) {
      const assignment = new Map<string, Set<number>>();
      for (const topicId of subscriptionOf(memberId)) addRange(byTopic.get(topicId)!, assignment);
      out.set(memberId, assignment);
    }
    return out;
  }
}

function sortMemberIds(spec: GroupSpec): string[] {
  return [...spec.memberIds].sort((a, b) => {
    const ia = spec.memberSubscription(a).instanceId;
    const ib = spec.memberSubscription(b).instanceId;
    if (ia !== null && ib !== null) return compareStrings(ia, ib);
    if (ia !== null) return -1;
    if (ib !== null) return 1;
    return compareStrings(a, b);
  });
}

/** Java's String.compareTo (UTF-16 code units), which JS comparison operators also use. */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function addRange(t: TopicRanges, assignment: Map<string, Set<number>>): void {
  if (t.minQuota === -1) {
    t.minQuota = Math.floor(t.numPartitions / t.numMembers);
    t.extraPartitions = t.numPartitions % t.numMembers;
  }
  const start = t.nextRange;
  let quota = t.minQuota;
  if (t.extraPartitions > 0) {
    quota++;
    t.extraPartitions--;
  }
  const end = Math.min(start + quota, t.numPartitions);
  t.nextRange = end;
  if (start < end) {
    const s = new Set<number>();
    for (let p = start; p < end; p++) s.add(p);
    assignment.set(t.topicId, s);
  }
}
