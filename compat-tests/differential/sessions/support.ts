/** Shared pieces for sessions: API keys, topic set-up steps, record batches. */
import { buildMessageSet, buildRecordBatch, rewriteCrc, type RecordInput, type RecordBatchOptions } from '../../../src/protocol/records';
import type { SessionEnv, SideContext, Step } from '../lib/session';

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  OffsetForLeaderEpoch: 23,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  DescribeLogDirs: 35,
  CreatePartitions: 37,
  DeleteGroups: 42,
  IncrementalAlterConfigs: 44,
  OffsetDelete: 47,
  DescribeCluster: 60,
  DescribeProducers: 61,
  DescribeTransactions: 65,
  ListTransactions: 66,
  DescribeTopicPartitions: 75,
} as const;

/** A topic id no broker has (made up, the same on both sides). */
export const UNKNOWN_TOPIC_ID = 'b2Y4c3l3cU1ldGFkYXRhMQ';

/** Values the sessions make up and brokers echo: compared verbatim (see Aliases). */
export const SESSION_MADE_VALUES: Readonly<Record<string, string>> = { [UNKNOWN_TOPIC_ID]: '<unknown topic id sent by the session>' };

/** Kafka's ConfigResource types. */
export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8, GROUP: 32 } as const;

/** Fixed record timestamps, so both brokers store and return the same bytes. */
export const T0 = 1_700_000_000_000;

/** A magic-2 batch of `n` records `key-i` → `value-i` (CreateTime T0 + i). */
export function batchOf(n: number, options: RecordBatchOptions & { prefix?: string; valueBytes?: number } = {}): Buffer {
  const { prefix = 'r', valueBytes, ...batch } = options;
  const records: RecordInput[] = Array.from({ length: n }, (_, i) => ({
    key: Buffer.from(`${prefix}-key-${i}`),
    value: valueBytes ? Buffer.alloc(valueBytes, 0x61 + (i % 26)) : Buffer.from(`${prefix}-value-${i}`),
    headers: i === 0 ? [{ key: 'h', value: Buffer.from('v') }] : [],
    timestamp: T0 + i,
  }));
  return buildRecordBatch({ records, ...batch });
}

/**
 * Records in the format a Produce version carries: magic 0 for v0-1, magic 1 for v2 (Kafka's
 * produce v2 added timestamps), record batches (magic 2) from v3.
 */
export function recordsFor(produceVersion: number, n: number, prefix = 'r'): Buffer {
  if (produceVersion >= 3) return batchOf(n, { prefix });
  const magic = produceVersion === 2 ? 1 : 0;
  return buildMessageSet({
    magic,
    messages: Array.from({ length: n }, (_, i) => ({ key: Buffer.from(`${prefix}-key-${i}`), value: Buffer.from(`${prefix}-value-${i}`), timestamp: magic === 1 ? T0 + i : undefined })),
  });
}

/** A batch whose header claims one record more than it holds (CRC recomputed, so only the count is wrong). */
export function wrongRecordCount(batch: Buffer): Buffer {
  const b = Buffer.from(batch);
  b.writeInt32BE(b.readInt32BE(57) + 1, 57);
  rewriteCrc(b, 0);
  return b;
}

/** The same batch with one byte of its record data flipped, so its CRC no longer matches. */
export function corrupted(batch: Buffer): Buffer {
  const b = Buffer.from(batch);
  b[b.length - 1] ^= 0xff;
  return b;
}

/** Topic id this side learnt for `topic` (from CreateTopics v7+ or Metadata v10+). */
export const topicIdOf = (ctx: SideContext, topic: string): string => ctx.get<string>(`topicId:${topic}`);

/** Marks the topics a CreateTopics answer says were created (awaitTopics waits only for those). */
export function saveCreated(body: { topics: Array<{ name: string; errorCode: number }> }, ctx: SideContext): void {
  for (const t of body.topics) if (t.errorCode === 0) ctx.set(`created:${t.name}`, true);
}

function saveTopicIds(body: { topics: Array<{ name: string | null; topicId: string; errorCode: number }> }, ctx: SideContext): void {
  for (const t of body.topics) {
    if (t.name && t.errorCode === 0 && t.topicId && t.topicId !== 'AAAAAAAAAAAAAAAAAAAAAA') ctx.set(`topicId:${t.name}`, t.topicId);
  }
}

export interface TopicSpec {
  name: string;
  partitions?: number;
  configs?: Record<string, string>;
}

/**
 * Set-up (not compared): creates topics at the highest common CreateTopics version, then waits
 * until Metadata shows every partition with a leader and keeps the topic ids. Kafka applies a
 * CreateTopics to the broker's metadata shortly after answering, so clients retry; so do we.
 */
