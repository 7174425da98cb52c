/**
 * The group coordinator's state machine for one __consumer_offsets partition (Kafka's
 * GroupCoordinatorShard): the group manager and the offset manager, the operations the service
 * runs through the runtime, record replay, and the periodic expiry of offsets and empty groups
 * (every offsets.retention.check.interval.ms).
 */
import { ErrorCode } from '../../protocol/error-codes';
import { KafkaError } from '../../protocol/kafka-errors';
import type { JoinGroupRequest } from '../../protocol/generated/join-group';
import type { LeaveGroupRequest } from '../../protocol/generated/leave-group';
import type { SyncGroupRequest } from '../../protocol/generated/sync-group';
import type { CoordinatorShard, ReplayContext, ShardContext } from '../runtime/types';
import type { GroupCoordinatorConfig } from './config';
import type { ListedGroup } from './group';
import { GroupMetadataManager, type DescribedGroup } from './group-metadata-manager';
import {
  OffsetMetadataManager,
  type OffsetCommitInput,
  type OffsetCommitOutput,
  type OffsetDeleteInput,
  type OffsetDeleteOutput,
  type OffsetFetchGroupInput,
  type OffsetFetchGroupOutput,
} from './offset-metadata-manager';
import type { GroupRecord } from './records';
import type { GroupRequestContext, GroupResult } from './classic/classic-context';
import type { JoinResponder } from './classic/classic-join';
import type { HeartbeatInput, LeaveResult, SyncResponder } from './classic/classic-membership';
import type { ConsumerGroupHeartbeatRequest } from '../../protocol/generated/consumer-group-heartbeat';
import type { DescribedConsumerGroup } from './consumer/consumer-group-describe';
import type { HeartbeatContext } from './consumer/consumer-group-heartbeat';
import type { HeartbeatResponse } from './consumer/consumer-group-membership';
import type { TopicsImage } from './consumer/topics-image';

export const GROUP_EXPIRATION_KEY = 'expire-group-metadata';

export interface DeleteGroupResult {
  groupId: string;
  errorCode: number;
}

export class GroupCoordinatorShard implements CoordinatorShard<GroupRecord> {
  readonly groups: GroupMetadataManager;
  readonly offsets: OffsetMetadataManager;

  constructor(
    private readonly ctx: ShardContext<GroupRecord>,
    private readonly config: () => GroupCoordinatorConfig,
    /** Topic metadata for KIP-848 consumer groups (an empty image when not given). */
    image?: TopicsImage,
  ) {
    this.groups = new GroupMetadataManager(ctx.clock, ctx.timer, config, ctx.log, image);
    this.offsets = new OffsetMetadataManager(this.groups, ctx.clock, config, ctx.log);
  }

  // ---- classic protocol ----------------------------------------------------------------------

  classicGroupJoin(rctx: GroupRequestContext, req: JoinGroupRequest, respond: JoinResponder): GroupResult {
    return this.groups.join(rctx, req, respond);
  }

  classicGroupSync(req: SyncGroupRequest, respond: SyncResponder): GroupResult {
    return this.groups.sync(req, respond);
  }

  classicGroupHeartbeat(req: HeartbeatInput): GroupResult<number> {
    return { records: [], response: this.groups.heartbeat(req) };
  }

  classicGroupLeave(req: Pick<LeaveGroupRequest, 'groupId' | 'members'>): GroupResult<LeaveResult> {
    return this.groups.leave(req);
  }

  // ---- consumer protocol (KIP-848) -----------------------------------------------------------

  consumerGroupHeartbeat(hctx: HeartbeatContext, req: ConsumerGroupHeartbeatRequest): GroupResult<HeartbeatResponse> {
    return this.groups.consumer.heartbeat(hctx, req);
  }

  consumerGroupDescribe(groupIds: readonly string[]): DescribedConsumerGroup[] {
    return this.groups.consumer.describe(groupIds);
  }

  /** A topic was created, deleted or grew: consumer groups subscribed to it look again. */
  onTopicMetadataChanged(topicName: string): GroupResult {
    this.groups.consumer.onTopicChanged(topicName);
    return { records: [], response: undefined };
  }

