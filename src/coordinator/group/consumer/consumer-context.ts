/**
 * What the consumer group operations share: the shard's clock, timer, logger and config, the
 * group map (all kinds), the topic metadata, the assignors, and the lookups Kafka's
 * GroupMetadataManager uses for consumer groups (with their exact error messages).
 */
import { randomBytes } from 'node:crypto';
import { ErrorCode } from '../../../protocol/error-codes';
import { KafkaError } from '../../../protocol/kafka-errors';
import type { Clock } from '../../../util/clock';
import type { Logger } from '../../../util/logger';
import type { CoordinatorTimer } from '../../runtime/coordinator-timer';
import type { CoordinatorResult } from '../../runtime/types';
import type { Group } from '../group';
import type { GroupRecord } from '../records';
import type { PartitionAssignor } from './assignors/partition-assignor';
import { RangeAssignor } from './assignors/range-assignor';
import { UniformAssignor } from './assignors/uniform-assignor';
import { ConsumerGroup } from './consumer-group';
import { DEFAULT_CONSUMER_GROUP_CONFIG, type ConsumerGroupConfig } from './consumer-group-config';
import type { TopicHashCache } from './metadata-hash';
import type { TopicsImage } from './topics-image';

export type ConsumerResult<T = void> = CoordinatorResult<T, GroupRecord>;

export interface ConsumerContext {
  readonly clock: Clock;
  readonly timer: CoordinatorTimer<GroupRecord>;
  readonly log: Logger;
  config(): ConsumerGroupConfig;
  readonly groups: Map<string, Group>;
  readonly image: TopicsImage;
  readonly topicHashes: TopicHashCache;
}

export const sessionTimeoutKey = (groupId: string, memberId: string): string => `session-timeout-${groupId}-${memberId}`;
export const rebalanceTimeoutKey = (groupId: string, memberId: string): string => `rebalance-timeout-${groupId}-${memberId}`;
export const regexResolutionKey = (groupId: string): string => `consumer-group-regex-resolution-${groupId}`;

const BUILT_IN_ASSIGNORS: ReadonlyMap<string, PartitionAssignor> = new Map<string, PartitionAssignor>([
  ['uniform', new UniformAssignor()],
  ['range', new RangeAssignor()],
]);

/** The assignors of group.consumer.assignors, in order (the first is the default). */
export function configuredAssignors(config: ConsumerGroupConfig): PartitionAssignor[] {
  const out = config.assignors.map((n) => BUILT_IN_ASSIGNORS.get(n)).filter((a): a is PartitionAssignor => a !== undefined);
  return out.length > 0 ? out : DEFAULT_CONSUMER_GROUP_CONFIG.assignors.map((n) => BUILT_IN_ASSIGNORS.get(n)!);
}

/** The consumer group, or GROUP_ID_NOT_FOUND (Kafka's GroupMetadataManager.consumerGroup). */
export function consumerGroupOrThrow(groups: ReadonlyMap<string, Group>, groupId: string): ConsumerGroup {
  const g = groups.get(groupId);
  if (!g) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} not found.`);
  if (!(g instanceof ConsumerGroup)) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} is not a consumer group.`);
  return g;
}

/** A member id as Kafka's Uuid.randomUuid().toString(): 22 base64url characters, never starting with '-'. */
export function randomMemberId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
