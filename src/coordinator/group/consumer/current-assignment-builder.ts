/**
 * Reconciliation of one member towards its target assignment (Kafka 4.4's
 * CurrentAssignmentBuilder), run on each heartbeat that is not already reconciled:
 *
 *   STABLE                 a newer target epoch → compute the next assignment; a changed
 *                          subscription → drop the partitions of topics no longer subscribed.
 *   UNREVOKED_PARTITIONS   wait until the member no longer reports the partitions to revoke
 *                          (its owned partitions in the request), then compute the next one.
 *   UNRELEASED_PARTITIONS  compute again: partitions others have released can be assigned now.
 *   UNKNOWN                fence the member (FENCED_MEMBER_EPOCH) unless it owns nothing.
 *
 * The next assignment: keep owned ∩ target; revoke owned − target (stay at the current epoch,
 * UNREVOKED_PARTITIONS, while the member still owns any of them); otherwise move to the target
 * epoch and add the target partitions nobody else owns (their epoch: the target epoch), and
 * wait (UNRELEASED_PARTITIONS) for those another member still owns. A partition never has two
 * owners: a member gets it only after its previous owner revoked it.
 */
import { ErrorCode } from '../../../protocol/error-codes';
import { KafkaError } from '../../../protocol/kafka-errors';
import type { Assignment, AssignmentWithEpochs } from './assignment';
import { updateMemberEpoch, withChanges, type ConsumerGroupMember } from './consumer-group-member';
import type { ResolvedRegularExpression } from './consumer-group';
import { MemberState } from './member-state';
import type { TopicsImage } from './topics-image';

export interface OwnedTopicPartitions {
  readonly topicId: string;
  readonly partitions: readonly number[];
}

export interface ReconcileInput {
  readonly targetAssignmentEpoch: number;
  readonly targetAssignment: Assignment;
  /** The member changed its subscription in this heartbeat. */
  readonly hasSubscriptionChanged: boolean;
  readonly resolvedRegularExpressions: ReadonlyMap<string, ResolvedRegularExpression>;
  /** Epoch of the current owner of a partition, -1 when free. */
  readonly currentPartitionEpoch: (topicId: string, partition: number) => number;
  /** What the member says it owns; null when the request did not say. */
  readonly ownedTopicPartitions: readonly OwnedTopicPartitions[] | null;
  readonly image: TopicsImage;
}

export function reconcile(member: ConsumerGroupMember, input: ReconcileInput): ConsumerGroupMember {
  return new CurrentAssignmentBuilder(member, input).build();
}

class CurrentAssignmentBuilder {
  constructor(
    private readonly member: ConsumerGroupMember,
    private readonly input: ReconcileInput,
  ) {}

  build(): ConsumerGroupMember {
    const m = this.member;
    switch (m.state) {
      case MemberState.STABLE:
        if (m.memberEpoch !== this.input.targetAssignmentEpoch) return this.computeNextAssignment(m.memberEpoch, m.assignedPartitions);
        if (this.input.hasSubscriptionChanged) return this.updateCurrentAssignment(m.memberEpoch, m.assignedPartitions);
        return m;
      case MemberState.UNREVOKED_PARTITIONS:
        if (this.ownsRevokedPartitions(m.partitionsPendingRevocation)) {
          return this.input.hasSubscriptionChanged ? this.updateCurrentAssignment(m.memberEpoch, m.assignedPartitions) : m;
        }
        return this.computeNextAssignment(m.memberEpoch, m.assignedPartitions);
      case MemberState.UNRELEASED_PARTITIONS:
        return this.computeNextAssignment(m.memberEpoch, m.assignedPartitions);
      default: {
        const owned = this.input.ownedTopicPartitions;
        if (owned === null || owned.length > 0) {
          throw new KafkaError(ErrorCode.FENCED_MEMBER_EPOCH, 'The consumer group member is in a unknown state. The member must abandon all its partitions and rejoin.');
        }
        return this.computeNextAssignment(this.input.targetAssignmentEpoch, m.assignedPartitions);
      }
    }
  }

  /** Whether the request still reports any of `pending` as owned (no report: assume yes). */
  private ownsRevokedPartitions(pending: AssignmentWithEpochs): boolean {
    const owned = this.input.ownedTopicPartitions;
    if (owned === null) return true;
    for (const tp of owned) {
      const revoking = pending.get(tp.topicId);
      if (revoking && tp.partitions.some((p) => revoking.has(p))) return true;
    }
    return false;
  }

