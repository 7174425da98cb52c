/**
 * TxnOffsetCommit (key 28), v0-6.
 *
 * Behaviour (Kafka's KafkaApis.handleTxnOffsetCommitRequest, GroupCoordinatorService
 * .commitTransactionalOffsets, OffsetMetadataManager.commitTransactionalOffset): consumed offsets
 * become part of the producer's transaction. Unknown topics and partitions are answered
 * UNKNOWN_TOPIC_OR_PARTITION (v6: an unknown topic id UNKNOWN_TOPIC_ID) and dropped. For the
 * rest, the group's __consumer_offsets partition is first verified with the transaction
 * coordinator (KIP-890; v5+ adds it to the transaction, as transactions-v2 producers send no
 * AddOffsetsToTxn), then the group coordinator checks the member as for a transactional commit
 * (generation -1 without a member id is accepted for a group with no members; a group that does
 * not exist is created as a simple group when the generation is -1, else ILLEGAL_GENERATION) and
 * writes the offsets in a transactional batch of the producer. They stay pending — invisible to
 * OffsetFetch, UNSTABLE_OFFSET_COMMIT with require_stable — until the COMMIT marker written to
 * that partition makes them the group's offsets; an ABORT drops them (Kafka's
 * replayEndTransactionMarker).
 * Version notes: v0-1 get COORDINATOR_NOT_AVAILABLE for COORDINATOR_LOAD_IN_PROGRESS (old clients
 * crash on it); v2 adds the leader epoch; v3 flexible, with member id, generation and instance id
 * (KIP-447 fencing); v4 may see TRANSACTION_ABORTABLE (verification before v4 answers
 * INVALID_TXN_STATE instead); v5 transactions v2; v6 names topics by id (KIP-1319).
 * Not implemented: authorization (TRANSACTIONAL_ID_AUTHORIZATION_FAILED, GROUP_AUTHORIZATION_FAILED,
 * TOPIC_AUTHORIZATION_FAILED).
 * Errors (per partition): UNKNOWN_TOPIC_OR_PARTITION, UNKNOWN_TOPIC_ID (v6), INVALID_GROUP_ID,
 * OFFSET_METADATA_TOO_LARGE, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID, FENCED_INSTANCE_ID,
 * INVALID_PRODUCER_EPOCH, INVALID_PRODUCER_ID_MAPPING, INVALID_TXN_STATE, TRANSACTION_ABORTABLE,
 * CONCURRENT_TRANSACTIONS, NOT_COORDINATOR, COORDINATOR_NOT_AVAILABLE, COORDINATOR_LOAD_IN_PROGRESS.
 */
import { groupRequestContext } from '../../coordinator/group/classic/classic-context';
import type { OffsetCommitInput } from '../../coordinator/group/offset-metadata-manager';
import { OFFSETS_TOPIC_NAME } from '../../coordinator/txn/marker-writer';
import type { VerificationGuard } from '../../log/producer-state-verification';
import { ErrorCode } from '../../protocol/error-codes';
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse, TxnOffsetCommitResponseTxnOffsetCommitResponseTopic } from '../../protocol/generated/txn-offset-commit';
import { ZERO_UUID } from '../../protocol/primitives/tagged';
import { TransactionOperation, verifyCoordinatorPartition, type TransactionOperationName } from '../../replication/txn-verification';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