  // ---- groups --------------------------------------------------------------------------------

  listGroups(statesFilter: readonly string[], typesFilter: readonly string[]): ListedGroup[] {
    return this.groups.listGroups(statesFilter, typesFilter);
  }

  describeGroups(groupIds: readonly string[], apiVersion: number): DescribedGroup[] {
    return this.groups.describeGroups(groupIds, apiVersion);
  }

  /** Deletes empty groups with their offsets (tombstones for both). */
  deleteGroups(groupIds: readonly string[]): GroupResult<DeleteGroupResult[]> {
    const records: GroupRecord[] = [];
    const results: DeleteGroupResult[] = [];
    const deleted: string[] = [];
    let offsets = 0;
    for (const groupId of groupIds) {
      try {
        this.groups.validateDeleteGroup(groupId);
        offsets += this.offsets.deleteAllOffsets(groupId, records);
        records.push(...this.groups.groupTombstones(groupId));
        deleted.push(groupId);
        results.push({ groupId, errorCode: ErrorCode.NONE });
      } catch (e) {
        if (!(e instanceof KafkaError)) throw e;
        results.push({ groupId, errorCode: e.errorCode });
      }
    }
    if (deleted.length > 0) this.ctx.log.info({ groups: deleted, offsets }, 'groups deleted');
    return { records, response: results };
  }

  // ---- offsets -------------------------------------------------------------------------------

  commitOffset(rctx: GroupRequestContext, req: OffsetCommitInput): GroupResult<OffsetCommitOutput> {
    return this.offsets.commit(req, rctx.apiVersion);
  }

  /** TxnOffsetCommit: the service appends the records as the producer's transactional batch. */
  commitTransactionalOffset(rctx: GroupRequestContext, req: OffsetCommitInput): GroupResult<OffsetCommitOutput> {
    return this.offsets.commitTransactional(req, rctx.apiVersion);
  }

  fetchOffsets(req: OffsetFetchGroupInput, requireStable: boolean): OffsetFetchGroupOutput {
    return this.offsets.fetch(req, requireStable);
  }

  deleteOffsets(req: OffsetDeleteInput): GroupResult<OffsetDeleteOutput> {
    return this.offsets.deleteOffsets(req);
  }

  /** Tombstones for the offsets of a deleted topic (Kafka's onPartitionsDeleted). */
  onTopicDeleted(topic: string): GroupResult {
    return { records: this.offsets.onTopicDeleted(topic), response: undefined };
  }

  /** Expired offsets, then empty groups left with no offsets, become tombstones. */
  cleanupGroupMetadata(): GroupResult {
    const started = this.ctx.clock.monotonic();
    const records: GroupRecord[] = [];
    for (const groupId of this.groups.groupIds()) {
      if (this.offsets.cleanupExpiredOffsets(groupId, records)) this.groups.maybeDeleteGroup(groupId, records);
    }
    if (records.length > 0) {
      this.ctx.log.info({ tombstones: records.length, ms: Math.round(this.ctx.clock.monotonic() - started) }, 'expired group metadata cleaned up');
    }
    this.scheduleGroupMetadataExpiration();
    return { records, response: undefined };
  }

  private scheduleGroupMetadataExpiration(): void {
    this.ctx.timer.schedule(GROUP_EXPIRATION_KEY, this.config().offsetsRetentionCheckIntervalMs, () => this.cleanupGroupMetadata());
  }

  // ---- CoordinatorShard ----------------------------------------------------------------------

  replay(record: GroupRecord, rc: ReplayContext): void {
    if (record.type === 'offset-commit') this.offsets.replay(rc.offset, rc.producerId, record.key, record.value);
    else if (record.type === 'group-metadata') this.groups.replay(record.key.group, record.value);
    else this.groups.replayConsumer(record);
  }

  replayEndTransaction(producerId: bigint, _producerEpoch: number, committed: boolean): void {
    this.offsets.replayEndTransaction(producerId, committed);
  }

  onLoaded(): void {
    this.groups.onLoaded();
    this.scheduleGroupMetadataExpiration();
  }

  onUnloaded(): void {
    this.groups.onUnloaded();
  }
}
