/**
 * DescribeTopicPartitions (key 75), v0 (KIP-966).
 *
 * Behaviour (Kafka 4.x's DescribeTopicPartitionsRequestHandler + KRaftMetadataCache):
 * - Topics are described in name order, from the cursor on: topics sorting before the
 *   cursor's are skipped, and the cursor's topic starts at the cursor's partition. An empty
 *   topic list means every topic.
 * - At most min(response_partition_limit, max.request.partition.size.limit) partitions (at
 *   least 1) are returned. When a topic does not fit, its first partitions are returned and
 *   next_cursor names the first one left; when the limit is used up exactly at a topic
 *   boundary, next_cursor names the next topic at partition 0. next_cursor is null when
 *   everything was returned.
 * - A listed topic that does not exist is UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION
 *   for an illegal name) and uses none of the limit; with an empty list nothing is missing.
 * - A cursor whose topic is not in the list, or whose partition is negative, fails the whole
 *   request with INVALID_REQUEST.
 * - Partitions carry leader, leader epoch, replicas, ISR, offline replicas, and empty
 *   eligible-leader-replica lists (no ELR without a replicated cluster). Topic authorized
 *   operations are always filled in (every topic operation: no authorizer).
 * Errors: UNKNOWN_TOPIC_OR_PARTITION, INVALID_TOPIC_EXCEPTION (per topic); INVALID_REQUEST.
 */
import { ErrorCode } from '../../protocol/error-codes';
import type {
  DescribeTopicPartitionsRequest,
  DescribeTopicPartitionsResponse,
  DescribeTopicPartitionsResponseCursor,
  DescribeTopicPartitionsResponseDescribeTopicPartitionsResponseTopic,
} from '../../protocol/generated/describe-topic-partitions';
import { KafkaError } from '../../protocol/kafka-errors';
import { ZERO_UUID } from '../../protocol/primitives/tagged';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { AUTHORIZED_OPERATIONS_OMITTED, TOPIC_OPERATIONS } from './authorized-operations';
import { brokersOnListener, localLeaderReady, partitionView } from './partition-view';
import { isInternalTopic, isValidTopicName } from './topic-names';

type TopicResult = DescribeTopicPartitionsResponseDescribeTopicPartitionsResponseTopic;

export class DescribeTopicPartitionsHandler implements ApiHandler<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse> {
  readonly apiKey = 75;
  readonly minVersion = 0;
  readonly maxVersion = 0;

  constructor(private readonly services: BrokerServices) {}

  handle(req: DescribeTopicPartitionsRequest, ctx: RequestContext): DescribeTopicPartitionsResponse {
    const { metadata } = this.services;
    const cursor = req.cursor;
    const cursorTopic = cursor?.topicName ?? '';
    const allTopics = req.topics.length === 0;
    const candidates = allTopics ? metadata.topics().map((t) => t.name) : req.topics.map((t) => t.name);
    const names = [...new Set(candidates.filter((n) => n >= cursorTopic))].sort();
    if (!allTopics && cursor && !names.includes(cursor.topicName)) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `The topic list must contain the cursor's topic ${cursor.topicName}.`);
    }
    if (cursor && cursor.partitionIndex < 0) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `The cursor's partition must not be negative: ${cursor.partitionIndex}.`);
    }

    const limit = Math.max(Math.min(this.services.config().get('max.request.partition.size.limit'), req.responsePartitionLimit), 1);
    const reachable = brokersOnListener(metadata, ctx.connection.listenerName);
    const registered = new Set(metadata.brokers().map((b) => b.nodeId));
    const viewOpts = { filterUnavailableReplicas: false, listenerNotFoundError: true };

    const topics: TopicResult[] = [];
    let nextCursor: DescribeTopicPartitionsResponseCursor | null = null;
    let remaining = limit;
    for (const name of names) {
      if (remaining === 0) {
        nextCursor = { topicName: name, partitionIndex: 0 };
        break;
      }
      const topic = metadata.topic(name);
      if (!topic) {
        if (!allTopics) {
          const errorCode = isValidTopicName(name) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_TOPIC_EXCEPTION;
          topics.push(topicResult(errorCode, name, ZERO_UUID, isInternalTopic(name)));
        }
        continue;
      }
      const start = name === cursorTopic && cursor ? cursor.partitionIndex : 0;
      const sorted = [...topic.partitions].sort((a, b) => a.partition - b.partition);
      const end = Math.min(sorted.length, start + remaining);
      const page = sorted.slice(start, end);
      topics.push({
        ...topicResult(ErrorCode.NONE, name, topic.topicId, topic.internal || isInternalTopic(name)),
        partitions: page.map((p) => ({
          ...partitionView(p, registered, reachable, { ...viewOpts, leaderReady: localLeaderReady(this.services, name) }),
          eligibleLeaderReplicas: [],
          lastKnownElr: [],
        })),
      });
      if (end < sorted.length) {
        nextCursor = { topicName: name, partitionIndex: end };
        break;
      }
      remaining -= page.length;
    }
    return { throttleTimeMs: 0, topics, nextCursor };
  }

  errorResponse(req: DescribeTopicPartitionsRequest, errorCode: number): DescribeTopicPartitionsResponse {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({ ...topicResult(errorCode, t.name, ZERO_UUID, false), topicAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED })),
      nextCursor: null,
    };
  }
}

function topicResult(errorCode: number, name: string, topicId: string, isInternal: boolean): TopicResult {
  return { errorCode, name, topicId, isInternal, partitions: [], topicAuthorizedOperations: TOPIC_OPERATIONS };
}
