/**
 * One group-coordinator shard on an in-memory log with a ManualClock and an in-memory topics
 * image, driven through the runtime like the service drives it, for KIP-848 tests.
 */
import { randomBytes } from 'node:crypto';
import { CoordinatorRuntime } from '../../../../src/coordinator/runtime/coordinator-runtime';
import { GroupCoordinatorShard } from '../../../../src/coordinator/group/group-coordinator-shard';
import type { GroupCoordinatorConfig } from '../../../../src/coordinator/group/config';
import { groupRecordSerde, type GroupRecord } from '../../../../src/coordinator/group/records';
import { ConsumerGroup } from '../../../../src/coordinator/group/consumer/consumer-group';
import { DEFAULT_CONSUMER_GROUP_CONFIG, type ConsumerGroupConfig } from '../../../../src/coordinator/group/consumer/consumer-group-config';
import type { HeartbeatResponse } from '../../../../src/coordinator/group/consumer/consumer-group-membership';
import { StaticTopicsImage } from '../../../../src/coordinator/group/consumer/topics-image';
import type { OffsetCommitOutput } from '../../../../src/coordinator/group/offset-metadata-manager';
import type { ConsumerGroupHeartbeatRequest } from '../../../../src/protocol/generated/consumer-group-heartbeat';
import { toErrorCode } from '../../../../src/protocol/kafka-errors';
import { ManualClock } from '../../../../src/util/clock';
import { rootLogger } from '../../../../src/util/logger';
import { MemoryLog } from '../../support/memory-log';
import { TEST_CONFIG } from '../../support/group-harness';

export type Owned = Array<{ topicId: string; partitions: number[] }>;

export interface HeartbeatResult extends HeartbeatResponse {
  /** The assignment as topic name → sorted partitions (when the response carried one). */
  partitions?: Record<string, number[]>;
}

export class ConsumerHarness {
  readonly runtime: CoordinatorRuntime<GroupCoordinatorShard, GroupRecord>;
  config: GroupCoordinatorConfig;

  private constructor(
    readonly clock: ManualClock,
    readonly log: MemoryLog,
    readonly image: StaticTopicsImage,
    config: GroupCoordinatorConfig,
  ) {
    this.config = config;
    this.runtime = new CoordinatorRuntime<GroupCoordinatorShard, GroupRecord>({
      name: 'test-group-coordinator',
      clock,
      serde: groupRecordSerde,
      newShard: (ctx) => new GroupCoordinatorShard(ctx, () => this.config, image),
      logFor: () => log,
      loadBufferSize: () => 1 << 20,
      compression: () => 0,
      logger: rootLogger().child({ component: 'test' }),
    });
  }

  static async create(consumer: Partial<ConsumerGroupConfig> = {}, opts: { log?: MemoryLog; clock?: ManualClock; image?: StaticTopicsImage; config?: Partial<GroupCoordinatorConfig> } = {}): Promise<ConsumerHarness> {
    const config = { ...TEST_CONFIG, ...opts.config, consumer: { ...DEFAULT_CONSUMER_GROUP_CONFIG, assignmentIntervalMs: 0, ...consumer } };
    const h = new ConsumerHarness(opts.clock ?? new ManualClock(), opts.log ?? new MemoryLog(), opts.image ?? new StaticTopicsImage(), config);
    await h.runtime.load(0);
    return h;
  }

  get shard(): GroupCoordinatorShard {
    return this.runtime.readAll((s) => s)[0]!;
  }

  /** Creates (or grows) a topic; returns its id. */
  topic(name: string, partitions: number): string {
    const id = this.image.topicByName(name)?.id ?? randomBytes(16).toString('base64url').replace(/^-/, 'A');
    this.image.setTopic(name, id, partitions);
    this.shard.onTopicMetadataChanged(name);
    return id;
  }

  deleteTopic(name: string): void {
    this.image.deleteTopic(name);
    this.shard.onTopicMetadataChanged(name);
  }

  topicId(name: string): string {
    return this.image.topicByName(name)!.id;
  }

