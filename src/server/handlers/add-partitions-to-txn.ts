/**
 * AddPartitionsToTxn (key 24), v0-5.
 *
 * Behaviour (Kafka's KafkaApis.handleAddPartitionsToTxnRequest): v0-3 come from producers and
 * name one transaction; v4+ come from partition leaders and batch several, each either adding
 * its partitions or only verifying that they are in the transaction (`verify_only`, KIP-890).
 * Per transaction, every partition is checked first: an unknown topic or partition gets
 * UNKNOWN_TOPIC_OR_PARTITION and, from v0-3, an internal topic gets TOPIC_AUTHORIZATION_FAILED
 * (Kafka never authorizes clients to add internal topics: __consumer_offsets joins through
 * AddOffsetsToTxn); if any fails, the others get OPERATION_NOT_ATTEMPTED and nothing is added.
 * Otherwise the transaction coordinator adds them (Ongoing; already-added partitions answer at
 * once) and its one answer applies to every partition; a verification answers per partition
 * (NONE, or TRANSACTION_ABORTABLE when not in the transaction).
 * Version notes: v0-1 get INVALID_PRODUCER_EPOCH for PRODUCER_FENCED; v3 flexible; v4 batches
 * with a top-level error code (always NONE here) and marks the sender as transactions v2 for the
 * coordinator; v5 may see TRANSACTION_ABORTABLE.
 * Not implemented: authorization (TRANSACTIONAL_ID_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED).
 * Errors (per partition): UNKNOWN_TOPIC_OR_PARTITION, TOPIC_AUTHORIZATION_FAILED, OPERATION_NOT_ATTEMPTED,
 * INVALID_REQUEST (empty transactional id), INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED /
 * INVALID_PRODUCER_EPOCH, CONCURRENT_TRANSACTIONS, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS,
 * COORDINATOR_NOT_AVAILABLE, TRANSACTION_ABORTABLE (verify only).
 */
import { ErrorCode } from '../../protocol/error-codes';
import type {
  AddPartitionsToTxnRequest,
  AddPartitionsToTxnResponse,
  AddPartitionsToTxnResponseAddPartitionsToTxnResult,
  AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult,
} from '../../protocol/generated/add-partitions-to-txn';
import { TransactionVersion } from '../../coordinator/txn/transaction-metadata';
import type { TopicPartition } from '../../log/topic-partition';
import { partitionInfo } from '../../replication/partition-manager';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { isInternalTopic } from './topic-names';

interface TxnInput {
  transactionalId: string;
  producerId: bigint;
  producerEpoch: number;
  verifyOnly: boolean;
  topics: Array<{ name: string; partitions: number[] }>;
}

export class AddPartitionsToTxnHandler implements ApiHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse> {
  readonly apiKey = 24;
  readonly minVersion = 0;
  readonly maxVersion = 5;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: AddPartitionsToTxnRequest, ctx: RequestContext): Promise<AddPartitionsToTxnResponse> {
    const v = ctx.apiVersion;
    const txns = transactionsOf(req, v);
    const results = await Promise.all(txns.map((t) => this.handleTransaction(t, v)));
    if (v < 4) return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction: [], resultsByTopicV3AndBelow: results[0]!.topicResults };
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction: results, resultsByTopicV3AndBelow: [] };
  }

  errorResponse(req: AddPartitionsToTxnRequest, errorCode: number, ctx: RequestContext): AddPartitionsToTxnResponse {
    if (ctx.apiVersion >= 4) return { throttleTimeMs: 0, errorCode, resultsByTransaction: [], resultsByTopicV3AndBelow: [] };
    const [t] = transactionsOf(req, ctx.apiVersion);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction: [], resultsByTopicV3AndBelow: resultFor(t!, () => errorCode).topicResults };
  }

  private async handleTransaction(t: TxnInput, v: number): Promise<AddPartitionsToTxnResponseAddPartitionsToTxnResult> {
    const failures = new Map<string, number>();
    const partitions: TopicPartition[] = [];
    for (const topic of t.topics) {
      const info = this.services.metadata.topic(topic.name);
      for (const p of topic.partitions) {
        if (v < 4 && isInternalTopic(topic.name)) failures.set(key(topic.name, p), ErrorCode.TOPIC_AUTHORIZATION_FAILED);
        else if (!info || !partitionInfo(info, p)) failures.set(key(topic.name, p), ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        else partitions.push({ topic: topic.name, partition: p });
      }
    }
    if (failures.size > 0) return resultFor(t, (name, p) => failures.get(key(name, p)) ?? ErrorCode.OPERATION_NOT_ATTEMPTED);
    const txn = this.services.transactions;
    if (t.verifyOnly) {
      const codes = await txn.verifyPartitions(t.transactionalId, t.producerId, t.producerEpoch, partitions);
      const byKey = new Map(partitions.map((tp, i) => [key(tp.topic, tp.partition), codes[i]!]));
      return resultFor(t, (name, p) => byKey.get(key(name, p)) ?? ErrorCode.NONE);
    }
    // Kafka: a v4+ sender (a partition leader) speaks for a transactions-v2 producer.
    const tv = v >= 4 ? TransactionVersion.TV_2 : TransactionVersion.TV_0;
    let code = await txn.addPartitions(t.transactionalId, t.producerId, t.producerEpoch, partitions, tv);
    if (v < 2 && code === ErrorCode.PRODUCER_FENCED) code = ErrorCode.INVALID_PRODUCER_EPOCH;
    return resultFor(t, () => code);
  }
}

function transactionsOf(req: AddPartitionsToTxnRequest, v: number): TxnInput[] {
  if (v >= 4) return req.transactions;
  return [
    {
      transactionalId: req.v3AndBelowTransactionalId,
      producerId: req.v3AndBelowProducerId,
      producerEpoch: req.v3AndBelowProducerEpoch,
      verifyOnly: false,
      topics: req.v3AndBelowTopics,
    },
  ];
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

function resultFor(t: TxnInput, codeOf: (topic: string, partition: number) => number): AddPartitionsToTxnResponseAddPartitionsToTxnResult {
  const topicResults: AddPartitionsToTxnResponseAddPartitionsToTxnTopicResult[] = t.topics.map((topic) => ({
    name: topic.name,
    resultsByPartition: topic.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: codeOf(topic.name, p) })),
  }));
  return { transactionalId: t.transactionalId, topicResults };
}
