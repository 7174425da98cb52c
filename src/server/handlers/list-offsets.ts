/**
 * ListOffsets (key 2), v0-11.
 *
 * Behaviour: per partition (src/replication/offset-lookup.ts), the offset for a timestamp — the
 * first record whose timestamp is >= it, found through the time index — or for a special value:
 * -2 earliest (log start offset), -1 latest (the HW for read_uncommitted, the LSO for
 * read_committed, the LEO for a follower replica id), -3 the record with the largest timestamp
 * (v7+), -4 earliest local (v8+: the log start offset, as Kafka without tiered storage), -5
 * latest tiered (v9+) and -6 earliest pending upload (v11+): -1 without tiered storage. A found
 * offset at or past the HW/LSO, or no record at or after the timestamp, gives offset -1 with no
 * error, as Kafka. The leader epoch (v4+) is the current leader epoch for latest, the epoch of
 * the found record otherwise (-1 when unknown).
 * v0: the old list of offsets (old_style_offsets): segment start offsets written at or before
 * the timestamp, newest first, at most max_num_offsets, capped at the HW for consumers. Kafka
 * uses segment file mtimes; this broker uses each segment's largest record timestamp.
 * Version notes: v2 isolation level; v4 current leader epoch (FENCED/UNKNOWN_LEADER_EPOCH) and
 * the leader epoch in the response; a special timestamp older than its version allows →
 * UNSUPPORTED_VERSION; a partition listed twice → INVALID_REQUEST (v1+).
 * Not implemented: OFFSET_NOT_AVAILABLE (a new leader whose HW lags its epoch start: cannot
 * happen without leader changes), remote-storage lookups (timeout_ms is unused).
 * Errors: UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, FENCED_LEADER_EPOCH,
 * UNKNOWN_LEADER_EPOCH, UNSUPPORTED_VERSION, INVALID_REQUEST, KAFKA_STORAGE_ERROR.
 */
import { ErrorCode } from '../../protocol/error-codes';
import { toErrorCode } from '../../protocol/kafka-errors';
import type {
  ListOffsetsRequest,
  ListOffsetsRequestListOffsetsPartition,
  ListOffsetsResponse,
  ListOffsetsResponseListOffsetsPartitionResponse,
} from '../../protocol/generated/list-offsets';
import { fetchOffsetForTimestamp, isTimestampUnsupported, legacyOffsetsBefore } from '../../replication/offset-lookup';
import { isolationOf } from '../../replication/fetch-messages';
import type { PartitionManager } from '../../replication/partition-manager';
import type { ApiHandler, RequestContext } from '../handler';

const CONSUMER_REPLICA_ID = -1;

export class ListOffsetsHandler implements ApiHandler<ListOffsetsRequest, ListOffsetsResponse> {
  readonly apiKey = 2;
  readonly minVersion = 0;
  readonly maxVersion = 11;

  constructor(private readonly partitions: PartitionManager) {}

  async handle(req: ListOffsetsRequest, ctx: RequestContext): Promise<ListOffsetsResponse> {
    const v = ctx.apiVersion;
    const duplicates = v >= 1 ? duplicatePartitions(req) : new Set<string>();
    const topics = await Promise.all(
      req.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(
          t.partitions.map((p) =>
            duplicates.has(`${t.name}-${p.partitionIndex}`)
              ? errorPartition(p, ErrorCode.INVALID_REQUEST, v)
              : v === 0
                ? this.legacy(req, t.name, p)
                : this.lookup(req, t.name, p, v),
          ),
        ),
      })),
    );
    return { throttleTimeMs: 0, topics };
  }

  errorResponse(req: ListOffsetsRequest, errorCode: number, ctx: RequestContext): ListOffsetsResponse {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => errorPartition(p, errorCode, ctx.apiVersion)) })),
    };
  }

  private async lookup(req: ListOffsetsRequest, topic: string, p: ListOffsetsRequestListOffsetsPartition, v: number): Promise<ListOffsetsResponseListOffsetsPartitionResponse> {
    const timestamp = Number(p.timestamp);
    if (isTimestampUnsupported(timestamp, v)) return errorPartition(p, ErrorCode.UNSUPPORTED_VERSION, v);
    try {
      const state = this.partitions.leaderPartition(topic, p.partitionIndex);
      state.checkLeaderEpoch(v >= 4 ? p.currentLeaderEpoch : -1);
      // Consumers see up to the HW or LSO; follower and debugging ids up to the LEO.
      const isolation = req.replicaId === CONSUMER_REPLICA_ID ? isolationOf(-1, v >= 2 ? req.isolationLevel : 0) : null;
      const { found, lastFetchableOffset } = await fetchOffsetForTimestamp(state, timestamp, isolation);
      if (!found || found.offset >= lastFetchableOffset) return errorPartition(p, ErrorCode.NONE, v);
      return {
        partitionIndex: p.partitionIndex,
        errorCode: ErrorCode.NONE,
        oldStyleOffsets: [],
        timestamp: BigInt(found.timestamp),
        offset: BigInt(found.offset),
        leaderEpoch: v >= 4 && found.leaderEpoch !== null ? found.leaderEpoch : -1,
      };
    } catch (e) {
      return errorPartition(p, toErrorCode(e), v);
    }
  }

  /** v0 (Kafka's handleListOffsetRequestV0): special timestamps below -2 are UNSUPPORTED_VERSION. */
  private async legacy(req: ListOffsetsRequest, topic: string, p: ListOffsetsRequestListOffsetsPartition): Promise<ListOffsetsResponseListOffsetsPartitionResponse> {
    const timestamp = Number(p.timestamp);
    if (timestamp < -2) return errorPartition(p, ErrorCode.UNSUPPORTED_VERSION, 0);
    try {
      const state = this.partitions.leaderPartition(topic, p.partitionIndex);
      const offsets = await legacyOffsetsBefore(state, timestamp, p.maxNumOffsets, req.replicaId === CONSUMER_REPLICA_ID, this.partitions.clock.now());
      return { ...errorPartition(p, ErrorCode.NONE, 0), oldStyleOffsets: offsets.map((o) => BigInt(o)) };
    } catch (e) {
      return errorPartition(p, toErrorCode(e), 0);
    }
  }
}

/** Kafka's buildErrorResponse: timestamp and offset -1 (v1+), no offsets (v0). */
function errorPartition(p: ListOffsetsRequestListOffsetsPartition, errorCode: number, _v: number): ListOffsetsResponseListOffsetsPartitionResponse {
  return { partitionIndex: p.partitionIndex, errorCode, oldStyleOffsets: [], timestamp: -1n, offset: -1n, leaderEpoch: -1 };
}

/** ListOffsetsRequest.duplicatePartitions. */
function duplicatePartitions(req: ListOffsetsRequest): Set<string> {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const t of req.topics) {
    for (const p of t.partitions) {
      const k = `${t.name}-${p.partitionIndex}`;
      if (seen.has(k)) dup.add(k);
      seen.add(k);
    }
  }
  return dup;
}
