/**
 * Fetch (key 1), v0-18.
 *
 * Behaviour: consumers read whole record batches straight from the log (the response holds
 * slices of the read buffer; the Writer appends them by reference, so batch bytes are not
 * copied). Reading, limits and long polling are in src/replication/fetch-messages.ts and
 * delayed-fetch.ts: max_bytes over the response and partition_max_bytes per partition, the
 * first non-empty partition's first batch whole even if larger (KIP-74, v3+); a fetch starting
 * inside a batch gets that whole batch; a fetch with less than min_bytes waits up to
 * max_wait_ms and is woken by appends. Offsets outside [log start, log end] give
 * OFFSET_OUT_OF_RANGE. Incremental fetch sessions (KIP-227, v7+) are kept in
 * fetch-session-cache.ts; the response of an incremental fetch lists only changed partitions.
 * Isolation: read_uncommitted reads to the HW, read_committed to the LSO (= HW until
 * transactions exist; aborted_transactions is then [] for read_committed and null otherwise, as
 * Kafka). Replica fetches (replica_id >= 0) get NOT_LEADER_OR_FOLLOWER, or UNKNOWN_LEADER_EPOCH
 * with a current leader epoch, as Kafka answers a replica it does not know (no followers on a
 * single node). preferred_read_replica is always -1 (no rack-aware replica selector).
 * Version notes: v0-v1 get magic-0 and v2-v3 magic-1 data, down-converted from the stored
 * magic-2 batches (v0-v2 limits are hard: a too-large first batch is cut at the limit; zstd
 * batches cannot be converted: UNSUPPORTED_COMPRESSION_TYPE); v4 adds the LSO
 * and aborted transactions, v5 the log start offset; v7 sessions; v9 current leader epoch
 * checks (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH); v12 last fetched epoch (diverging epoch
 * in the response); v13 topic ids (unknown: UNKNOWN_TOPIC_ID); v15 replica state; v16 current
 * leader + endpoints with NOT_LEADER_OR_FOLLOWER / FENCED_LEADER_EPOCH. KAFKA_STORAGE_ERROR is
 * answered as NOT_LEADER_OR_FOLLOWER up to v5 (older clients do not know it).
 * Not implemented: quotas and throttling (throttle_time_ms 0), rack-aware preferred replicas,
 * snapshot ids (KRaft only), replica fetching by followers.
 * Errors: top level FETCH_SESSION_ID_NOT_FOUND, INVALID_FETCH_SESSION_EPOCH,
 * FETCH_SESSION_TOPIC_ID_ERROR; per partition UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID,
 * NOT_LEADER_OR_FOLLOWER, OFFSET_OUT_OF_RANGE, FENCED_LEADER_EPOCH, UNKNOWN_LEADER_EPOCH,
 * UNSUPPORTED_COMPRESSION_TYPE, KAFKA_STORAGE_ERROR, CORRUPT_MESSAGE (damaged segment).
 */
import { ErrorCode } from '../../protocol/error-codes';
import type {
  FetchRequest,
  FetchResponse,
  FetchResponseFetchableTopicResponse,
  FetchResponseNodeEndpoint,
  FetchResponsePartitionData,
} from '../../protocol/generated/fetch';
import { errorResult, fetchMessages, isolationOf, type FetchPartitionInput, type FetchPartitionResult } from '../../replication/fetch-messages';
import { leaderHint } from '../../replication/leader-hint';
import { partitionInfo, type PartitionManager } from '../../replication/partition-manager';
import type { ApiHandler, RequestContext } from '../handler';
import { FetchSessionCache, partitionKey, type FetchEntry, type TopicIdPartition } from '../fetch-session-cache';

const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const DEFAULT_EPOCH_END = { epoch: -1, endOffset: -1n };
const NO_LEADER = { leaderId: -1, leaderEpoch: -1 };
const NO_SNAPSHOT = { endOffset: -1n, epoch: -1 };
const EMPTY = Buffer.alloc(0);

interface Resolved {
  tp: TopicIdPartition;
  result: FetchPartitionResult;
  /** Errors found before reading use Kafka's FetchResponse.partitionResponse ([] aborted txns). */
  early: boolean;
}