  /** Drops the partitions of topics the member no longer subscribes to (a fast path). */
  private updateCurrentAssignment(memberEpoch: number, assigned: AssignmentWithEpochs): ConsumerGroupMember {
    const subscribed = this.subscribedTopicIds();
    const m = this.member;
    let newAssigned: Map<string, ReadonlyMap<number, number>> | null = null;
    const newPending = new Map(m.partitionsPendingRevocation);
    for (const [topicId, partitions] of assigned) {
      if (subscribed.has(topicId)) continue;
      newAssigned ??= new Map(assigned);
      newAssigned.delete(topicId);
      newPending.set(topicId, new Map([...(newPending.get(topicId) ?? []), ...partitions]));
    }
    if (!newAssigned) return m;
    if (newPending.size > 0 && this.ownsRevokedPartitions(newPending)) {
      return withChanges(m, {
        state: MemberState.UNREVOKED_PARTITIONS,
        ...updateMemberEpoch(m, memberEpoch),
        assignedPartitions: newAssigned,
        partitionsPendingRevocation: newPending,
      });
    }
    // Removed partitions were already revoked: only shrink the assignment.
    return withChanges(m, { ...updateMemberEpoch(m, memberEpoch), assignedPartitions: newAssigned });
  }

  private computeNextAssignment(memberEpoch: number, assigned: AssignmentWithEpochs): ConsumerGroupMember {
    const { targetAssignment, targetAssignmentEpoch, currentPartitionEpoch } = this.input;
    const m = this.member;
    const subscribed = this.subscribedTopicIds();
    let hasUnreleased = false;
    const newAssigned = new Map<string, Map<number, number>>();
    const newPending = new Map<string, Map<number, number>>();
    const newToAssign = new Map<string, Set<number>>();

    for (const topicId of new Set([...targetAssignment.keys(), ...assigned.keys()])) {
      // A topic the member no longer subscribes to has an empty target.
      const target = subscribed.has(topicId) ? targetAssignment.get(topicId) ?? new Set<number>() : new Set<number>();
      const current = assigned.get(topicId) ?? new Map<number, number>();
      const kept = new Map<number, number>();
      const revoking = new Map<number, number>();
      for (const [p, e] of current) (target.has(p) ? kept : revoking).set(p, e);
      const toAssign = new Set<number>();
      for (const p of target) {
        if (kept.has(p)) continue;
        // Owned by another member (not this one revoking it): wait until it is released.
        if (currentPartitionEpoch(topicId, p) !== -1 && !m.partitionsPendingRevocation.get(topicId)?.has(p)) hasUnreleased = true;
        else toAssign.add(p);
      }
      if (kept.size > 0) newAssigned.set(topicId, kept);
      if (revoking.size > 0) newPending.set(topicId, revoking);
      if (toAssign.size > 0) newToAssign.set(topicId, toAssign);
    }

    if (newPending.size > 0 && this.ownsRevokedPartitions(newPending)) {
      return withChanges(m, {
        state: MemberState.UNREVOKED_PARTITIONS,
        ...updateMemberEpoch(m, memberEpoch),
        assignedPartitions: newAssigned,
        partitionsPendingRevocation: newPending,
      });
    }
    for (const [topicId, partitions] of newToAssign) {
      let s = newAssigned.get(topicId);
      if (!s) newAssigned.set(topicId, (s = new Map()));
      for (const p of partitions) s.set(p, targetAssignmentEpoch);
    }
    const state = hasUnreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE;
    return withChanges(m, {
      state,
      ...updateMemberEpoch(m, targetAssignmentEpoch),
      assignedPartitions: newAssigned,
      partitionsPendingRevocation: new Map(),
    });
  }

  /** Ids of the topics the member subscribes to, by name or through its resolved regex. */
  private subscribedTopicIds(): Set<string> {
    const names = new Set(this.member.subscribedTopicNames);
    const regex = this.member.subscribedTopicRegex;
    if (regex) {
      // An unresolved regex matches nothing yet.
      for (const t of this.input.resolvedRegularExpressions.get(regex)?.topics ?? []) names.add(t);
    }
    const ids = new Set<string>();
    for (const name of names) {
      const t = this.input.image.topicByName(name);
      if (t) ids.add(t.id);
    }
    return ids;
  }
}
