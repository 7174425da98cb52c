/**
 * The group coordinator as the server sees it (Kafka's GroupCoordinatorService): routes each
 * group to the shard of its __consumer_offsets partition (abs(hash(groupId)) % partitions), checks
 * requests before they reach a shard, turns operation failures into response errors, loads
 * __consumer_offsets at start-up, and drops the offsets of deleted topics.
 *
 * On a single node every partition of __consumer_offsets is led here, so every shard is loaded.
 * As in Kafka, the topic is created by the first FindCoordinator for a group (or by a Metadata
 * request naming it), with offsets.topic.num.partitions partitions, replication factor
 * offsets.topic.replication.factor, cleanup.policy=compact and the offsets segment size. Until
 * then group operations answer NOT_COORDINATOR, which sends clients to FindCoordinator. A
 * creation that fails (more replicas than brokers) answers COORDINATOR_NOT_AVAILABLE, as Kafka.
 */
import type { BrokerConfig } from '../../config';
import type { MetadataStore, NewTopic, TopicInfo } from '../../cluster/metadata-store';
import type { Log } from '../../log/log';
import { ErrorCode } from '../../protocol/error-codes';
import type { JoinGroupRequest } from '../../protocol/generated/join-group';
import type { LeaveGroupRequest } from '../../protocol/generated/leave-group';
import type { SyncGroupRequest } from '../../protocol/generated/sync-group';
import type { Clock } from '../../util/clock';
import { logger as componentLogger, type Logger } from '../../util/logger';
import { InternalTopic } from '../runtime/internal-topic';
import { CoordinatorRuntime, type TransactionalWrite } from '../runtime/coordinator-runtime';
import { partitionFor } from '../runtime/partitioner';
import type { CoordinatorResult } from '../runtime/types';
import { groupCoordinatorConfig, OFFSETS_TOPIC, type GroupCoordinatorConfig } from './config';
import { GroupCoordinatorShard, type DeleteGroupResult } from './group-coordinator-shard';
import type { DescribedGroup } from './group-metadata-manager';
import type { ListedGroup } from './group';
import type { OffsetCommitInput, OffsetCommitOutput, OffsetDeleteInput, OffsetDeleteOutput, OffsetFetchGroupInput, OffsetFetchGroupOutput } from './offset-metadata-manager';
import { operationError } from './operation-errors';
import { groupRecordSerde, type GroupRecord } from './records';
import { joinError, syncError, type GroupRequestContext } from './classic/classic-context';
import type { JoinResult, SyncResult } from './classic/classic-group-member';
import type { HeartbeatInput, LeaveResult } from './classic/classic-membership';
import type { ConsumerGroupHeartbeatRequest } from '../../protocol/generated/consumer-group-heartbeat';
import { DEFAULT_CONSUMER_GROUP_CONFIG } from './consumer/consumer-group-config';
import type { DescribedConsumerGroup } from './consumer/consumer-group-describe';
import type { HeartbeatContext } from './consumer/consumer-group-heartbeat';
import type { HeartbeatResponse } from './consumer/consumer-group-membership';
import { throwIfHeartbeatRequestIsInvalid } from './consumer/heartbeat-validation';
import { MetadataTopicsImage } from './consumer/topics-image';

export interface GroupCoordinatorDeps {
  config(): BrokerConfig;
  clock: Clock;
  metadata: MetadataStore;
  logs: { getLog(tp: { topic: string; partition: number }): Log | undefined };
  topics: { createTopic(t: NewTopic): Promise<TopicInfo> };
  logger?: Logger;
}

export interface ListGroupsResult {
  errorCode: number;
  groups: ListedGroup[];
}

export class GroupCoordinatorService {
  private readonly runtime: CoordinatorRuntime<GroupCoordinatorShard, GroupRecord>;
  private readonly log: Logger;
  private active = false;
  private readonly topic: InternalTopic;
  /** Topic metadata for KIP-848 consumer groups, shared by the shards. */
  private readonly topicsImage: MetadataTopicsImage;

  constructor(private readonly deps: GroupCoordinatorDeps) {
    this.log = deps.logger ?? componentLogger('group-coordinator');
    this.topicsImage = new MetadataTopicsImage(deps.metadata, deps.clock);
    this.runtime = new CoordinatorRuntime<GroupCoordinatorShard, GroupRecord>({
      name: 'group-coordinator',
      clock: deps.clock,
      serde: groupRecordSerde,
      newShard: (ctx) => new GroupCoordinatorShard(ctx, () => this.config(), this.topicsImage),
      logFor: (partition) => deps.logs.getLog({ topic: OFFSETS_TOPIC, partition }),
      loadBufferSize: () => this.config().offsetsLoadBufferSize,
      compression: () => this.config().offsetsTopicCompression,
      logger: this.log,
    });
    this.topic = new InternalTopic({
      name: OFFSETS_TOPIC,
      serves: 'groups',
      metadata: deps.metadata,
      topics: deps.topics,
      runtime: this.runtime,
      log: this.log,
      spec: () => {
        const c = this.config();
        return {
          numPartitions: c.offsetsTopicNumPartitions,
          replicationFactor: c.offsetsTopicReplicationFactor,
          replicationFactorKey: 'offsets.topic.replication.factor',
          configs: { 'cleanup.policy': 'compact', 'segment.bytes': String(c.offsetsTopicSegmentBytes), 'compression.type': 'producer' },
        };
      },
    });
  }

