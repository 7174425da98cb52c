/**
 * Checks one topic creation (CreateTopics, or auto-creation from Metadata) and turns it into
 * the NewTopic the topic lifecycle creates. The checks and their order follow Kafka's
 * controller (ReplicationControlManager.createTopics):
 *   1. the name: already taken (TOPIC_ALREADY_EXISTS) before a '.'/'_' collision with an
 *      existing topic before an illegal name (INVALID_TOPIC_EXCEPTION);
 *   2. the configs: a null value, an unknown key or a bad value (INVALID_CONFIG);
 *   3. partitions and replicas: a manual assignment requires both counts to be -1
 *      (INVALID_REQUEST) and must be consistent (INVALID_REPLICA_ASSIGNMENT); otherwise the
 *      counts must be positive or -1 for the broker defaults num.partitions /
 *      default.replication.factor (INVALID_PARTITIONS, INVALID_REPLICATION_FACTOR), and the
 *      replication factor cannot exceed the registered brokers.
 */
import type { NewTopic } from '../../cluster/metadata-store';
import { type BrokerConfig, type ConfigProblem, validateTopicConfigs } from '../../config';
import { ErrorCode } from '../../protocol/error-codes';
import type { BrokerServices } from '../services';
import {
  MAX_PARTITIONS_PER_REQUEST,
  TOO_MANY_PARTITIONS_MESSAGE,
  manualAssignmentError,
  placeReplicas,
  replicationFactorError,
} from './replica-placement';
import {
  CLUSTER_METADATA_TOPIC,
  GROUP_METADATA_TOPIC,
  SHARE_GROUP_STATE_TOPIC,
  TRANSACTION_STATE_TOPIC,
  collidingTopic,
  isInternalTopic,
  topicNameError,
} from './topic-names';

export interface CreatableTopicSpec {
  name: string;
  /** -1 for the broker default (or with a manual assignment). */
  numPartitions: number;
  /** -1 for the broker default (or with a manual assignment). */
  replicationFactor: number;
  assignments: readonly { partitionIndex: number; brokerIds: readonly number[] }[];
  configs: readonly { name: string; value: string | null }[];
}

export type TopicPlan = { ok: true; topic: NewTopic } | { ok: false; errorCode: number; message: string };

const fail = (errorCode: number, message: string): TopicPlan => ({ ok: false, errorCode, message });

/** Kafka-style text for a topic config problem (INVALID_CONFIG's message). */
export function topicConfigProblemMessage(p: ConfigProblem): string {
  if (p.message.startsWith('unknown topic config name')) return `Unknown topic config name: ${p.key}`;
  if (p.value !== undefined) return `Invalid value ${p.value} for configuration ${p.key}: ${p.message}`;
  return `Invalid configuration ${p.key}: ${p.message}`;
}

