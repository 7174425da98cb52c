/**
 * The server-side assignor contract of KIP-848 (Kafka's ConsumerGroupPartitionAssignor, GroupSpec,
 * MemberSubscription, SubscribedTopicDescriber, GroupAssignment): an assignor gets every member's
 * subscription (topic ids) with its current target assignment and returns the new target
 * assignment of every member. Assignments passed in are never modified; assignors copy before
 * changing one.
 */
import type { Assignment } from '../assignment';

export const SubscriptionType = {
  /** Every member subscribes to the same topics. */
  HOMOGENEOUS: 'HOMOGENEOUS',
  HETEROGENEOUS: 'HETEROGENEOUS',
} as const;
export type SubscriptionType = (typeof SubscriptionType)[keyof typeof SubscriptionType];

export interface MemberSubscriptionAndAssignment {
  readonly rackId: string | null;
  readonly instanceId: string | null;
  readonly subscribedTopicIds: ReadonlySet<string>;
  /** The member's current target assignment. */
  readonly assignment: Assignment;
}

export interface GroupSpec {
  /** Member ids, in a stable order. */
  readonly memberIds: readonly string[];
  readonly subscriptionType: SubscriptionType;
  memberSubscription(memberId: string): MemberSubscriptionAndAssignment;
  /** Whether the current target assignment gives the partition to some member. */
  isPartitionAssigned(topicId: string, partition: number): boolean;
}

export interface SubscribedTopicDescriber {
  /** -1 when the topic is unknown. */
  numPartitions(topicId: string): number;
  racksForPartition(topicId: string, partition: number): ReadonlySet<string>;
}

/** member id → its new target assignment */
export type GroupAssignment = Map<string, Assignment>;

export interface PartitionAssignor {
  readonly name: string;
  assign(spec: GroupSpec, topics: SubscribedTopicDescriber): GroupAssignment;
}

/** Kafka's PartitionAssignorException: the heartbeat fails with UNKNOWN_SERVER_ERROR. */
export class PartitionAssignorError extends Error {
  override name = 'PartitionAssignorError';
}

/** A writable copy of an assignment (Kafka's AssignorHelpers.deepCopyAssignment). */
export function copyAssignment(a: Assignment): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const [t, ps] of a) out.set(t, new Set(ps));
  return out;
}

/**
 * Kafka's Uuid.compareTo: the most significant 64 bits, then the least significant, each as a
 * signed long. Topic ids are 22-character base64url strings.
 */
export function compareTopicIds(a: string, b: string): number {
  if (a === b) return 0;
  const ba = Buffer.from(a, 'base64url');
  const bb = Buffer.from(b, 'base64url');
  if (ba.length !== 16 || bb.length !== 16) return a < b ? -1 : 1;
  const hi = cmp(ba.readBigInt64BE(0), bb.readBigInt64BE(0));
  return hi !== 0 ? hi : cmp(ba.readBigInt64BE(8), bb.readBigInt64BE(8));
}

function cmp(x: bigint, y: bigint): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