  group(groupId: string): ConsumerGroup {
    const g = this.shard.groups.group(groupId);
    if (!(g instanceof ConsumerGroup)) throw new Error(`no consumer group ${groupId}`);
    return g;
  }

  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await this.runtime.whenIdle();
      await new Promise((r) => setImmediate(r));
    }
  }

  async advance(ms: number): Promise<void> {
    await this.settle();
    this.clock.advance(ms);
    await this.settle();
  }

  /** A heartbeat; errors thrown by the operation come back as `errorCode`. */
  async heartbeat(req: Partial<ConsumerGroupHeartbeatRequest> & { groupId: string }, apiVersion = 1, clientId = 'client'): Promise<HeartbeatResult> {
    const full: ConsumerGroupHeartbeatRequest = {
      memberId: '',
      memberEpoch: 0,
      instanceId: null,
      rackId: null,
      rebalanceTimeoutMs: -1,
      subscribedTopicNames: null,
      subscribedTopicRegex: null,
      serverAssignor: null,
      topicPartitions: null,
      ...req,
    };
    try {
      const r = await this.runtime.scheduleWriteOperation('consumer-group-heartbeat', 0, (s) =>
        s.consumerGroupHeartbeat({ clientId, clientHost: '/127.0.0.1', apiVersion }, full),
      );
      await this.settle();
      return r.assignment ? { ...r, partitions: this.named(r.assignment.topicPartitions) } : r;
    } catch (e) {
      return { errorCode: toErrorCode(e), errorMessage: (e as Error).message, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
    }
  }

  /** A member joining with epoch 0 and a fresh member id. */
  join(groupId: string, memberId: string, topics: string[] | { regex: string }, extra: Partial<ConsumerGroupHeartbeatRequest> = {}): Promise<HeartbeatResult> {
    return this.heartbeat({
      groupId,
      memberId,
      memberEpoch: 0,
      rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: Array.isArray(topics) ? topics : null,
      subscribedTopicRegex: Array.isArray(topics) ? null : topics.regex,
      topicPartitions: [],
      ...extra,
    });
  }

  /** A regular heartbeat reporting `owned` (topic name → partitions). */
  beat(groupId: string, memberId: string, memberEpoch: number, owned: Record<string, number[]> | null, extra: Partial<ConsumerGroupHeartbeatRequest> = {}): Promise<HeartbeatResult> {
    return this.heartbeat({ groupId, memberId, memberEpoch, topicPartitions: owned === null ? null : this.owned(owned), ...extra });
  }

  owned(byName: Record<string, number[]>): Owned {
    return Object.entries(byName).map(([name, partitions]) => ({ topicId: this.topicId(name), partitions }));
  }

  named(list: Owned): Record<string, number[]> {
    const out: Record<string, number[]> = {};
    for (const tp of list) {
      const name = this.image.topicById(tp.topicId)?.name ?? tp.topicId;
      out[name] = [...(out[name] ?? []), ...tp.partitions].sort((a, b) => a - b);
    }
    return out;
  }

  commit(groupId: string, memberId: string, memberEpoch: number, offsets: Record<string, Record<number, bigint>>, apiVersion = 9): Promise<OffsetCommitOutput | number> {
    return this.runtime
      .scheduleWriteOperation('commit', 0, (s) =>
        s.commitOffset({ clientId: 'client', clientHost: '/127.0.0.1', apiVersion }, {
          groupId,
          generationIdOrMemberEpoch: memberEpoch,
          memberId,
          groupInstanceId: null,
          retentionTimeMs: -1,
          topics: Object.entries(offsets).map(([name, parts]) => ({
            name,
            topicId: this.image.topicByName(name)?.id ?? 'AAAAAAAAAAAAAAAAAAAAAA',
            partitions: Object.entries(parts).map(([p, o]) => ({ partitionIndex: Number(p), committedOffset: o, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: '' })),
          })),
        }),
      )
      .catch((e: unknown) => toErrorCode(e));
  }

  async restart(): Promise<ConsumerHarness> {
    await this.runtime.close();
    const h = new ConsumerHarness(this.clock, this.log, this.image, this.config);
    await h.runtime.load(0);
    return h;
  }
}

/** Every partition of `byMember` (member → topic → partitions), as "topic-p" strings, sorted. */
export function allPartitions(byMember: Array<Record<string, number[]> | undefined>): string[] {
  const out: string[] = [];
  for (const m of byMember) for (const [t, ps] of Object.entries(m ?? {})) for (const p of ps) out.push(`${t}-${p}`);
  return out.sort();
}
