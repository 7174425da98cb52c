/**
 * The group coordinator's settings (Kafka's GroupCoordinatorConfig), read from the broker config
 * each time they are needed so dynamic changes apply to the next operation.
 */
import type { BrokerConfig } from '../../config';
import { Compression, type CompressionType } from '../../protocol/records';
import { consumerGroupConfig, type ConsumerGroupConfig } from './consumer/consumer-group-config';

export const OFFSETS_TOPIC = '__consumer_offsets';

/**
 * How long a new member's JoinGroup may stay parked (Kafka's fixed
 * CLASSIC_GROUP_NEW_MEMBER_JOIN_TIMEOUT_MS): a client that gave up and retried must not leave
 * defunct members behind forever.
 */
export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export interface GroupCoordinatorConfig {
  readonly minSessionTimeoutMs: number;
  readonly maxSessionTimeoutMs: number;
  readonly maxGroupSize: number;
  readonly initialRebalanceDelayMs: number;
  readonly newMemberJoinTimeoutMs: number;
  readonly offsetMetadataMaxBytes: number;
  readonly offsetsRetentionMs: number;
  readonly offsetsRetentionCheckIntervalMs: number;
  readonly offsetsTopicNumPartitions: number;
  readonly offsetsTopicReplicationFactor: number;
  readonly offsetsTopicSegmentBytes: number;
  readonly offsetsTopicCompression: CompressionType;
  readonly offsetsLoadBufferSize: number;
  /** KIP-848 consumer groups; Kafka's defaults when absent. */
  readonly consumer?: ConsumerGroupConfig;
}

export function groupCoordinatorConfig(c: BrokerConfig): GroupCoordinatorConfig {
  const codec = c.get('offsets.topic.compression.codec');
  return {
    minSessionTimeoutMs: c.get('group.min.session.timeout.ms'),
    maxSessionTimeoutMs: c.get('group.max.session.timeout.ms'),
    maxGroupSize: c.get('group.max.size'),
    initialRebalanceDelayMs: c.get('group.initial.rebalance.delay.ms'),
    newMemberJoinTimeoutMs: NEW_MEMBER_JOIN_TIMEOUT_MS,
    offsetMetadataMaxBytes: c.get('offset.metadata.max.bytes'),
    offsetsRetentionMs: c.get('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: c.get('offsets.retention.check.interval.ms'),
    offsetsTopicNumPartitions: c.get('offsets.topic.num.partitions'),
    offsetsTopicReplicationFactor: c.get('offsets.topic.replication.factor'),
    offsetsTopicSegmentBytes: c.get('offsets.topic.segment.bytes'),
    offsetsTopicCompression: codec >= Compression.NONE && codec <= Compression.ZSTD ? (codec as CompressionType) : Compression.NONE,
    offsetsLoadBufferSize: c.get('offsets.load.buffer.size'),
    consumer: consumerGroupConfig(c),
  };
}
