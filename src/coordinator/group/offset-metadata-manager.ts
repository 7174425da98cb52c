/**
 * Committed offsets of one __consumer_offsets partition, after Kafka's OffsetMetadataManager:
 * OffsetCommit, OffsetFetch, OffsetDelete, the offsets part of DeleteGroups, expiry, and the
 * replay of OffsetCommit records. Offsets change only when their records are replayed.
 *
 * Transactional offset commits (TxnOffsetCommit, written in transactional batches) are held as
 * pending per producer id until the transaction marker is replayed; OffsetFetch with
 * require_stable answers UNSTABLE_OFFSET_COMMIT for partitions that have some. This is the seam
 * the transaction coordinator plugs into.
 */
import { ErrorCode } from '../../protocol/error-codes';
import { KafkaError } from '../../protocol/kafka-errors';
import type { Clock } from '../../util/clock';
import type { Logger } from '../../util/logger';
import type { GroupCoordinatorConfig } from './config';
import type { CommitPartitionValidator, Group } from './group';
import { OffsetStore } from './offset-store';
import { offsetCommitRecord, offsetCommitTombstone, offsetFromValue, type GroupRecord, type OffsetAndMetadata, type OffsetCommitValue } from './records';
import type { CoordinatorResult } from '../runtime/types';

export interface OffsetCommitInput {
  groupId: string;
  generationIdOrMemberEpoch: number;
  memberId: string;
  groupInstanceId: string | null;
  /** OffsetCommit v2-v4; -1: the broker's retention. */
  retentionTimeMs: number;
  topics: Array<{
    name: string;
    /** Written with the offset (OffsetCommitValue v4); ZERO_UUID when unknown. */
    topicId: string;
    partitions: Array<{ partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; commitTimestamp: number; committedMetadata: string | null }>;
  }>;
}

export interface PartitionError {
  partitionIndex: number;
  errorCode: number;
}

export interface OffsetCommitOutput {
  topics: Array<{ name: string; partitions: PartitionError[] }>;
}

export interface OffsetFetchGroupInput {
  groupId: string;
  memberId: string | null;
  memberEpoch: number;
  /** null: every partition with a committed offset. */
  topics: Array<{ name: string; partitionIndexes: number[] }> | null;
}

export interface FetchedOffset {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface OffsetFetchGroupOutput {
  groupId: string;
  errorCode: number;
  topics: Array<{ name: string; partitions: FetchedOffset[] }>;
}

export interface OffsetDeleteInput {
  groupId: string;
  topics: Array<{ name: string; partitions: number[] }>;
}

export interface OffsetDeleteOutput {
  errorCode: number;
  topics: Array<{ name: string; partitions: PartitionError[] }>;
}

/** What the offset manager needs of the group manager. */
export interface GroupAccess {
  group(groupId: string): Group | undefined;
  /** The group, created as an empty "simple" classic group (no protocol type) if missing. */
  getOrCreateSimpleGroup(groupId: string): Group;
  /** A classic-protocol commit keeps the member's session alive (Stable/PreparingRebalance). */
  onOffsetCommit(group: Group, memberId: string): void;
}

type Result<T> = CoordinatorResult<T, GroupRecord>;

const NO_OFFSET = -1n;

export class OffsetMetadataManager {
  private readonly offsets = new OffsetStore();
  /** Pending transactional offsets, by producer id. */
  private readonly pending = new Map<bigint, OffsetStore>();
  /** Producer ids with pending offsets, by group. */
  private readonly openTransactionsByGroup = new Map<string, Set<bigint>>();

  constructor(
    private readonly groups: GroupAccess,
    private readonly clock: Clock,
    private readonly config: () => GroupCoordinatorConfig,
    private readonly log: Logger,
  ) {}

  // ---- OffsetCommit --------------------------------------------------------------------------

  commit(req: OffsetCommitInput, apiVersion: number): Result<OffsetCommitOutput> {
    const { group, validator } = this.validateCommit(req, apiVersion);
    this.groups.onOffsetCommit(group, req.memberId);
    return this.commitRecords(req, validator);
  }

