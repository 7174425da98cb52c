/**
 * OffsetForLeaderEpoch (key 23), v0-4.
 *
 * Behaviour: for each partition, the end offset of the requested leader epoch from the leader
 * epoch cache (KIP-101/KIP-320; src/replication/offset-lookup.ts): the start offset of the next
 * epoch, or the log end offset for the latest epoch, with the largest epoch <= the requested
 * one. An epoch below every cached epoch gives (that epoch, the first epoch's start offset); an
 * epoch above every cached epoch, -1, or an empty cache gives UNDEFINED_EPOCH /
 * UNDEFINED_EPOCH_OFFSET (-1, -1) with no error, as Kafka. Consumers use it to detect log
 * truncation after a leader change; followers to truncate divergent logs.
 * Version notes: v1 adds the leader epoch to the response; v2 the current leader epoch
 * (FENCED_LEADER_EPOCH when older than ours, UNKNOWN_LEADER_EPOCH when newer); v3 the replica
 * id; v4 flexible.
 * Errors: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH,
 * UNKNOWN_LEADER_EPOCH, KAFKA_STORAGE_ERROR.
 */
import { ErrorCode } from '../../protocol/error-codes';
import { toErrorCode } from '../../protocol/kafka-errors';
import type {
  OffsetForLeaderEpochRequest,
  OffsetForLeaderEpochRequestOffsetForLeaderPartition,
  OffsetForLeaderEpochResponse,
  OffsetForLeaderEpochResponseEpochEndOffset,
} from '../../protocol/generated/offset-for-leader-epoch';
import { endOffsetForEpoch } from '../../replication/offset-lookup';
import type { PartitionManager } from '../../replication/partition-manager';
import type { ApiHandler, RequestContext } from '../handler';

export class OffsetForLeaderEpochHandler implements ApiHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> {
  readonly apiKey = 23;
  readonly minVersion = 0;
  readonly maxVersion = 4;

  constructor(private readonly partitions: PartitionManager) {}

  handle(req: OffsetForLeaderEpochRequest, ctx: RequestContext): OffsetForLeaderEpochResponse {
    const v = ctx.apiVersion;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => this.endOffset(t.topic, p, v)) })),
    };
  }

  errorResponse(req: OffsetForLeaderEpochRequest, errorCode: number): OffsetForLeaderEpochResponse {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => result(p.partition, errorCode, -1, -1)) })),
    };
  }

  private endOffset(topic: string, p: OffsetForLeaderEpochRequestOffsetForLeaderPartition, v: number): OffsetForLeaderEpochResponseEpochEndOffset {
    try {
      const state = this.partitions.leaderPartition(topic, p.partition);
      state.checkLeaderEpoch(v >= 2 ? p.currentLeaderEpoch : -1);
      const end = endOffsetForEpoch(state.log.epochCache.all, p.leaderEpoch, state.logEndOffset);
      return result(p.partition, ErrorCode.NONE, end.epoch, end.endOffset);
    } catch (e) {
      return result(p.partition, toErrorCode(e), -1, -1);
    }
  }
}

function result(partition: number, errorCode: number, leaderEpoch: number, endOffset: number): OffsetForLeaderEpochResponseEpochEndOffset {
  return { errorCode, partition, leaderEpoch, endOffset: BigInt(endOffset) };
}
