/**
 * One group-coordinator shard on an in-memory log with a ManualClock, driven like the service
 * drives it (operations through the runtime), for state-machine tests.
 */
import { CoordinatorRuntime } from '../../../src/coordinator/runtime/coordinator-runtime';
import { GroupCoordinatorShard } from '../../../src/coordinator/group/group-coordinator-shard';
import type { GroupCoordinatorConfig } from '../../../src/coordinator/group/config';
import { groupRecordSerde, type GroupRecord } from '../../../src/coordinator/group/records';
import { ClassicGroup } from '../../../src/coordinator/group/classic/classic-group';
import { joinError, syncError, type GroupRequestContext } from '../../../src/coordinator/group/classic/classic-context';
import type { JoinResult, SyncResult } from '../../../src/coordinator/group/classic/classic-group-member';
import type { LeaveResult } from '../../../src/coordinator/group/classic/classic-membership';
import type { OffsetCommitInput, OffsetCommitOutput, OffsetFetchGroupOutput } from '../../../src/coordinator/group/offset-metadata-manager';
import { encodeConsumerProtocolSubscription } from '../../../src/protocol/generated/consumer-protocol-subscription';
import type { JoinGroupRequest } from '../../../src/protocol/generated/join-group';
import type { SyncGroupRequest } from '../../../src/protocol/generated/sync-group';
import { toErrorCode } from '../../../src/protocol/kafka-errors';
import { Writer } from '../../../src/protocol/primitives/writer';
import { ZERO_UUID } from '../../../src/protocol/primitives/tagged';
import { ManualClock } from '../../../src/util/clock';
import { rootLogger } from '../../../src/util/logger';
import { MemoryLog } from './memory-log';

export const TEST_CONFIG: GroupCoordinatorConfig = {
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  maxGroupSize: 2_147_483_647,
  initialRebalanceDelayMs: 0,
  newMemberJoinTimeoutMs: 300_000,
  offsetMetadataMaxBytes: 4096,
  offsetsRetentionMs: 7 * 24 * 3600 * 1000,
  offsetsRetentionCheckIntervalMs: 600_000,
  offsetsTopicNumPartitions: 1,
  offsetsTopicReplicationFactor: 1,
  offsetsTopicSegmentBytes: 104_857_600,
  offsetsTopicCompression: 0,
  offsetsLoadBufferSize: 5_242_880,
};

export const RCTX: GroupRequestContext = { clientId: 'client', clientHost: '/127.0.0.1', apiVersion: 9 };

/** ConsumerProtocolSubscription bytes (with their int16 version) for `topics`. */
export function subscription(topics: string[], version = 1): Buffer {
  const w = new Writer();
  w.int16(version);
  encodeConsumerProtocolSubscription(w, { topics, userData: null, ownedPartitions: [], generationId: -1, rackId: null }, version);
  return w.toBuffer();
}

export interface Pending<T> {
  value: T | undefined;
  readonly promise: Promise<T>;
}

function pending<T>(start: (resolve: (v: T) => void) => Promise<unknown>, onError: (code: number) => T): Pending<T> {
  const p: Pending<T> = { value: undefined, promise: undefined as unknown as Promise<T> };
  (p as { promise: Promise<T> }).promise = new Promise<T>((resolve) => {
    const done = (v: T): void => {
      if (p.value === undefined) p.value = v;
      resolve(v);
    };
    start(done).catch((e: unknown) => done(onError(toErrorCode(e))));
  });
  return p;
}

export class GroupHarness {
  readonly runtime: CoordinatorRuntime<GroupCoordinatorShard, GroupRecord>;
  config: GroupCoordinatorConfig;

  private constructor(
    readonly clock: ManualClock,
    readonly log: MemoryLog,
    config: GroupCoordinatorConfig,
  ) {
    this.config = config;
    this.runtime = new CoordinatorRuntime<GroupCoordinatorShard, GroupRecord>({
      name: 'test-group-coordinator',
      clock,
      serde: groupRecordSerde,
      newShard: (ctx) => new GroupCoordinatorShard(ctx, () => this.config),
      logFor: () => log,
      loadBufferSize: () => 1 << 20,
      compression: () => 0,
      logger: rootLogger().child({ component: 'test' }),
    });
  }

  static async create(overrides: Partial<GroupCoordinatorConfig> = {}, opts: { log?: MemoryLog; clock?: ManualClock } = {}): Promise<GroupHarness> {
    const h = new GroupHarness(opts.clock ?? new ManualClock(), opts.log ?? new MemoryLog(), { ...TEST_CONFIG, ...overrides });
    await h.runtime.load(0);
    return h;
  }

  get shard(): GroupCoordinatorShard {
    return this.runtime.readAll((s) => s)[0]!;
  }

  group(groupId: string): ClassicGroup {
    const g = this.shard.groups.classicGroup(groupId);
    if (!g) throw new Error(`no classic group ${groupId}`);
    return g;
  }

  /** Lets queued operations and appends finish. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) {
      await this.runtime.whenIdle();
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Lets pending work finish, then moves the clock (firing due timers), then settles again. */
  async advance(ms: number): Promise<void> {
    await this.settle();
    this.clock.advance(ms);
    await this.settle();
  }

