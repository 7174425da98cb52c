/**
 * Writing transaction markers (COMMIT / ABORT control batches) to the partitions of a
 * transaction: the partition-leader side of WriteTxnMarkers (Kafka's
 * KafkaApis.handleWriteTxnMarkersRequest), used both by the WriteTxnMarkers handler and, on a
 * single node, directly by the transaction coordinator.
 *
 * Per partition: a partition the metadata does not know answers UNKNOWN_TOPIC_OR_PARTITION; a
 * partition of __consumer_offsets is handed to the group coordinator (`completeGroupTransaction`),
 * which appends the marker itself and applies it to the pending transactional offsets (Kafka's
 * GroupCoordinator.completeTransaction), its "not ready" errors becoming NOT_LEADER_OR_FOLLOWER;
 * every other partition gets an end-transaction marker batch appended by its leader with origin
 * `coordinator` and acks=all (the log checks the producer epoch and the coordinator epoch).
 */
import { AppendOrigin } from '../../log/append-batches';
import { tpKey, type TopicPartition } from '../../log/topic-partition';
import { ErrorCode } from '../../protocol/error-codes';
import { toErrorCode } from '../../protocol/kafka-errors';
import { buildEndTxnMarkerBatch, ControlRecordType } from '../../protocol/records';
import { partitionInfo, type PartitionManager } from '../../replication/partition-manager';
import type { Logger } from '../../util/logger';

export const OFFSETS_TOPIC_NAME = '__consumer_offsets';

export interface TxnMarker {
  producerId: bigint;
  producerEpoch: number;
  coordinatorEpoch: number;
  committed: boolean;
  /** 0/1 legacy; 2 requires the marker's epoch to be above the producer's (KIP-890). */
  transactionVersion: number;
  partitions: readonly TopicPartition[];
}

export interface TxnMarkerWriter {
  /** Writes the marker to each partition; resolves with an error code per partition, in order. */
  writeMarkers(marker: TxnMarker): Promise<number[]>;
}

/** Appends the marker to one __consumer_offsets partition through the group coordinator; resolves with an error code. */
export type GroupTransactionCompleter = (
  offsetsPartition: number,
  marker: Omit<TxnMarker, 'partitions'>,
) => Promise<number>;

export class LocalTxnMarkerWriter implements TxnMarkerWriter {
  /** Set by the broker once the group coordinator exists. */
  completeGroupTransaction: GroupTransactionCompleter | null = null;

  constructor(
    /** A getter: the broker builds the partition manager and this writer together. */
    private readonly partitionsOf: () => PartitionManager,
    private readonly log: Logger,
  ) {}

  private get partitions(): PartitionManager {
    return this.partitionsOf();
  }

  writeMarkers(marker: TxnMarker): Promise<number[]> {
    return Promise.all(marker.partitions.map((tp) => this.writeOne(marker, tp)));
  }

  private async writeOne(marker: TxnMarker, tp: TopicPartition): Promise<number> {
    const topic = this.partitions.topic(tp.topic);
    if (!topic || !partitionInfo(topic, tp.partition)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    if (tp.topic === OFFSETS_TOPIC_NAME && this.completeGroupTransaction) {
      try {
        return notReadyAsNotLeader(await this.completeGroupTransaction(tp.partition, marker));
      } catch (e) {
        return notReadyAsNotLeader(toErrorCode(e));
      }
    }
    try {
      const state = this.partitions.leaderPartitionOf(topic, tp.partition);
      const batch = buildEndTxnMarkerBatch({
        producerId: marker.producerId,
        producerEpoch: marker.producerEpoch,
        coordinatorEpoch: marker.coordinatorEpoch,
        type: marker.committed ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
        timestamp: this.partitions.clock.now(),
      });
      await state.appendAsLeader(batch, -1, undefined, { origin: AppendOrigin.COORDINATOR, transactionVersion: marker.transactionVersion });
      return ErrorCode.NONE;
    } catch (e) {
      const code = toErrorCode(e);
      if (code === ErrorCode.UNKNOWN_SERVER_ERROR) this.log.error({ err: e, partition: tpKey(tp) }, 'writing a transaction marker failed');
      return code;
    }
  }
}

/** The transaction coordinator does not expect coordinator errors from a partition leader. */
function notReadyAsNotLeader(code: number): number {
  return code === ErrorCode.COORDINATOR_NOT_AVAILABLE || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || code === ErrorCode.NOT_COORDINATOR
    ? ErrorCode.NOT_LEADER_OR_FOLLOWER
    : code;
}
