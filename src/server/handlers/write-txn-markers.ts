/**
 * WriteTxnMarkers (key 27), v1-2 (v0 is in the spec, but Kafka 4.x no longer serves it: KIP-896;
 * Kafka 4.4 advertises 1-2).
 *
 * Behaviour (Kafka's KafkaApis.handleWriteTxnMarkersRequest): a transaction coordinator asks this
 * broker, as leader, to close transactions: per marker, a COMMIT or ABORT control batch with
 * the producer id and epoch and the coordinator epoch is appended to each partition (origin
 * `coordinator`, acks=all); __consumer_offsets partitions go through the group coordinator,
 * which also makes the transaction's offsets visible or drops them. This is the same path the
 * local transaction coordinator uses (src/coordinator/txn/marker-writer.ts). The log refuses a
 * marker from an older producer epoch (INVALID_PRODUCER_EPOCH) or an older coordinator epoch
 * (TRANSACTION_COORDINATOR_FENCED). Results are grouped by producer id, as Kafka's response map.
 * Version notes: v1 flexible (the oldest served); v2 carries each marker's transaction version (KIP-1228): 2 requires
 * the marker's epoch to be above the producer's last one (transactions v2 bump it at every end);
 * with v1 the legacy rule (not below) applies.
 * Not implemented: authorization (CLUSTER_AUTHORIZATION_FAILED); message format checks (every
 * partition is magic 2 here, so UNSUPPORTED_FOR_MESSAGE_FORMAT never occurs).
 * Errors (per partition): UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER, INVALID_PRODUCER_EPOCH,
 * TRANSACTION_COORDINATOR_FENCED, NOT_ENOUGH_REPLICAS, KAFKA_STORAGE_ERROR.
 */
import { TransactionVersion } from '../../coordinator/txn/transaction-metadata';
import type {
  WriteTxnMarkersRequest,
  WriteTxnMarkersResponse,
  WriteTxnMarkersResponseWritableTxnMarkerResult,
} from '../../protocol/generated/write-txn-markers';
import type { TopicPartition } from '../../log/topic-partition';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

export class WriteTxnMarkersHandler implements ApiHandler<WriteTxnMarkersRequest, WriteTxnMarkersResponse> {
  readonly apiKey = 27;
  readonly minVersion = 1;
  readonly maxVersion = 2;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: WriteTxnMarkersRequest, ctx: RequestContext): Promise<WriteTxnMarkersResponse> {
    const out = new Results();
    await Promise.all(
      req.markers.map(async (m) => {
        const partitions: TopicPartition[] = m.topics.flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
        const codes = await this.services.txnMarkers.writeMarkers({
          producerId: m.producerId,
          producerEpoch: m.producerEpoch,
          coordinatorEpoch: m.coordinatorEpoch,
          committed: m.transactionResult,
          transactionVersion: ctx.apiVersion >= 2 ? m.transactionVersion : TransactionVersion.TV_0,
          partitions,
        });
        partitions.forEach((tp, i) => out.add(m.producerId, tp, codes[i]!));
      }),
    );
    return { markers: out.toWire(req) };
  }

  errorResponse(req: WriteTxnMarkersRequest, errorCode: number): WriteTxnMarkersResponse {
    const out = new Results();
    for (const m of req.markers) for (const t of m.topics) for (const p of t.partitionIndexes) out.add(m.producerId, { topic: t.name, partition: p }, errorCode);
    return { markers: out.toWire(req) };
  }
}

/** Error codes by producer id, topic and partition (Kafka's Map[Long, Map[TopicPartition, Errors]]). */
class Results {
  private readonly byProducer = new Map<bigint, Map<string, Map<number, number>>>();

  add(producerId: bigint, tp: TopicPartition, code: number): void {
    let topics = this.byProducer.get(producerId);
    if (!topics) this.byProducer.set(producerId, (topics = new Map()));
    let parts = topics.get(tp.topic);
    if (!parts) topics.set(tp.topic, (parts = new Map()));
    parts.set(tp.partition, code);
  }

  /** In the order producers and topics first appear in the request. */
  toWire(req: WriteTxnMarkersRequest): WriteTxnMarkersResponseWritableTxnMarkerResult[] {
    const seen = new Set<bigint>();
    const out: WriteTxnMarkersResponseWritableTxnMarkerResult[] = [];
    for (const m of req.markers) {
      if (seen.has(m.producerId)) continue;
      seen.add(m.producerId);
      const topics = this.byProducer.get(m.producerId) ?? new Map<string, Map<number, number>>();
      out.push({
        producerId: m.producerId,
        topics: [...topics].map(([name, parts]) => ({ name, partitions: [...parts].map(([partitionIndex, errorCode]) => ({ partitionIndex, errorCode })) })),
      });
    }
    return out;
  }
}
