/**
 * Produce (key 0), v0-13.
 *
 * Behaviour: appends each partition's records on this broker, the leader (no auto-creation:
 * Kafka creates topics only from Metadata). Validation, conversion and the append are in
 * src/replication/produce-append.ts and record-validator.ts: magic-2 batches are checked by
 * header and CRC and kept as sent when the codec stays (records are walked only for compacted
 * topics, timestamp bounds, or compressed data); magic 0/1 message sets (Produce v0-v2) become
 * one magic-2 batch; compression.type other than `producer` recompresses; LogAppendTime topics
 * are stamped by the log and the time is returned (v2+).
 * acks: 0 → no response (any partition error closes the connection after earlier responses, as
 * Kafka does so that the producer refreshes its metadata); 1 → after the local append;
 * -1 → after the ISR has it: this broker alone on a single node, so at once. With one replica,
 * min.insync.replicas > 1 does not refuse acks=all: Kafka uses min(min.insync.replicas,
 * replica count) (verified against Kafka 4.4).
 * Idempotent and transactional batches: appended with their producer id, epoch and sequence;
 * the log's producer state checks them (a duplicate answers with the original offsets;
 * OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, … per partition). Transactional batches
 * are verified with the transaction coordinator first (KIP-890, src/replication/txn-verification.ts;
 * v12+ adds the partition to the transaction, transactions v2); a transactional batch without a
 * transactional id fails the whole request with TRANSACTIONAL_ID_AUTHORIZATION_FAILED, as Kafka.
 * Version notes: v3+ one magic-2 batch per partition; zstd from v7; record errors and message
 * from v8; v10+ current leader + endpoints with NOT_LEADER_OR_FOLLOWER (KIP-951); v13 names
 * topics by id (unknown id: UNKNOWN_TOPIC_ID; the response carries the id, not the name).
 * Not implemented: quotas (throttle_time_ms is 0).
 * Errors (per partition): UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID (v13), NOT_LEADER_OR_FOLLOWER,
 * INVALID_REQUIRED_ACKS, INVALID_TOPIC_EXCEPTION (internal topic), CORRUPT_MESSAGE (CRC, sizes),
 * INVALID_RECORD (batch or record rules, with record errors v8+), INVALID_TIMESTAMP,
 * MESSAGE_TOO_LARGE (batch > max.message.bytes), RECORD_LIST_TOO_LARGE (> segment.bytes),
 * UNSUPPORTED_COMPRESSION_TYPE (zstd before v7),
 * NOT_ENOUGH_REPLICAS(_AFTER_APPEND), KAFKA_STORAGE_ERROR (disk), TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
 * and the producer-state errors of the log (OUT_OF_ORDER_SEQUENCE_NUMBER, INVALID_PRODUCER_EPOCH, …).
 */
import { ErrorCode } from '../../protocol/error-codes';
import type {
  ProduceRequest,
  ProduceResponse,
  ProduceResponseNodeEndpoint,
  ProduceResponsePartitionProduceResponse,
  ProduceResponseTopicProduceResponse,
} from '../../protocol/generated/produce';
import { ATTRIBUTES_OFFSET, Attr, BATCH_HEADER_SIZE, MAGIC_OFFSET } from '../../protocol/records/batch-header';
import { leaderHint } from '../../replication/leader-hint';
import type { PartitionManager } from '../../replication/partition-manager';
import { appendRecords, errorResult, type ProducePartitionInput, type ProducePartitionResult } from '../../replication/produce-append';
import type { ApiHandler, RequestContext } from '../handler';

const ADMIN_CLIENT_ID = '__admin_client';
const NO_LEADER = { leaderId: -1, leaderEpoch: -1 };

export class ProduceHandler implements ApiHandler<ProduceRequest, ProduceResponse | null> {
  readonly apiKey = 0;
  readonly minVersion = 0;
  readonly maxVersion = 13;
  /**
   * handle() settles only after every partition's append has been written to its log file (or
   * refused), and the log keeps no reference to the request's record bytes: the frame's memory
   * can serve the next request (ConnectionContext.recycleFrame).
   */
  readonly releasesRequestBytes = true;

  constructor(private readonly partitions: PartitionManager) {}