  /**
   * TxnOffsetCommit (Kafka's commitTransactionalOffset): validated as a transactional commit (no
   * session refresh); the caller appends the records in the producer's transactional batch, so
   * on replay they stay pending until the transaction's marker.
   */
  commitTransactional(req: OffsetCommitInput, apiVersion: number): Result<OffsetCommitOutput> {
    let group = this.groups.group(req.groupId);
    if (!group) {
      if (req.generationIdOrMemberEpoch >= 0) throw new KafkaError(ErrorCode.ILLEGAL_GENERATION);
      group = this.groups.getOrCreateSimpleGroup(req.groupId);
    }
    const validator = group.validateOffsetCommit(req.memberId, req.groupInstanceId, req.generationIdOrMemberEpoch, true, apiVersion);
    return this.commitRecords(req, validator);
  }

  /** `validator` (consumer groups, older member epoch) checks each partition and may fail the whole commit. */
  private commitRecords(req: OffsetCommitInput, validator: CommitPartitionValidator | void): Result<OffsetCommitOutput> {
    const now = this.clock.now();
    const expireTimestampMs = req.retentionTimeMs < 0 ? -1 : now + req.retentionTimeMs;
    const maxMetadata = this.config().offsetMetadataMaxBytes;
    const records: GroupRecord[] = [];
    const topics = req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => {
        // Kafka compares the string's length (UTF-16 units), not its encoded size.
        if (p.committedMetadata !== null && p.committedMetadata.length > maxMetadata) {
          return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.OFFSET_METADATA_TOO_LARGE };
        }
        if (validator) validator(t.name, t.topicId, p.partitionIndex);
        records.push(offsetCommitRecord(req.groupId, t.name, p.partitionIndex, {
          committedOffset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata: p.committedMetadata ?? '',
          commitTimestampMs: p.commitTimestamp >= 0 ? p.commitTimestamp : now,
          expireTimestampMs,
          recordOffset: -1,
          topicId: t.topicId,
        }));
        return { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE };
      }),
    }));
    return { records, response: { topics } };
  }

  private validateCommit(req: OffsetCommitInput, apiVersion: number): { group: Group; validator: CommitPartitionValidator | void } {
    let group = this.groups.group(req.groupId);
    if (!group) {
      if (req.generationIdOrMemberEpoch < 0) {
        // A commit from outside group management (admin client, assign()): a simple group.
        this.log.info({ groupId: req.groupId }, 'creating a simple consumer group for a manual offset commit');
        group = this.groups.getOrCreateSimpleGroup(req.groupId);
      } else if (apiVersion >= 9) {
        throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} not found.`);
      } else {
        throw new KafkaError(ErrorCode.ILLEGAL_GENERATION);
      }
    }
    const validator = group.validateOffsetCommit(req.memberId, req.groupInstanceId, req.generationIdOrMemberEpoch, false, apiVersion);
    return { group, validator };
  }

  // ---- OffsetFetch ---------------------------------------------------------------------------

  fetch(req: OffsetFetchGroupInput, requireStable: boolean): OffsetFetchGroupOutput {
    return req.topics === null ? this.fetchAll(req, requireStable) : this.fetchSome(req, req.topics, requireStable);
  }

  private fetchSome(req: OffsetFetchGroupInput, topics: NonNullable<OffsetFetchGroupInput['topics']>, requireStable: boolean): OffsetFetchGroupOutput {
    // An unknown group has no offsets: every partition answers "none" (not an error).
    let failAll = false;
    try {
      this.validateFetch(req);
    } catch (e) {
      if (!(e instanceof KafkaError) || e.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) throw e;
      failAll = true;
    }
    const groupOffsets = failAll ? undefined : this.offsets.group(req.groupId);
    return {
      groupId: req.groupId,
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => {
        const topicOffsets = groupOffsets?.get(t.name);
        return {
          name: t.name,
          partitions: t.partitionIndexes.map((p) => {
            if (requireStable && this.hasPendingTransactionalOffsets(req.groupId, t.name, p)) return noOffset(p, ErrorCode.UNSTABLE_OFFSET_COMMIT);
            const o = topicOffsets?.get(p);
            return o ? fetched(p, o) : noOffset(p, ErrorCode.NONE);
          }),
        };
      }),
    };
  }

  private fetchAll(req: OffsetFetchGroupInput, requireStable: boolean): OffsetFetchGroupOutput {
    try {
      this.validateFetch(req);
    } catch (e) {
      if (!(e instanceof KafkaError) || e.errorCode !== ErrorCode.GROUP_ID_NOT_FOUND) throw e;
      return { groupId: req.groupId, errorCode: ErrorCode.NONE, topics: [] };
    }
    const topics: OffsetFetchGroupOutput['topics'] = [];
    for (const [name, partitions] of this.offsets.group(req.groupId) ?? []) {
      const out: FetchedOffset[] = [];
      for (const [p, o] of partitions) {
        out.push(requireStable && this.hasPendingTransactionalOffsets(req.groupId, name, p) ? noOffset(p, ErrorCode.UNSTABLE_OFFSET_COMMIT) : fetched(p, o));
      }
      topics.push({ name, partitions: out });
    }
    return { groupId: req.groupId, errorCode: ErrorCode.NONE, topics };
  }

  private validateFetch(req: OffsetFetchGroupInput): void {
    const group = this.groups.group(req.groupId);
    if (!group) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} not found.`);
    group.validateOffsetFetch(req.memberId, req.memberEpoch);
  }

  // ---- OffsetDelete / DeleteGroups -----------------------------------------------------------

  deleteOffsets(req: OffsetDeleteInput): Result<OffsetDeleteOutput> {
    const group = this.groups.group(req.groupId);
    if (!group) throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} not found.`);
    group.validateOffsetDelete();
    const records: GroupRecord[] = [];
    const topics = req.topics.map((t) => {
      if (group.isSubscribedToTopic(t.name)) {
        return { name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p, errorCode: ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC })) };
      }
      for (const p of t.partitions) {
        if (this.hasCommittedOffset(req.groupId, t.name, p) || this.hasPendingTransactionalOffsets(req.groupId, t.name, p)) {
          records.push(offsetCommitTombstone(req.groupId, t.name, p));
        }
      }
      return { name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p, errorCode: ErrorCode.NONE })) };
    });
    return { records, response: { errorCode: ErrorCode.NONE, topics } };
  }

  /** Tombstones for every offset of the group (committed or pending); returns how many. */
  deleteAllOffsets(groupId: string, records: GroupRecord[]): number {
    let n = 0;
    for (const [topic, partitions] of this.offsets.group(groupId) ?? []) {
      for (const p of partitions.keys()) {
        records.push(offsetCommitTombstone(groupId, topic, p));
        n++;
      }
    }
    for (const producerId of this.openTransactionsByGroup.get(groupId) ?? []) {
      for (const [topic, partitions] of this.pending.get(producerId)?.group(groupId) ?? []) {
        for (const p of partitions.keys()) {
          if (this.hasCommittedOffset(groupId, topic, p)) continue; // already has a tombstone
          records.push(offsetCommitTombstone(groupId, topic, p));
          n++;
        }
      }
    }
    return n;
  }

  // ---- expiry --------------------------------------------------------------------------------

  /**
   * Tombstones for the group's expired offsets. Returns true when the group has no offsets
   * left (and no open transaction), so that an empty group may be deleted.
   */
  cleanupExpiredOffsets(groupId: string, records: GroupRecord[]): boolean {
    const byTopic = this.offsets.group(groupId);
    if (!byTopic) return true;
    const group = this.groups.group(groupId);
    const condition = group?.offsetExpirationCondition();
    if (!group || !condition) return false;
    const now = this.clock.now();
    const retentionMs = this.config().offsetsRetentionMs;
    let allExpired = true;
    for (const [topic, partitions] of byTopic) {
      if (group.isSubscribedToTopic(topic)) {
        allExpired = false;
        continue;
      }
      for (const [p, o] of partitions) {
        if (condition.isOffsetExpired(o, now, retentionMs) && !this.hasPendingTransactionalOffsets(groupId, topic, p)) {
          records.push(offsetCommitTombstone(groupId, topic, p));
          this.log.debug({ groupId, topic, partition: p }, 'offset expired');
        } else {
          allExpired = false;
        }
      }
    }
    return allExpired && !this.openTransactionsByGroup.has(groupId);
  }

  /** Tombstones for every offset (committed or pending) of a deleted topic. */
  onTopicDeleted(topic: string): GroupRecord[] {
    const records: GroupRecord[] = [];
    const seen = new Set<string>();
    const add = (groupId: string, partition: number): void => {
      const k = `${groupId}\u0000${partition}`;
      if (seen.has(k)) return;
      seen.add(k);
      records.push(offsetCommitTombstone(groupId, topic, partition));
    };
    for (const e of this.offsets.entriesOfTopic(topic)) add(e.groupId, e.partition);
    for (const store of this.pending.values()) for (const e of store.entriesOfTopic(topic)) add(e.groupId, e.partition);
    return records;
  }

  // ---- state ---------------------------------------------------------------------------------

  hasCommittedOffset(groupId: string, topic: string, partition: number): boolean {
    return this.offsets.get(groupId, topic, partition) !== undefined;
  }

  hasPendingTransactionalOffsets(groupId: string, topic: string, partition: number): boolean {
    for (const producerId of this.openTransactionsByGroup.get(groupId) ?? []) {
      if (this.pending.get(producerId)?.get(groupId, topic, partition)) return true;
    }
    return false;
  }

  hasOffsets(groupId: string): boolean {
    return this.offsets.hasGroup(groupId);
  }

  offset(groupId: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.offsets.get(groupId, topic, partition);
  }

  groupIdsWithOffsets(): string[] {
    return this.offsets.groupIds();
  }

  get committedCount(): number {
    return this.offsets.size;
  }

  // ---- replay --------------------------------------------------------------------------------

  replay(recordOffset: number, producerId: bigint, key: { group: string; topic: string; partition: number }, value: OffsetCommitValue | null): void {
    const { group: groupId, topic, partition } = key;
    if (value !== null) {
      // Offsets of a group nobody joined belong to a "simple" group, created here.
      if (!this.groups.group(groupId)) this.groups.getOrCreateSimpleGroup(groupId);
      const o = offsetFromValue(recordOffset, value);
      if (producerId === -1n) {
        this.offsets.put(groupId, topic, partition, o);
      } else {
        let store = this.pending.get(producerId);
        if (!store) this.pending.set(producerId, (store = new OffsetStore()));
        store.put(groupId, topic, partition, o);
        let open = this.openTransactionsByGroup.get(groupId);
        if (!open) this.openTransactionsByGroup.set(groupId, (open = new Set()));
        open.add(producerId);
      }
      return;
    }
    this.offsets.remove(groupId, topic, partition);
    for (const pid of this.openTransactionsByGroup.get(groupId) ?? []) this.pending.get(pid)?.remove(groupId, topic, partition);
  }

  /** A transaction marker: the producer's pending offsets become committed, or are dropped. */
  replayEndTransaction(producerId: bigint, committed: boolean): void {
    const store = this.pending.get(producerId);
    if (!store) return;
    this.pending.delete(producerId);
    for (const groupId of store.groupIds()) {
      const open = this.openTransactionsByGroup.get(groupId);
      open?.delete(producerId);
      if (open && open.size === 0) this.openTransactionsByGroup.delete(groupId);
    }
    if (!committed) return;
    for (const groupId of store.groupIds()) {
      for (const [topic, partitions] of store.group(groupId)!) {
        for (const [p, o] of partitions) {
          // Keep whichever commit came later in the log (compaction may reorder otherwise).
          const existing = this.offsets.get(groupId, topic, p);
          if (!existing || o.recordOffset > existing.recordOffset) this.offsets.put(groupId, topic, p, o);
        }
      }
    }
  }
}

function fetched(partitionIndex: number, o: OffsetAndMetadata): FetchedOffset {
  return { partitionIndex, committedOffset: o.committedOffset, committedLeaderEpoch: o.leaderEpoch, metadata: o.metadata, errorCode: ErrorCode.NONE };
}

function noOffset(partitionIndex: number, errorCode: number): FetchedOffset {
  return { partitionIndex, committedOffset: NO_OFFSET, committedLeaderEpoch: -1, metadata: '', errorCode };
}