  private config(): GroupCoordinatorConfig {
    return groupCoordinatorConfig(this.deps.config());
  }

  /** Loads every partition of __consumer_offsets that exists; watches for deleted topics. */
  async startup(): Promise<void> {
    this.active = true;
    this.deps.metadata.onChange((c) => {
      if (this.topicsImage.onChange(c) && 'topic' in c) this.onTopicMetadataChanged(c.topic.name);
    });
    this.deps.metadata.onChange((c) => {
      if (c.kind === 'topic-deleted' && c.topic.name !== OFFSETS_TOPIC) this.onTopicDeleted(c.topic.name);
    });
    await this.topic.loadExisting();
  }

  /** Stops answering; parked JoinGroup/SyncGroup requests get NOT_COORDINATOR. */
  async shutdown(): Promise<void> {
    this.active = false;
    await this.runtime.close();
  }

  /** Resolves once no operation is running or queued (tests). */
  whenIdle(): Promise<void> {
    return this.runtime.whenIdle();
  }

  numPartitions(): number {
    return this.deps.metadata.topic(OFFSETS_TOPIC)?.partitions.length ?? this.config().offsetsTopicNumPartitions;
  }

  partitionFor(groupId: string): number {
    return partitionFor(groupId, this.numPartitions());
  }

  /**
   * FindCoordinator for a group: makes sure __consumer_offsets exists and is loaded. NONE when
   * this broker can coordinate the group; else the error to answer.
   */
  async findCoordinator(groupId: string): Promise<number> {
    if (!this.active) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    try {
      await this.topic.ensure(true);
      return this.runtime.isLoaded(this.partitionFor(groupId)) ? ErrorCode.NONE : ErrorCode.COORDINATOR_NOT_AVAILABLE;
    } catch {
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
  }

  // ---- classic protocol ----------------------------------------------------------------------

  async joinGroup(rctx: GroupRequestContext, req: JoinGroupRequest): Promise<JoinResult> {
    if (!this.active) return joinError(ErrorCode.COORDINATOR_NOT_AVAILABLE, req.memberId);
    if (req.groupId === '') return joinError(ErrorCode.INVALID_GROUP_ID, req.memberId);
    const c = this.config();
    if (req.sessionTimeoutMs < c.minSessionTimeoutMs || req.sessionTimeoutMs > c.maxSessionTimeoutMs) {
      return joinError(ErrorCode.INVALID_SESSION_TIMEOUT, req.memberId);
    }
    return new Promise<JoinResult>((resolve) => {
      this.write('classic-group-join', req.groupId, (s) => s.classicGroupJoin(rctx, req, resolve)).catch((e: unknown) =>
        resolve(joinError(operationError('classic-group-join', e, this.log).errorCode)),
      );
    });
  }

  async syncGroup(req: SyncGroupRequest): Promise<SyncResult> {
    if (!this.active) return syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (req.groupId === '') return syncError(ErrorCode.INVALID_GROUP_ID);
    return new Promise<SyncResult>((resolve) => {
      this.write('classic-group-sync', req.groupId, (s) => s.classicGroupSync(req, resolve)).catch((e: unknown) =>
        resolve(syncError(operationError('classic-group-sync', e, this.log).errorCode)),
      );
    });
  }

  /** The heartbeat's error code. */
  async heartbeat(req: HeartbeatInput): Promise<number> {
    if (!this.active) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (req.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    try {
      return await this.write('classic-group-heartbeat', req.groupId, (s) => s.classicGroupHeartbeat(req));
    } catch (e) {
      const code = operationError('classic-group-heartbeat', e, this.log).errorCode;
      // While the group is loading, the member is told all is well (Kafka does the same).
      return code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode.NONE : code;
    }
  }

  async leaveGroup(req: Pick<LeaveGroupRequest, 'groupId' | 'members'>): Promise<LeaveResult> {
    if (!this.active) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    if (req.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    try {
      return await this.write('classic-group-leave', req.groupId, (s) => s.classicGroupLeave(req));
    } catch (e) {
      const code = operationError('classic-group-leave', e, this.log).errorCode;
      if (code !== ErrorCode.UNKNOWN_MEMBER_ID) return { errorCode: code, members: [] };
      // The group does not exist: every member is unknown.
      return {
        errorCode: ErrorCode.NONE,
        members: req.members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })),
      };
    }
  }