export class FetchHandler implements ApiHandler<FetchRequest, FetchResponse> {
  readonly apiKey = 1;
  readonly minVersion = 0;
  readonly maxVersion = 18;
  readonly sessions: FetchSessionCache;

  constructor(private readonly partitions: PartitionManager) {
    const config = (): number => partitions.config().get('max.incremental.fetch.session.cache.slots') as number;
    this.sessions = new FetchSessionCache(config, partitions.clock);
  }

  async handle(req: FetchRequest, ctx: RequestContext): Promise<FetchResponse> {
    const v = ctx.apiVersion;
    const replicaId = v >= 15 ? req.replicaState.replicaId : req.replicaId;
    const fetchData = this.fetchEntries(req, v);
    const toForget = v >= 7 ? this.forgotten(req, v) : [];
    const session = this.sessions.newContext(
      v,
      v >= 7 ? req.sessionId : 0,
      v >= 7 ? req.sessionEpoch : -1,
      replicaId >= 0,
      fetchData,
      toForget,
      (id) => this.partitions.topicById(id)?.name,
    );

    const erroneous: Resolved[] = [];
    const interesting: Array<{ tp: TopicIdPartition; input: FetchPartitionInput }> = [];
    for (const e of this.sessions.partitionsOf(session)) {
      if (e.tp.topic === null) {
        erroneous.push({ tp: e.tp, result: errorResult(ErrorCode.UNKNOWN_TOPIC_ID), early: true });
        continue;
      }
      const t = this.partitions.topic(e.tp.topic);
      if (!t || !partitionInfo(t, e.tp.partition)) {
        erroneous.push({ tp: e.tp, result: errorResult(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION), early: true });
        continue;
      }
      interesting.push({
        tp: e.tp,
        input: {
          topic: e.tp.topic,
          partition: e.tp.partition,
          fetchOffset: e.data.fetchOffset,
          partitionMaxBytes: e.data.maxBytes,
          currentLeaderEpoch: e.data.currentLeaderEpoch,
          lastFetchedEpoch: e.data.lastFetchedEpoch,
        },
      });
    }

    let read: FetchPartitionResult[] = [];
    if (interesting.length > 0) {
      const maxBytes = Math.min(req.maxBytes, this.partitions.config().get('fetch.max.bytes') as number);
      read = await fetchMessages(
        this.partitions,
        {
          apiVersion: v,
          replicaId,
          maxWaitMs: req.maxWaitMs,
          minBytes: Math.min(req.minBytes, maxBytes),
          maxBytes,
          isolation: isolationOf(replicaId, v >= 4 ? req.isolationLevel : 0),
        },
        interesting.map((i) => i.input),
      );
      // The response refers to the read buffers without copying: they go back to the read pool
      // once its bytes are written.
      for (const r of read) if (r.release) ctx.onResponseDone?.(r.release);
    }
    const all: Array<{ tp: TopicIdPartition; result: Resolved }> = [
      ...interesting.map((i, n) => ({ tp: i.tp, result: { tp: i.tp, result: read[n]!, early: false } })),
      ...erroneous.map((e) => ({ tp: e.tp, result: e })),
    ];
    const answer = this.sessions.finish(session, all, (r) => ({
      errorCode: r.result.errorCode,
      highWatermark: r.result.highWatermark,
      logStartOffset: r.result.logStartOffset,
      recordsSize: r.result.records.length,
      diverging: r.result.divergingEpoch !== null,
      preferredReadReplica: -1,
    }));
    const nodes = new Map<number, FetchResponseNodeEndpoint>();
    const responses: FetchResponseFetchableTopicResponse[] = [];
    let current: FetchResponseFetchableTopicResponse | null = null;
    for (const { tp, result } of answer.entries) {
      // Kafka's FetchResponse.of starts a new topic entry whenever the topic changes.
      const name = v >= 13 ? '' : (tp.topic ?? '');
      if (!current || current.topic !== name || current.topicId !== tp.topicId) {
        current = { topic: name, topicId: tp.topicId, partitions: [] };
        responses.push(current);
      }
      current.partitions.push(this.partitionData(tp, result, v, ctx, nodes));
    }
    return { throttleTimeMs: 0, errorCode: answer.errorCode, sessionId: answer.sessionId, responses, nodeEndpoints: [...nodes.values()] };
  }

