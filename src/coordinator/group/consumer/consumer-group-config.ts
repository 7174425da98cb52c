/**
 * Settings of KIP-848 consumer groups (Kafka's GroupCoordinatorConfig, consumer part), read from
 * the broker config with each operation so dynamic changes apply at once.
 *
 * Kafka 4.4 settings this broker's config schema does not carry are fixed at Kafka's defaults:
 * group.consumer.assignment.interval.ms (1000: a target assignment is computed at most once a
 * second per group, KIP-1263), group.consumer.regex.refresh.interval.ms (600000) and
 * group.consumer.migration.policy (treated as `disabled`: a group never changes protocol while
 * it has members). Per-group overrides (IncrementalAlterConfigs on GROUP resources) are not
 * supported.
 */
import type { BrokerConfig } from '../../../config';

export interface ConsumerGroupConfig {
  /** 'consumer' is in group.coordinator.rebalance.protocols. */
  readonly enabled: boolean;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxSize: number;
  /** Server assignor names; the first is the default. */
  readonly assignors: readonly string[];
  readonly assignmentIntervalMs: number;
  readonly regexRefreshIntervalMs: number;
}

export const CONSUMER_GROUP_ASSIGNMENT_INTERVAL_MS = 1000;
export const CONSUMER_GROUP_REGEX_REFRESH_INTERVAL_MS = 600_000;

/** Kafka's defaults, for shards created without a broker config (tests). */
export const DEFAULT_CONSUMER_GROUP_CONFIG: ConsumerGroupConfig = {
  enabled: true,
  sessionTimeoutMs: 45_000,
  heartbeatIntervalMs: 5_000,
  maxSize: 2_147_483_647,
  assignors: ['uniform', 'range'],
  assignmentIntervalMs: CONSUMER_GROUP_ASSIGNMENT_INTERVAL_MS,
  regexRefreshIntervalMs: CONSUMER_GROUP_REGEX_REFRESH_INTERVAL_MS,
};

export function consumerGroupConfig(c: BrokerConfig): ConsumerGroupConfig {
  const protocols = c.get('group.coordinator.rebalance.protocols') as readonly string[];
  return {
    enabled: protocols.includes('consumer'),
    sessionTimeoutMs: c.get('group.consumer.session.timeout.ms'),
    heartbeatIntervalMs: c.get('group.consumer.heartbeat.interval.ms'),
    maxSize: c.get('group.consumer.max.size'),
    assignors: c.consumerGroupAssignors.length > 0 ? c.consumerGroupAssignors : DEFAULT_CONSUMER_GROUP_CONFIG.assignors,
    assignmentIntervalMs: CONSUMER_GROUP_ASSIGNMENT_INTERVAL_MS,
    regexRefreshIntervalMs: CONSUMER_GROUP_REGEX_REFRESH_INTERVAL_MS,
  };
}