  // ---- consumer protocol (KIP-848) -----------------------------------------------------------

  /**
   * ConsumerGroupHeartbeat (Kafka's GroupCoordinatorService.consumerGroupHeartbeat): the request
   * is checked, then runs on the group's shard; failures become the response's error and message.
   */
  async consumerGroupHeartbeat(hctx: HeartbeatContext, req: ConsumerGroupHeartbeatRequest): Promise<HeartbeatResponse> {
    const failed = (errorCode: number, errorMessage: string | null): HeartbeatResponse => ({
      errorCode, errorMessage, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null,
    });
    if (!this.active) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE, null);
    try {
      throwIfHeartbeatRequestIsInvalid(req, hctx.apiVersion, (this.config().consumer ?? DEFAULT_CONSUMER_GROUP_CONFIG).assignors);
      return await this.write('consumer-group-heartbeat', req.groupId, (s) => s.consumerGroupHeartbeat(hctx, req));
    } catch (e) {
      const { errorCode, message } = operationError('consumer-group-heartbeat', e, this.log);
      return failed(errorCode, message);
    }
  }

  /** ConsumerGroupDescribe: one result per group id, in request order; an empty id is INVALID_GROUP_ID. */
  async consumerGroupDescribe(groupIds: readonly string[]): Promise<DescribedConsumerGroup[]> {
    const failed = (groupId: string, errorCode: number, errorMessage: string | null = null): DescribedConsumerGroup => ({
      errorCode, errorMessage, groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [],
    });
    if (!this.active) return groupIds.map((id) => failed(id, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    return Promise.all(
      groupIds.map(async (id) => {
        if (id === '') return failed('', ErrorCode.INVALID_GROUP_ID);
        try {
          await this.topic.ensure(false);
          const [described] = await this.runtime.scheduleReadOperation(this.partitionFor(id), (s) => s.consumerGroupDescribe([id]));
          return described!;
        } catch (e) {
          const { errorCode, message } = operationError('consumer-group-describe', e, this.log);
          return failed(id, errorCode, message);
        }
      }),
    );
  }

  /** Consumer groups subscribed to a changed topic look at its metadata again (every shard). */
  private onTopicMetadataChanged(topic: string): void {
    for (const p of this.runtime.activePartitions()) {
      this.runtime.scheduleWriteOperation('consumer-group-metadata-update', p, (s) => s.onTopicMetadataChanged(topic)).catch((e: unknown) => {
        this.log.warn({ err: e, topic, partition: p }, 'failed to notify consumer groups of a topic change');
      });
    }
  }

  // ---- groups --------------------------------------------------------------------------------

  /** Groups of every loaded partition (none before __consumer_offsets exists; it is not created). */
  async listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): Promise<ListGroupsResult> {
    if (!this.active) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, groups: [] };
    await this.topic.ensure(false).catch(() => undefined);
    return { errorCode: ErrorCode.NONE, groups: this.runtime.readAll((s) => s.listGroups(statesFilter, typesFilter)).flat() };
  }

  async describeGroups(groupIds: readonly string[], apiVersion: number): Promise<DescribedGroup[]> {
    const failed = (id: string, errorCode: number): DescribedGroup => ({
      errorCode, errorMessage: null, groupId: id, groupState: '', protocolType: '', protocolData: '', members: [],
    });
    if (!this.active) return groupIds.map((id) => failed(id, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    return Promise.all(
      groupIds.map(async (id) => {
        try {
          await this.topic.ensure(false);
          const [described] = await this.runtime.scheduleReadOperation(this.partitionFor(id), (s) => s.describeGroups([id], apiVersion));
          return described!;
        } catch (e) {
          return failed(id, operationError('describe-groups', e, this.log).errorCode);
        }
      }),
    );
  }

  async deleteGroups(groupIds: readonly string[]): Promise<DeleteGroupResult[]> {
    if (!this.active) return groupIds.map((groupId) => ({ groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE }));
    // One operation per partition, as Kafka batches them.
    const byPartition = new Map<number, string[]>();
    let numPartitions: number;
    try {
      await this.topic.ensure(false);
      numPartitions = this.numPartitions();
    } catch (e) {
      const errorCode = operationError('delete-groups', e, this.log).errorCode;
      return groupIds.map((groupId) => ({ groupId, errorCode }));
    }
    for (const id of groupIds) {
      const p = partitionFor(id, numPartitions);
      byPartition.set(p, [...(byPartition.get(p) ?? []), id]);
    }
    const results = new Map<string, DeleteGroupResult>();
    await Promise.all(
      [...byPartition].map(async ([p, ids]) => {
        try {
          for (const r of await this.runtime.scheduleWriteOperation('delete-groups', p, (s) => s.deleteGroups(ids))) results.set(r.groupId, r);
        } catch (e) {
          const errorCode = operationError('delete-groups', e, this.log).errorCode;
          for (const groupId of ids) results.set(groupId, { groupId, errorCode });
        }
      }),
    );
    return groupIds.map((id) => results.get(id)!);
  }

  // ---- offsets -------------------------------------------------------------------------------

  async commitOffsets(rctx: GroupRequestContext, req: OffsetCommitInput): Promise<OffsetCommitOutput> {
    const failAll = (errorCode: number): OffsetCommitOutput => ({
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    });
    if (!this.active) return failAll(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    try {
      return await this.write('commit-offset', req.groupId, (s) => s.commitOffset(rctx, req));
    } catch (e) {
      return failAll(operationError('commit-offset', e, this.log).errorCode);
    }
  }

  /**
   * TxnOffsetCommit (Kafka's commitTransactionalOffsets): the offsets go to __consumer_offsets in
   * a transactional batch of the producer (with the KIP-890 guard, if any) and stay pending until
   * the transaction's COMMIT marker makes them visible, or its ABORT drops them.
   */
  async commitTransactionalOffsets(rctx: GroupRequestContext, req: OffsetCommitInput, txn: TransactionalWrite): Promise<OffsetCommitOutput> {
    const failAll = (errorCode: number): OffsetCommitOutput => ({
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    });
    if (!this.active) return failAll(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    try {
      await this.topic.ensure(false);
      return await this.runtime.scheduleTransactionalWriteOperation('txn-commit-offset', this.partitionFor(req.groupId), txn, (s) =>
        s.commitTransactionalOffset(rctx, req),
      );
    } catch (e) {
      return failAll(operationError('txn-commit-offset', e, this.log).errorCode);
    }
  }

  /**
   * Offsets of one group. With require_stable the fetch queues behind pending writes (Kafka runs
   * it as a write operation) and answers UNSTABLE_OFFSET_COMMIT where transactional offsets
   * are pending.
   */
  async fetchOffsets(req: OffsetFetchGroupInput, requireStable: boolean): Promise<OffsetFetchGroupOutput> {
    if (!this.active) return { groupId: req.groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
    try {
      if (requireStable) {
        return await this.write('fetch-offsets', req.groupId, (s) => ({ records: [], response: s.fetchOffsets(req, true) }));
      }
      await this.topic.ensure(false);
      return await this.runtime.scheduleReadOperation(this.partitionFor(req.groupId), (s) => s.fetchOffsets(req, false));
    } catch (e) {
      return { groupId: req.groupId, errorCode: operationError('fetch-offsets', e, this.log).errorCode, topics: [] };
    }
  }

  async deleteOffsets(req: OffsetDeleteInput): Promise<OffsetDeleteOutput> {
    if (!this.active) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, topics: [] };
    if (req.groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, topics: [] };
    try {
      return await this.write('delete-offsets', req.groupId, (s) => s.deleteOffsets(req));
    } catch (e) {
      return { errorCode: operationError('delete-offsets', e, this.log).errorCode, topics: [] };
    }
  }

  // ---- transactions --------------------------------------------------------------------------

  /**
   * WriteTxnMarkers for a __consumer_offsets partition (Kafka's completeTransaction): the marker
   * is written and the producer's pending transactional offsets of that partition are
   * committed or dropped.
   */
  async completeTransaction(partition: number, producerId: bigint, producerEpoch: number, coordinatorEpoch: number, committed: boolean): Promise<number> {
    if (!this.active) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    try {
      await this.runtime.scheduleTransactionCompletion(partition, { producerId, producerEpoch, coordinatorEpoch, committed });
      return ErrorCode.NONE;
    } catch (e) {
      return operationError('complete-transaction', e, this.log).errorCode;
    }
  }

  // ---- internals -----------------------------------------------------------------------------

  private async write<T>(name: string, groupId: string, op: (s: GroupCoordinatorShard) => CoordinatorResult<T, GroupRecord>): Promise<T> {
    await this.topic.ensure(false);
    return this.runtime.scheduleWriteOperation(name, this.partitionFor(groupId), op);
  }

  /**
   * Loads the partitions of __consumer_offsets not loaded yet (e.g. the topic was created by a
   * Metadata request); with `create`, creates the topic first if it does not exist. A partition
   * whose log is not there yet stays unloaded (its groups answer NOT_COORDINATOR meanwhile).
   */


  private onTopicDeleted(topic: string): void {
    for (const p of this.runtime.activePartitions()) {
      this.runtime.scheduleWriteOperation('on-topic-deleted', p, (s) => s.onTopicDeleted(topic)).catch((e: unknown) => {
        this.log.warn({ err: e, topic, partition: p }, 'failed to delete the offsets of a deleted topic');
      });
    }
  }
}