  errorResponse(req: FetchRequest, errorCode: number, ctx: RequestContext): FetchResponse {
    const v = ctx.apiVersion;
    return {
      throttleTimeMs: 0,
      errorCode: v >= 7 ? errorCode : ErrorCode.NONE,
      sessionId: 0,
      responses: req.topics.map((t) => ({
        topic: t.topic,
        topicId: t.topicId,
        partitions: t.partitions.map((p) => wire(p.partition, errorResult(errorCode), v, NO_LEADER, true)),
      })),
      nodeEndpoints: [],
    };
  }

  private fetchEntries(req: FetchRequest, v: number): FetchEntry[] {
    // Kafka keeps the partitions in a LinkedHashMap: a repeated partition keeps its first place, its last data.
    const byKey = new Map<string, FetchEntry>();
    for (const t of req.topics) {
      const topicId = v >= 13 ? t.topicId : ZERO_UUID;
      const name = v >= 13 ? (this.partitions.topicById(t.topicId)?.name ?? null) : t.topic;
      for (const p of t.partitions) {
        const tp = { topic: name, topicId, partition: p.partition };
        byKey.set(partitionKey(tp), {
          tp,
          data: {
            fetchOffset: Number(p.fetchOffset),
            logStartOffset: Number(p.logStartOffset),
            maxBytes: p.partitionMaxBytes,
            currentLeaderEpoch: v >= 9 ? p.currentLeaderEpoch : -1,
            lastFetchedEpoch: v >= 12 ? p.lastFetchedEpoch : -1,
          },
        });
      }
    }
    return [...byKey.values()];
  }

  private forgotten(req: FetchRequest, v: number): TopicIdPartition[] {
    const out: TopicIdPartition[] = [];
    for (const f of req.forgottenTopicsData) {
      const topicId = v >= 13 ? f.topicId : ZERO_UUID;
      const name = v >= 13 ? (this.partitions.topicById(f.topicId)?.name ?? null) : f.topic;
      for (const p of f.partitions) out.push({ topic: name, topicId, partition: p });
    }
    return out;
  }

  private partitionData(
    tp: TopicIdPartition,
    r: Resolved,
    v: number,
    ctx: RequestContext,
    nodes: Map<number, FetchResponseNodeEndpoint>,
  ): FetchPartitionData {
    const code = r.result.errorCode;
    let leader = NO_LEADER;
    if (v >= 16 && tp.topic !== null && (code === ErrorCode.NOT_LEADER_OR_FOLLOWER || code === ErrorCode.FENCED_LEADER_EPOCH)) {
      const hint = leaderHint(this.partitions.metadata, this.partitions.nodeId, tp.topic, tp.partition, ctx.connection.listenerName);
      if (hint.node) nodes.set(hint.node.nodeId, hint.node);
      leader = { leaderId: hint.leaderId, leaderEpoch: hint.leaderEpoch };
    }
    return wire(tp.partition, r.result, v, leader, r.early);
  }
}

function wire(partitionIndex: number, r: FetchPartitionResult, v: number, leader: { leaderId: number; leaderEpoch: number }, early: boolean): FetchPartitionData {
  // Before v6 clients do not know KAFKA_STORAGE_ERROR; Kafka sends NOT_LEADER_OR_FOLLOWER so they refresh metadata.
  const errorCode = r.errorCode === ErrorCode.KAFKA_STORAGE_ERROR && v <= 5 ? ErrorCode.NOT_LEADER_OR_FOLLOWER : r.errorCode;
  return {
    partitionIndex,
    errorCode,
    highWatermark: BigInt(r.highWatermark),
    lastStableOffset: BigInt(r.lastStableOffset),
    logStartOffset: BigInt(r.logStartOffset),
    divergingEpoch: r.divergingEpoch ? { epoch: r.divergingEpoch.epoch, endOffset: BigInt(r.divergingEpoch.endOffset) } : DEFAULT_EPOCH_END,
    currentLeader: leader,
    snapshotId: NO_SNAPSHOT,
    abortedTransactions: early ? [] : r.abortedTransactions,
    preferredReadReplica: -1,
    records: r.records.length > 0 ? r.records : EMPTY,
  };
}

type FetchPartitionData = FetchResponsePartitionData;
