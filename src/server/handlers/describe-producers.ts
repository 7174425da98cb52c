/**
 * DescribeProducers (key 61), v0.
 *
 * Behaviour (Kafka's KafkaApis.handleDescribeProducersRequest, Partition.activeProducerState):
 * for each partition, the producers the log has state for: producer id and epoch, last
 * sequence, timestamp of the last write, coordinator epoch of the last marker, and the first
 * offset of the producer's open transaction (-1 if none) — how operators find hanging
 * transactions (KIP-664). A topic name Kafka would refuse answers INVALID_TOPIC_EXCEPTION, an
 * unknown topic or partition UNKNOWN_TOPIC_OR_PARTITION, a partition not hosted here
 * NOT_LEADER_OR_FOLLOWER.
 * Not implemented: authorization (TOPIC_AUTHORIZATION_FAILED).
 * Errors (per partition): INVALID_TOPIC_EXCEPTION, UNKNOWN_TOPIC_OR_PARTITION, NOT_LEADER_OR_FOLLOWER.
 */
import { ErrorCode } from '../../protocol/error-codes';
import { toErrorCode } from '../../protocol/kafka-errors';
import type {
  DescribeProducersRequest,
  DescribeProducersResponse,
  DescribeProducersResponsePartitionResponse,
} from '../../protocol/generated/describe-producers';
import type { ApiHandler } from '../handler';
import type { BrokerServices } from '../services';
import { topicNameError } from './topic-names';

export class DescribeProducersHandler implements ApiHandler<DescribeProducersRequest, DescribeProducersResponse> {
  readonly apiKey = 61;
  readonly minVersion = 0;
  readonly maxVersion = 0;

  constructor(private readonly services: BrokerServices) {}

  handle(req: DescribeProducersRequest): DescribeProducersResponse {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => {
        const topicError = this.topicError(t.name);
        return {
          name: t.name,
          partitions: t.partitionIndexes.map((p) => (topicError ? failed(p, topicError.code, topicError.message) : this.describe(t.name, p))),
        };
      }),
    };
  }

  errorResponse(req: DescribeProducersRequest, errorCode: number): DescribeProducersResponse {
    return { throttleTimeMs: 0, topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => failed(p, errorCode, null)) })) };
  }

  /** Kafka answers these with an ApiError: a message, even the default one. */
  private topicError(name: string): { code: number; message: string | null } | null {
    const invalid = topicNameError(name);
    if (invalid) return { code: ErrorCode.INVALID_TOPIC_EXCEPTION, message: invalid };
    if (!this.services.metadata.topic(name)) return { code: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, message: 'This server does not host this topic-partition.' };
    return null;
  }

  private describe(topic: string, partition: number): DescribeProducersResponsePartitionResponse {
    try {
      const state = this.services.partitions.leaderPartition(topic, partition);
      return {
        partitionIndex: partition,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
        activeProducers: state.log.producerStates().map((s) => ({
          producerId: s.producerId,
          producerEpoch: s.producerEpoch,
          lastSequence: s.lastSequence,
          lastTimestamp: BigInt(s.lastTimestamp),
          coordinatorEpoch: s.coordinatorEpoch,
          currentTxnStartOffset: BigInt(s.currentTxnStartOffset),
        })),
      };
    } catch (e) {
      return failed(partition, toErrorCode(e), null);
    }
  }
}

function failed(partitionIndex: number, errorCode: number, errorMessage: string | null): DescribeProducersResponsePartitionResponse {
  return { partitionIndex, errorCode, errorMessage, activeProducers: [] };
}
