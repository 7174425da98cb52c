/**
 * What every group kind offers the offset manager and the list/describe/delete paths (Kafka's
 * Group interface). Classic groups (classic/) and KIP-848 consumer groups (consumer/) implement it
 * and live in the same map, keyed by group id, so OffsetCommit/OffsetFetch/ListGroups work
 * across both protocols.
 */
import type { OffsetAndMetadata } from './records';

export const GroupType = {
  CLASSIC: 'classic',
  CONSUMER: 'consumer',
} as const;
export type GroupType = (typeof GroupType)[keyof typeof GroupType];

/** Kafka's GroupType.parse: case-insensitive; anything else is 'unknown' (matches nothing). */
export function parseGroupType(s: string): GroupType | 'unknown' {
  const t = s.trim().toLowerCase();
  return t === GroupType.CLASSIC || t === GroupType.CONSUMER ? t : 'unknown';
}

/** Decides whether a committed offset has expired (Kafka's OffsetExpirationCondition). */
export interface OffsetExpirationCondition {
  isOffsetExpired(offset: OffsetAndMetadata, nowMs: number, retentionMs: number): boolean;
}

/**
 * Offsets with an explicit expiry (OffsetCommit v2-v4 retention) expire then; the others when
 * `retentionMs` has passed since `baseTimestamp(offset)`.
 */
export function expirationAfter(baseTimestamp: (o: OffsetAndMetadata) => number): OffsetExpirationCondition {
  return {
    isOffsetExpired(o, nowMs, retentionMs) {
      if (o.expireTimestampMs >= 0) return nowMs >= o.expireTimestampMs;
      return nowMs - baseTimestamp(o) >= retentionMs;
    },
  };
}

/**
 * Checks one partition of an offset commit that passed the group-level checks; throws a
 * KafkaError that fails the whole commit (Kafka's CommitPartitionValidator, KIP-1251).
 */
export type CommitPartitionValidator = (topic: string, topicId: string, partition: number) => void;

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}

export interface Group {
  readonly type: GroupType;
  readonly groupId: string;
  /** State name as clients see it, e.g. 'Stable'. */
  stateName(): string;
  /** Whether the state is one of `lowerCaseStates` (ListGroups filter). */
  isInStates(lowerCaseStates: ReadonlySet<string>): boolean;
  /** No members (classic: state Empty). */
  isEmpty(): boolean;
  asListedGroup(): ListedGroup;
  /**
   * Throws a KafkaError when the commit must be rejected; may return a check to run on each
   * committed partition (consumer groups, when the member epoch is older than the current one).
   */
  validateOffsetCommit(memberId: string, groupInstanceId: string | null, generationIdOrMemberEpoch: number, isTransactional: boolean, apiVersion: number): CommitPartitionValidator | void;
  /** Throws a KafkaError (GROUP_ID_NOT_FOUND) when offsets cannot be fetched. */
  validateOffsetFetch(memberId: string | null, memberEpoch: number): void;
  validateOffsetDelete(): void;
  validateDeleteGroup(): void;
  isSubscribedToTopic(topic: string): boolean;
  /** undefined: none of its offsets expire now. */
  offsetExpirationCondition(): OffsetExpirationCondition | undefined;
}