export class TxnOffsetCommitHandler implements ApiHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse> {
  readonly apiKey = 28;
  readonly minVersion = 0;
  readonly maxVersion = 6;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: TxnOffsetCommitRequest, ctx: RequestContext): Promise<TxnOffsetCommitResponse> {
    const res = await this.commit(req, ctx);
    if (ctx.apiVersion < 2) {
      for (const t of res.topics) {
        for (const p of t.partitions) if (p.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS) p.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      }
    }
    return res;
  }

  errorResponse(req: TxnOffsetCommitRequest, errorCode: number): TxnOffsetCommitResponse {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ name: t.name, topicId: t.topicId, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) })),
    };
  }

  private async commit(req: TxnOffsetCommitRequest, ctx: RequestContext): Promise<TxnOffsetCommitResponse> {
    const v = ctx.apiVersion;
    const byId = v >= 6;
    const response = new ResponseBuilder();
    const valid: OffsetCommitInput['topics'] = [];
    for (const t of req.topics) {
      const info = byId ? (t.topicId === ZERO_UUID ? undefined : this.services.metadata.topicById(t.topicId)) : this.services.metadata.topic(t.name);
      if (!info) {
        for (const p of t.partitions) response.add(t.name, t.topicId, p.partitionIndex, byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        continue;
      }
      const partitions: OffsetCommitInput['topics'][number]['partitions'] = [];
      for (const p of t.partitions) {
        if (!info.partitions.some((x) => x.partition === p.partitionIndex)) {
          response.add(t.name, t.topicId, p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          continue;
        }
        partitions.push({
          partitionIndex: p.partitionIndex,
          committedOffset: p.committedOffset,
          committedLeaderEpoch: v >= 2 ? p.committedLeaderEpoch : -1,
          commitTimestamp: -1,
          committedMetadata: p.committedMetadata,
        });
      }
      if (partitions.length > 0) valid.push({ name: info.name, topicId: info.topicId, partitions });
    }
    if (valid.length === 0) return response.build();
    const wireName = (name: string): string => (byId ? '' : name);
    const idOf = new Map(valid.map((t) => [t.name, t.topicId]));
    const failValid = (errorCode: number): TxnOffsetCommitResponse => {
      for (const t of valid) for (const p of t.partitions) response.add(wireName(t.name), byId ? t.topicId : ZERO_UUID, p.partitionIndex, errorCode);
      return response.build();
    };
    if (req.groupId === '') return failValid(ErrorCode.INVALID_GROUP_ID);

    // KIP-890: the group's partition of __consumer_offsets must be in the transaction.
    let verificationGuard: VerificationGuard | undefined;
    if (this.services.metadata.topic(OFFSETS_TOPIC_NAME)) {
      const tp = { topic: OFFSETS_TOPIC_NAME, partition: this.services.groups.partitionFor(req.groupId) };
      const verified = await verifyCoordinatorPartition(
        this.services.partitions,
        tp,
        req.transactionalId,
        req.producerId,
        req.producerEpoch,
        this.services.partitions.transactionVerifier,
        operationFor(v),
      );
      if ('errorCode' in verified) return failValid(coordinatorError(verified.errorCode));
      verificationGuard = verified.guard;
    }

    const result = await this.services.groups.commitTransactionalOffsets(
      groupRequestContext(ctx.clientId, ctx.connection.remoteAddress, v),
      {
        groupId: req.groupId,
        generationIdOrMemberEpoch: v >= 3 ? req.generationId : -1,
        memberId: v >= 3 ? req.memberId : '',
        groupInstanceId: v >= 3 ? req.groupInstanceId : null,
        retentionTimeMs: -1,
        topics: valid,
      },
      { producerId: req.producerId, producerEpoch: req.producerEpoch, verificationGuard },
    );
    for (const t of result.topics) {
      for (const p of t.partitions) response.add(wireName(t.name), byId ? (idOf.get(t.name) ?? ZERO_UUID) : ZERO_UUID, p.partitionIndex, p.errorCode);
    }
    return response.build();
  }
}

/** Kafka's CoordinatorPartitionWriter: how the transaction coordinator is asked, by version. */
function operationFor(v: number): TransactionOperationName {
  if (v >= 5) return TransactionOperation.ADD_PARTITION;
  return v >= 4 ? TransactionOperation.GENERIC_ERROR : TransactionOperation.DEFAULT_ERROR;
}

/** A failed verification as the group coordinator answers it (Kafka's handleOperationException). */
function coordinatorError(code: number): number {
  switch (code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.NETWORK_EXCEPTION:
      return ErrorCode.COORDINATOR_LOAD_IN_PROGRESS;
    default:
      return code;
  }
}

/** Per-partition results by topic, in the order topics first appear (Kafka's Builder). */
class ResponseBuilder {
  private readonly topics = new Map<string, TxnOffsetCommitResponseTxnOffsetCommitResponseTopic>();

  add(name: string, topicId: string, partitionIndex: number, errorCode: number): void {
    const key = `${name}\u0000${topicId}`;
    let t = this.topics.get(key);
    if (!t) this.topics.set(key, (t = { name, topicId, partitions: [] }));
    t.partitions.push({ partitionIndex, errorCode });
  }

  build(): TxnOffsetCommitResponse {
    return { throttleTimeMs: 0, topics: [...this.topics.values()] };
  }
}