/** Checks `spec` against the current metadata and config; on success, the topic to create. */
export function planNewTopic(services: BrokerServices, spec: CreatableTopicSpec): TopicPlan {
  const { metadata } = services;
  const config = services.config();
  const name = spec.name;

  if (metadata.topic(name)) return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
  const collision = collidingTopic(
    name,
    metadata.topics().map((t) => t.name),
  );
  if (collision !== undefined) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${name}' collides with existing topic: ${collision}`);
  const nameError = topicNameError(name);
  if (nameError !== null) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError);

  const nullConfigs = spec.configs.filter((c) => c.value === null).map((c) => c.name);
  if (nullConfigs.length > 0) return fail(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${nullConfigs.join(',')}`);
  const overrides: Record<string, string> = {};
  for (const c of spec.configs) overrides[c.name] = c.value as string;
  const problems = validateTopicConfigs(overrides, { broker: config });
  if (problems.length > 0) return fail(ErrorCode.INVALID_CONFIG, topicConfigProblemMessage(problems[0]));

  const registered = new Set(metadata.brokers().map((b) => b.nodeId));
  let assignments: number[][];
  if (spec.assignments.length > 0) {
    if (spec.replicationFactor !== -1) {
      return fail(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was given, so the replication factor must be -1.');
    }
    if (spec.numPartitions !== -1) {
      return fail(ErrorCode.INVALID_REQUEST, 'A manual partition assignment was given, so the number of partitions must be -1.');
    }
    if (spec.assignments.length > MAX_PARTITIONS_PER_REQUEST) return fail(ErrorCode.POLICY_VIOLATION, TOO_MANY_PARTITIONS_MESSAGE);
    const byPartition = new Map<number, number[]>();
    let replicas: number | undefined;
    for (const a of spec.assignments) {
      if (byPartition.has(a.partitionIndex)) {
        return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Found more than one manual assignment for partition ${a.partitionIndex}.`);
      }
      const error = manualAssignmentError(a.brokerIds, registered, replicas);
      if (error !== null) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, error);
      replicas = a.brokerIds.length;
      byPartition.set(a.partitionIndex, [...a.brokerIds]);
    }
    assignments = [];
    for (let i = 0; i < byPartition.size; i++) {
      const a = byPartition.get(i);
      if (!a) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'The manually assigned partitions must be numbered 0, 1, 2, ... without gaps.');
      assignments.push(a);
    }
  } else {
    if (spec.replicationFactor < -1 || spec.replicationFactor === 0) {
      return fail(ErrorCode.INVALID_REPLICATION_FACTOR, 'The replication factor must be at least 1, or -1 for the broker default.');
    }
    if (spec.numPartitions < -1 || spec.numPartitions === 0) {
      return fail(ErrorCode.INVALID_PARTITIONS, 'The number of partitions must be at least 1, or -1 for the broker default.');
    }
    const numPartitions = spec.numPartitions === -1 ? config.get('num.partitions') : spec.numPartitions;
    const replicationFactor = spec.replicationFactor === -1 ? config.get('default.replication.factor') : spec.replicationFactor;
    const rfError = replicationFactorError(replicationFactor, registered.size);
    if (rfError !== null) return fail(ErrorCode.INVALID_REPLICATION_FACTOR, rfError);
    if (numPartitions > MAX_PARTITIONS_PER_REQUEST) return fail(ErrorCode.POLICY_VIOLATION, TOO_MANY_PARTITIONS_MESSAGE);
    assignments = placeReplicas([...registered], 0, numPartitions, replicationFactor);
  }
  return {
    ok: true,
    topic: {
      name,
      numPartitions: assignments.length,
      replicationFactor: assignments[0].length,
      assignments,
      configs: overrides,
      internal: isInternalTopic(name),
    },
  };
}

/**
 * What Metadata auto-creation creates for `name` (Kafka's AutoTopicCreationManager): the
 * coordinators' topics with their own partition counts and configs, any other topic with
 * num.partitions and default.replication.factor. Null for names that are never auto-created
 * here: the KRaft metadata log, and the share-group state topic (share groups are not served).
 */
export function autoCreateSpec(name: string, config: BrokerConfig): CreatableTopicSpec | null {
  const spec = (numPartitions: number, replicationFactor: number, configs: Record<string, string>): CreatableTopicSpec => ({
    name,
    numPartitions,
    replicationFactor,
    assignments: [],
    configs: Object.entries(configs).map(([k, v]) => ({ name: k, value: v })),
  });
  switch (name) {
    case CLUSTER_METADATA_TOPIC:
    case SHARE_GROUP_STATE_TOPIC:
      return null;
    case GROUP_METADATA_TOPIC:
      // The same settings the group coordinator creates it with.
      return spec(config.get('offsets.topic.num.partitions'), config.get('offsets.topic.replication.factor'), {
        'cleanup.policy': 'compact',
        'segment.bytes': String(config.get('offsets.topic.segment.bytes')),
        'compression.type': 'producer',
      });
    case TRANSACTION_STATE_TOPIC:
      return spec(config.get('transaction.state.log.num.partitions'), config.get('transaction.state.log.replication.factor'), {
        'cleanup.policy': 'compact',
        'segment.bytes': String(config.get('transaction.state.log.segment.bytes')),
        'compression.type': 'uncompressed',
        'min.insync.replicas': String(config.get('transaction.state.log.min.isr')),
        'unclean.leader.election.enable': 'false',
      });
    default:
      return spec(config.get('num.partitions'), config.get('default.replication.factor'), {});
  }
}