  join(req: Partial<JoinGroupRequest> & { groupId: string }, rctx: Partial<GroupRequestContext> = {}): Pending<JoinResult> {
    const full: JoinGroupRequest = {
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 30_000,
      memberId: '',
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: subscription(['t']) }],
      reason: null,
      ...req,
    };
    return pending(
      (resolve) => this.runtime.scheduleWriteOperation('join', 0, (s) => s.classicGroupJoin({ ...RCTX, ...rctx }, full, resolve)),
      (code) => joinError(code),
    );
  }

  /** KIP-394 two-step join: returns the pending second join. */
  async joinNew(req: Partial<JoinGroupRequest> & { groupId: string }, rctx: Partial<GroupRequestContext> = {}): Promise<Pending<JoinResult>> {
    const first = this.join({ ...req, memberId: '' }, rctx);
    const r = await first.promise;
    await this.settle();
    if (r.errorCode !== 79) return first;
    const second = this.join({ ...req, memberId: r.memberId }, rctx);
    await this.settle();
    return second;
  }

  sync(req: Partial<SyncGroupRequest> & { groupId: string; memberId: string; generationId: number }): Pending<SyncResult> {
    const full: SyncGroupRequest = { groupInstanceId: null, protocolType: null, protocolName: null, assignments: [], ...req };
    return pending(
      (resolve) => this.runtime.scheduleWriteOperation('sync', 0, (s) => s.classicGroupSync(full, resolve)),
      (code) => syncError(code),
    );
  }

  heartbeat(groupId: string, memberId: string, generationId: number, groupInstanceId: string | null = null): Promise<number> {
    return this.runtime
      .scheduleWriteOperation('heartbeat', 0, (s) => s.classicGroupHeartbeat({ groupId, memberId, generationId, groupInstanceId }))
      .catch((e: unknown) => toErrorCode(e));
  }

  leave(groupId: string, members: Array<{ memberId: string; groupInstanceId?: string | null }>): Promise<LeaveResult | number> {
    return this.runtime
      .scheduleWriteOperation('leave', 0, (s) =>
        s.classicGroupLeave({ groupId, members: members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, reason: null })) }),
      )
      .catch((e: unknown) => toErrorCode(e));
  }

  commit(req: Partial<OffsetCommitInput> & { groupId: string; offsets: Record<string, Record<number, bigint | [bigint, string | null]>> }, apiVersion = 9): Promise<OffsetCommitOutput | number> {
    const input: OffsetCommitInput = {
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      ...req,
      topics: Object.entries(req.offsets).map(([name, parts]) => ({
        name,
        topicId: ZERO_UUID,
        partitions: Object.entries(parts).map(([p, v]) => ({
          partitionIndex: Number(p),
          committedOffset: Array.isArray(v) ? v[0] : v,
          committedLeaderEpoch: -1,
          commitTimestamp: -1,
          committedMetadata: Array.isArray(v) ? v[1] : '',
        })),
      })),
    };
    return this.runtime
      .scheduleWriteOperation('commit', 0, (s) => s.commitOffset({ ...RCTX, apiVersion }, input))
      .catch((e: unknown) => toErrorCode(e));
  }

  fetch(groupId: string, topics: Record<string, number[]> | null, requireStable = false): OffsetFetchGroupOutput {
    return this.shard.fetchOffsets(
      { groupId, memberId: null, memberEpoch: -1, topics: topics === null ? null : Object.entries(topics).map(([name, partitionIndexes]) => ({ name, partitionIndexes })) },
      requireStable,
    );
  }

  /** committed offset of one partition (-1 when none) */
  offsetOf(groupId: string, topic: string, partition: number): bigint {
    return this.fetch(groupId, { [topic]: [partition] }).topics[0]!.partitions[0]!.committedOffset;
  }

  /** A second runtime over the same log: what a restarted broker loads. */
  async restart(): Promise<GroupHarness> {
    await this.runtime.close();
    return GroupHarness.create(this.config, { log: this.log, clock: this.clock });
  }
}

/** Joins `n` dynamic members to a new group and completes the first rebalance (Stable). */
export async function stableGroup(h: GroupHarness, groupId: string, n: number, extra: Partial<JoinGroupRequest> = {}): Promise<{ members: string[]; generationId: number; leader: string }> {
  const joins: Pending<JoinResult>[] = [];
  for (let i = 0; i < n; i++) joins.push(await h.joinNew({ groupId, ...extra }));
  await h.advance(0); // the (zero) initial-rebalance delay
  const results = await Promise.all(joins.map((j) => j.promise));
  const generationId = results[0]!.generationId;
  const leader = results[0]!.leader;
  const members = results.map((r) => r.memberId);
  const syncs = members.map((m) =>
    h.sync({ groupId, memberId: m, generationId, assignments: m === leader ? members.map((id) => ({ memberId: id, assignment: Buffer.from(id) })) : [] }),
  );
  await h.settle();
  await Promise.all(syncs.map((s) => s.promise));
  return { members, generationId, leader };
}
