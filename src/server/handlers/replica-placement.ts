/**
 * Replica assignment for new partitions (CreateTopics, CreatePartitions, auto-creation), with
 * the checks Kafka's controller applies (ReplicationControlManager):
 * - a manual assignment must name registered brokers, each at most once, never be empty, and
 *   have the same replica count as the topic's other partitions;
 * - otherwise replicas are placed round-robin over the registered brokers, and a replication
 *   factor above the number of brokers is refused.
 * The leader of each new partition is its first replica; the ISR is every replica.
 */

/** Why a manual replica list cannot be used (INVALID_REPLICA_ASSIGNMENT), or null. */
export function manualAssignmentError(replicas: readonly number[], registered: ReadonlySet<number>, expectedReplicas?: number): string | null {
  if (replicas.length === 0) return 'The manual partition assignment has an empty replica list.';
  const seen = new Set<number>();
  for (const id of [...replicas].sort((a, b) => a - b)) {
    if (!registered.has(id)) return `The manual partition assignment names broker ${id}, which is not registered.`;
    if (seen.has(id)) return `The manual partition assignment names broker ${id} more than once.`;
    seen.add(id);
  }
  if (expectedReplicas !== undefined && replicas.length !== expectedReplicas) {
    return `The manual partition assignment has a partition with ${replicas.length} replica(s), but the other partitions have ${expectedReplicas}.`;
  }
  return null;
}

/** The INVALID_REPLICATION_FACTOR message when `replicationFactor` replicas cannot be placed, else null. */
export function replicationFactorError(replicationFactor: number, brokerCount: number): string | null {
  if (replicationFactor <= brokerCount) return null;
  return `Unable to replicate the partition ${replicationFactor} time(s): only ${brokerCount} broker(s) are registered.`;
}

/**
 * Replica lists for `count` new partitions numbered from `firstPartition`: partition p starts
 * at broker index p mod n and takes the next `replicationFactor` brokers (ids sorted), so
 * leaders spread evenly. The caller checks the replication factor first.
 */
export function placeReplicas(brokerIds: readonly number[], firstPartition: number, count: number, replicationFactor: number): number[][] {
  const ids = [...brokerIds].sort((a, b) => a - b);
  const out: number[][] = [];
  for (let i = 0; i < count; i++) {
    const start = (firstPartition + i) % ids.length;
    const replicas: number[] = [];
    for (let r = 0; r < replicationFactor; r++) replicas.push(ids[(start + r) % ids.length]);
    out.push(replicas);
  }
  return out;
}

/**
 * Kafka's controller writes at most 10000 records for one request and answers POLICY_VIOLATION
 * beyond that; each partition is a record, so this bounds the partitions one request can add
 * (and keeps a request from creating millions of log directories).
 */
export const MAX_PARTITIONS_PER_REQUEST = 10000;
export const TOO_MANY_PARTITIONS_MESSAGE = `A single request may create at most ${MAX_PARTITIONS_PER_REQUEST} partitions.`;
