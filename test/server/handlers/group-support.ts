/**
 * Helpers for the consumer-group handler tests: a broker with a small __consumer_offsets, raw
 * clients, and the JoinGroup/SyncGroup dance.
 */
import { RawClient } from '../../support/raw-client';
import { startBroker, type TestBroker } from './helpers';

export const JOIN = 11;
export const SYNC = 14;
export const HEARTBEAT = 12;
export const LEAVE = 13;
export const DESCRIBE_GROUPS = 15;
export const LIST_GROUPS = 16;
export const DELETE_GROUPS = 42;
export const OFFSET_COMMIT = 8;
export const OFFSET_FETCH = 9;
export const OFFSET_DELETE = 47;
export const FIND_COORDINATOR = 10;

export const ZERO = 'AAAAAAAAAAAAAAAAAAAAAA';

/**
 * A broker with 3 __consumer_offsets partitions. Unless `findCoordinatorFirst` is false, a
 * FindCoordinator has been answered, so __consumer_offsets exists (as for any real client).
 */
export async function groupBroker(overrides: string[] = [], findCoordinatorFirst = true): Promise<TestBroker> {
  const b = await startBroker(['offsets.topic.num.partitions=3', ...overrides]);
  if (findCoordinatorFirst) {
    const c = await connect(b);
    await c.request(FIND_COORDINATOR, 3, { key: 'any', keyType: 0, coordinatorKeys: [] });
    await c.close();
  }
  return b;
}

export async function connect(b: TestBroker, clientId = 'tester'): Promise<RawClient> {
  return RawClient.connect(b.host, b.port, clientId);
}

export async function createTopic(b: TestBroker, name: string, partitions = 2): Promise<string> {
  const t = await b.broker.services.topics.createTopic({ name, numPartitions: partitions, replicationFactor: 1, configs: {} });
  return t.topicId;
}

/** ConsumerProtocolSubscription v0 bytes (with the int16 version) for `topics`. */
export function subscription(topics: string[]): Buffer {
  const parts = [Buffer.from([0, 0]), int32(topics.length)];
  for (const t of topics) parts.push(Buffer.from([t.length >> 8, t.length & 0xff]), Buffer.from(t));
  parts.push(int32(-1)); // null user data
  return Buffer.concat(parts);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

export function joinRequest(groupId: string, memberId = '', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: subscription(['t']) }],
    reason: null,
    ...extra,
  };
}

/** Joins (two steps from v4) and syncs one member alone in `groupId`; returns its id and generation. */
export async function soloMember(c: RawClient, groupId: string, extra: Record<string, unknown> = {}): Promise<{ memberId: string; generationId: number }> {
  let r = await c.request(JOIN, 9, joinRequest(groupId, '', extra));
  if (r.errorCode === 79) r = await c.request(JOIN, 9, joinRequest(groupId, r.memberId, extra));
  if (r.errorCode !== 0) throw new Error(`join failed: ${r.errorCode}`);
  const s = await c.request(SYNC, 5, {
    groupId,
    generationId: r.generationId,
    memberId: r.memberId,
    groupInstanceId: (extra.groupInstanceId as string | undefined) ?? null,
    protocolType: 'consumer',
    protocolName: r.protocolName,
    assignments: [{ memberId: r.memberId, assignment: Buffer.from('assigned') }],
  });
  if (s.errorCode !== 0) throw new Error(`sync failed: ${s.errorCode}`);
  return { memberId: r.memberId, generationId: r.generationId };
}

export function commitRequest(groupId: string, topics: Array<{ name?: string; topicId?: string; partitions: Array<[number, bigint, string?]> }>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    groupId,
    generationIdOrMemberEpoch: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1n,
    topics: topics.map((t) => ({
      name: t.name ?? '',
      topicId: t.topicId ?? ZERO,
      partitions: t.partitions.map(([partitionIndex, committedOffset, meta]) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: meta ?? '' })),
    })),
    ...extra,
  };
}