export function setupTopics(env: SessionEnv, topics: TopicSpec[]): Step[] {
  return [
    {
      title: `create ${topics.map((t) => t.name).join(', ')}`,
      api: ApiKey.CreateTopics,
      version: env.common(ApiKey.CreateTopics, 'max'),
      compare: false,
      request: () => ({
        topics: topics.map((t) => ({
          name: t.name,
          numPartitions: t.partitions ?? 1,
          replicationFactor: 1,
          configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
        timeoutMs: 10_000,
      }),
      save: saveCreated,
    },
    awaitTopics(env, topics.map((t) => t.name)),
    awaitLeadership(env, topics.map((t) => t.name)),
  ];
}

/**
 * Set-up (not compared): ListOffsets until partition 0 of each topic answers, i.e. the broker
 * leads it (Kafka's Metadata can show a leader slightly before the partition takes requests).
 */
export function awaitLeadership(env: SessionEnv, names: string[]): Step {
  return {
    title: `wait until ${names.join(', ')} take requests`,
    api: ApiKey.ListOffsets,
    version: env.common(ApiKey.ListOffsets, 'max'),
    compare: false,
    request: (ctx) => {
      for (const n of names) ctx.get(`created:${n}`);
      return { replicaId: -1, topics: names.map((name) => ({ name, partitions: [{ partitionIndex: 0, timestamp: -1 }] })) };
    },
    until: (body: { topics: Array<{ partitions: Array<{ errorCode: number }> }> }) => body.topics.every((t) => t.partitions.every((p) => p.errorCode === 0)),
  };
}

/**
 * Set-up (not compared): Metadata until each topic has all partitions led; saves topic ids.
 * Skipped on a side whose CreateTopics did not create them (saveCreated marks those it did).
 */
export function awaitTopics(env: SessionEnv, names: string[]): Step {
  return {
    title: `wait for ${names.join(', ')}`,
    api: ApiKey.Metadata,
    version: env.common(ApiKey.Metadata, 'max'),
    compare: false,
    request: (ctx) => {
      for (const n of names) ctx.get(`created:${n}`);
      return { topics: names.map((name) => ({ name })), allowAutoTopicCreation: false };
    },
    until: (body: { topics: Array<{ errorCode: number; partitions: Array<{ leaderId: number; errorCode: number }> }> }) =>
      body.topics.length === names.length && body.topics.every((t) => t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every((p) => p.leaderId >= 0 && p.errorCode === 0)),
    save: saveTopicIds,
  };
}

/**
 * Keeps only the named topics in an "all topics" answer: a shared reference Kafka holds others,
 * and steps at a version only one broker supports leave topics on that broker alone.
 */
export function onlyTopics(names: string[]) {
  const keep = new Set(names);
  return <B extends { topics: Array<{ name: string | null }> }>(body: B): B => ({ ...body, topics: body.topics.filter((t) => t.name !== null && keep.has(t.name)) });
}

/** A response-time bucket for long-poll comparisons. */
export function waitBucket(thresholdMs: number) {
  return (elapsedMs: number): string => (elapsedMs >= thresholdMs ? `waited >= ${thresholdMs} ms` : `answered within ${thresholdMs} ms`);
}

/** A Produce request body for one partition (by name before v13, by topic id from v13). */
export function produceBody(ctx: SideContext, v: number, topic: string, records: Buffer | null, options: { partition?: number; acks?: number; topicId?: string } = {}): Record<string, unknown> {
  const partitionData = [{ index: options.partition ?? 0, records }];
  const topicData = v >= 13 ? { name: topic, topicId: options.topicId ?? topicIdOf(ctx, topic), partitionData } : { name: topic, partitionData };
  return { acks: options.acks ?? -1, timeoutMs: 10_000, topicData: [topicData] };
}

/** A Fetch request body for one partition (by name before v13, by topic id from v13). */
export function fetchBody(ctx: SideContext, v: number, topic: string, fetchOffset: number, options: Record<string, unknown> & { partition?: number; topicId?: string; partitionMaxBytes?: number; currentLeaderEpoch?: number } = {}): Record<string, unknown> {
  const { partition = 0, topicId, partitionMaxBytes = 1 << 20, currentLeaderEpoch = -1, ...top } = options;
  return {
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 50 << 20,
    ...top,
    topics: [
      {
        topic,
        topicId: v >= 13 ? (topicId ?? topicIdOf(ctx, topic)) : 'AAAAAAAAAAAAAAAAAAAAAA',
        partitions: [{ partition, fetchOffset, partitionMaxBytes, currentLeaderEpoch }],
      },
    ],
  };
}

type ProduceAnswer = { responses: Array<{ partitionResponses: Array<{ errorCode: number }> }> };

/**
 * Set-up (not compared): appends batches of `counts[i]` records to partition 0, retrying while
 * the broker refuses (right after CreateTopics Kafka may not lead the partition yet).
 */
export function fillSteps(env: SessionEnv, topic: string, counts: number[], prefix = 'b'): Step[] {
  const pv = env.common(ApiKey.Produce, 'max');
  return counts.map((n, i) => ({
    api: ApiKey.Produce,
    version: pv,
    title: `fill ${topic}`,
    compare: false,
    request: (ctx: SideContext) => produceBody(ctx, pv, topic, batchOf(n, { prefix: `${prefix}${i}` })),
    until: (b: ProduceAnswer) => b.responses[0]?.partitionResponses[0]?.errorCode === 0,
    attempts: 25,
  }));
}
