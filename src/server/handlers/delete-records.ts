/**
 * DeleteRecords (key 21), v0-2.
 *
 * Behaviour: moves each partition's log start offset forward to the requested offset (-1 means
 * the high watermark), deleting segments wholly below it; the response's low watermark is the
 * new log start offset (the smallest among replicas in Kafka: this broker alone here, so the
 * answer never waits). An offset below the current log start succeeds and reports the current
 * one. Kafka's order: unknown partition, internal topic, leadership, policy, offset range.
 * Version notes: v1 nothing new; v2 flexible.
 * Not implemented: waiting for followers' low watermarks (timeout_ms unused: no followers).
 * Errors: UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION (internal topic),
 * NOT_LEADER_OR_FOLLOWER, POLICY_VIOLATION (cleanup.policy without delete),
 * OFFSET_OUT_OF_RANGE (negative other than -1, or above the high watermark), KAFKA_STORAGE_ERROR.
 */
import { ErrorCode } from '../../protocol/error-codes';
import { InvalidTopicError, toErrorCode } from '../../protocol/kafka-errors';
import type {
  DeleteRecordsRequest,
  DeleteRecordsRequestDeleteRecordsPartition,
  DeleteRecordsResponse,
  DeleteRecordsResponseDeleteRecordsPartitionResult,
} from '../../protocol/generated/delete-records';
import { partitionInfo, type PartitionManager } from '../../replication/partition-manager';
import type { ApiHandler } from '../handler';

export class DeleteRecordsHandler implements ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse> {
  readonly apiKey = 21;
  readonly minVersion = 0;
  readonly maxVersion = 2;

  constructor(private readonly partitions: PartitionManager) {}

  async handle(req: DeleteRecordsRequest): Promise<DeleteRecordsResponse> {
    const topics = await Promise.all(
      req.topics.map(async (t) => ({ name: t.name, partitions: await Promise.all(t.partitions.map((p) => this.deleteOne(t.name, p))) })),
    );
    return { throttleTimeMs: 0, topics };
  }

  errorResponse(req: DeleteRecordsRequest, errorCode: number): DeleteRecordsResponse {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => result(p.partitionIndex, errorCode, -1)) })),
    };
  }

  private async deleteOne(topic: string, p: DeleteRecordsRequestDeleteRecordsPartition): Promise<DeleteRecordsResponseDeleteRecordsPartitionResult> {
    const t = this.partitions.topic(topic);
    if (!t || !partitionInfo(t, p.partitionIndex)) return result(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1);
    try {
      if (t.internal) throw new InvalidTopicError(`Cannot delete records of internal topic ${topic}`);
      const state = this.partitions.leaderPartitionOf(t, p.partitionIndex);
      const lowWatermark = await state.deleteRecordsOnLeader(Number(p.offset));
      return result(p.partitionIndex, ErrorCode.NONE, lowWatermark);
    } catch (e) {
      return result(p.partitionIndex, toErrorCode(e), -1);
    }
  }
}

function result(partitionIndex: number, errorCode: number, lowWatermark: number): DeleteRecordsResponseDeleteRecordsPartitionResult {
  return { partitionIndex, errorCode, lowWatermark: BigInt(lowWatermark) };
}