  async handle(req: ProduceRequest, ctx: RequestContext): Promise<ProduceResponse | null> {
    const v = ctx.apiVersion;
    if (req.transactionalId === null && hasTransactionalRecords(req)) {
      return this.answer(req, ctx, this.failAll(req, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
    }
    // v13: topics by id; an unknown id is answered without touching any partition.
    const inputs: ProducePartitionInput[] = [];
    const fixed = new Map<string, ProducePartitionResult>();
    for (const t of req.topicData) {
      const name = v >= 13 ? this.partitions.topicById(t.topicId)?.name : t.name;
      for (const p of t.partitionData) {
        if (name === undefined) fixed.set(`${t.topicId}:${p.index}`, errorResult(ErrorCode.UNKNOWN_TOPIC_ID));
        else inputs.push({ topic: name, partition: p.index, records: p.records });
      }
    }
    const results = await appendRecords(this.partitions, inputs, {
      acks: req.acks,
      timeoutMs: req.timeoutMs,
      apiVersion: v,
      internalTopicsAllowed: ctx.clientId === ADMIN_CLIENT_ID,
      transactionalId: v >= 3 ? req.transactionalId : null,
    });
    let i = 0;
    const nodes = new Map<number, ProduceResponseNodeEndpoint>();
    const responses: ProduceResponseTopicProduceResponse[] = req.topicData.map((t) => {
      const name = v >= 13 ? this.partitions.topicById(t.topicId)?.name : t.name;
      return {
        name: v >= 13 ? '' : t.name,
        topicId: t.topicId,
        partitionResponses: t.partitionData.map((p) => {
          const r = name === undefined ? fixed.get(`${t.topicId}:${p.index}`)! : results[i++]!;
          return this.partitionResponse(p.index, r, name, v, ctx, nodes);
        }),
      };
    });
    return this.answer(req, ctx, { responses, throttleTimeMs: 0, nodeEndpoints: [...nodes.values()] });
  }

  /** The response for a request that failed as a whole; none with acks=0 (the connection closes instead). */
  errorResponse(req: ProduceRequest, errorCode: number, ctx?: RequestContext): ProduceResponse | null {
    const res = this.failAll(req, errorCode);
    return ctx ? this.answer(req, ctx, res) : res;
  }

  private failAll(req: ProduceRequest, errorCode: number): ProduceResponse {
    return {
      responses: req.topicData.map((t) => ({
        name: t.name,
        topicId: t.topicId,
        partitionResponses: t.partitionData.map((p) => toWire(p.index, errorResult(errorCode), NO_LEADER)),
      })),
      throttleTimeMs: 0,
      nodeEndpoints: [],
    };
  }

  /** acks=0: no response; a failed partition closes the connection once earlier responses are out. */
  private answer(req: ProduceRequest, ctx: RequestContext, res: ProduceResponse): ProduceResponse | null {
    if (req.acks !== 0) return res;
    const failed = res.responses.some((t) => t.partitionResponses.some((p) => p.errorCode !== ErrorCode.NONE));
    if (failed) {
      ctx.log.info({ clientId: ctx.clientId, correlationId: ctx.header.correlationId }, 'closing connection after a failed produce with acks=0');
      ctx.connection.closeAfterResponses();
    }
    return null;
  }

  private partitionResponse(
    index: number,
    r: ProducePartitionResult,
    topic: string | undefined,
    v: number,
    ctx: RequestContext,
    nodes: Map<number, ProduceResponseNodeEndpoint>,
  ): ProduceResponsePartitionProduceResponse {
    if (v >= 10 && r.errorCode === ErrorCode.NOT_LEADER_OR_FOLLOWER && topic !== undefined) {
      const hint = leaderHint(this.partitions.metadata, this.partitions.nodeId, topic, index, ctx.connection.listenerName);
      if (hint.node) nodes.set(hint.node.nodeId, hint.node);
      return toWire(index, r, { leaderId: hint.leaderId, leaderEpoch: hint.leaderEpoch });
    }
    return toWire(index, r, NO_LEADER);
  }
}

function toWire(index: number, r: ProducePartitionResult, leader: { leaderId: number; leaderEpoch: number }): ProduceResponsePartitionProduceResponse {
  return {
    index,
    errorCode: r.errorCode,
    baseOffset: BigInt(r.baseOffset),
    logAppendTimeMs: BigInt(r.logAppendTimeMs),
    logStartOffset: BigInt(r.logStartOffset),
    recordErrors: r.recordErrors.map((e) => ({ batchIndex: e.batchIndex, batchIndexErrorMessage: e.message })),
    errorMessage: r.errorMessage,
    currentLeader: leader,
  };
}

/** Kafka's RequestUtils.hasTransactionalRecords: the first batch of any partition is transactional. */
function hasTransactionalRecords(req: ProduceRequest): boolean {
  for (const t of req.topicData) {
    for (const p of t.partitionData) {
      const r = p.records;
      if (r && r.length >= BATCH_HEADER_SIZE && r[MAGIC_OFFSET] === 2 && (r.readInt16BE(ATTRIBUTES_OFFSET) & Attr.TRANSACTIONAL) !== 0) return true;
    }
  }
  return false;
}
