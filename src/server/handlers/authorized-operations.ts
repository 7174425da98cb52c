/**
 * The "authorized operations" bit sets that Metadata, DescribeCluster, DescribeTopicPartitions
 * (and DescribeGroups) return when asked (KIP-430). Bit n is set when the caller may perform
 * the ACL operation whose code is n (Kafka's AclOperation codes).
 *
 * This broker has no authorizer, so, as Kafka with no authorizer configured, every operation
 * a resource type supports is allowed. When the client did not ask, the field carries
 * INT32_MIN (Kafka's "not provided" value).
 */

/** Kafka's AclOperation codes. */
export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;
export type AclOperation = (typeof AclOperation)[keyof typeof AclOperation];

/** The value of an authorized-operations field the client did not ask for. */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

function bits(ops: readonly AclOperation[]): number {
  return ops.reduce<number>((acc, op) => acc | (1 << op), 0);
}

/** Operations that apply to a topic (Kafka's AclEntry.supportedOperations(TOPIC)). */
export const TOPIC_OPERATIONS = bits([
  AclOperation.READ,
  AclOperation.WRITE,
  AclOperation.CREATE,
  AclOperation.DESCRIBE,
  AclOperation.DELETE,
  AclOperation.ALTER,
  AclOperation.DESCRIBE_CONFIGS,
  AclOperation.ALTER_CONFIGS,
]);

/** Operations that apply to the cluster resource. */
export const CLUSTER_OPERATIONS = bits([
  AclOperation.CREATE,
  AclOperation.CLUSTER_ACTION,
  AclOperation.DESCRIBE_CONFIGS,
  AclOperation.ALTER_CONFIGS,
  AclOperation.IDEMPOTENT_WRITE,
  AclOperation.ALTER,
  AclOperation.DESCRIBE,
]);

/** Operations that apply to a consumer group. */
export const GROUP_OPERATIONS = bits([
  AclOperation.READ,
  AclOperation.DESCRIBE,
  AclOperation.DELETE,
  AclOperation.DESCRIBE_CONFIGS,
  AclOperation.ALTER_CONFIGS,
]);
