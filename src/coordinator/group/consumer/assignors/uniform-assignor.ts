/**
 * The "uniform" server assignor (Kafka's UniformAssignor, the default of group.consumer.assignors):
 * spreads partitions evenly over the members and keeps each member's partitions where it can
 * (sticky), so a rebalance moves as few partitions as possible.
 *
 * Homogeneous subscriptions (Kafka's UniformHomogeneousAssignmentBuilder): every member gets
 * floor(P/M) partitions and P mod M of them one more; each member keeps its current partitions
 * up to its quota, the surplus and the unassigned partitions go to members below their quota.
 * Heterogeneous subscriptions are in uniform-heterogeneous.ts.
 *
 * Kafka iterates Java hash sets (topic ids, members) whose order cannot be reproduced here;
 * topics are taken in topic-id order and members in group order instead, so the partitions a
 * member gets may differ from Kafka's, with the same balance and stickiness.
 */
import { copyAssignment, PartitionAssignorError, SubscriptionType, type GroupAssignment, type GroupSpec, type PartitionAssignor, type SubscribedTopicDescriber } from './partition-assignor';
import { buildHeterogeneousAssignment } from './uniform-heterogeneous';
import type { Assignment } from '../assignment';

export const UNIFORM_ASSIGNOR_NAME = 'uniform';

export class UniformAssignor implements PartitionAssignor {
  readonly name = UNIFORM_ASSIGNOR_NAME;

  assign(spec: GroupSpec, topics: SubscribedTopicDescriber): GroupAssignment {
    if (spec.memberIds.length === 0) return new Map();
    return spec.subscriptionType === SubscriptionType.HOMOGENEOUS ? buildHomogeneousAssignment(spec, topics) : buildHeterogeneousAssignment(spec, topics);
  }
}

function buildHomogeneousAssignment(spec: GroupSpec, topics: SubscribedTopicDescriber): GroupAssignment {
  const subscribed = [...spec.memberSubscription(spec.memberIds[0]!).subscribedTopicIds].sort();
  const subscribedSet = new Set(subscribed);
  const target: GroupAssignment = new Map();
  if (subscribed.length === 0) return target;

  const unassigned: Array<[string, number]> = [];
  let total = 0;
  for (const topicId of subscribed) {
    const n = topics.numPartitions(topicId);
    if (n === -1) throw new PartitionAssignorError(`Members are subscribed to topic ${topicId} which doesn't exist in the topic metadata.`);
    for (let p = 0; p < n; p++) if (!spec.isPartitionAssigned(topicId, p)) unassigned.push([topicId, p]);
    total += n;
  }
  const members = spec.memberIds;
  const minQuota = Math.floor(total / members.length);
  let extra = total % members.length;

  // Keep what each member has, up to its quota; give back the rest.
  const unfilled: Array<{ memberId: string; quota: number }> = [];
  for (const memberId of members) {
    const old = spec.memberSubscription(memberId).assignment;
    let next: Map<string, Set<number>> | null = null;
    let quota = minQuota;
    if (extra > 0) {
      quota++;
      extra--;
    }
    for (const topicId of [...old.keys()].sort()) {
      const partitions = old.get(topicId)!;
      if (subscribedSet.has(topicId)) {
        if (partitions.size <= quota) {
          quota -= partitions.size;
          continue;
        }
        for (const p of [...partitions].sort((a, b) => a - b)) {
          if (quota > 0) {
            quota--;
            continue;
          }
          next ??= copyAssignment(old);
          const parts = next.get(topicId)!;
          parts.delete(p);
          if (parts.size === 0) next.delete(topicId);
          unassigned.push([topicId, p]);
        }
      } else {
        next ??= copyAssignment(old);
        next.delete(topicId);
      }
    }
    if (quota > 0) unfilled.push({ memberId, quota });
    target.set(memberId, next ?? old);
  }

  // Fill the members below their quota.
  let i = 0;
  for (const { memberId, quota } of unfilled) {
    const assignment = copyAssignment(target.get(memberId)!);
    for (let k = 0; k < quota && i < unassigned.length; k++, i++) {
      const [topicId, p] = unassigned[i]!;
      let s = assignment.get(topicId);
      if (!s) assignment.set(topicId, (s = new Set()));
      s.add(p);
    }
    target.set(memberId, assignment as Assignment);
  }
  if (i < unassigned.length) throw new PartitionAssignorError('Partitions were left unassigned');
  return target;
}
