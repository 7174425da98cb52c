/**
 * The checks Kafka's GroupCoordinatorService makes on a ConsumerGroupHeartbeat before it reaches
 * a shard (throwIfConsumerGroupHeartbeatRequestIsInvalid), with Kafka's messages:
 * INVALID_REQUEST for malformed requests, UNSUPPORTED_ASSIGNOR for an assignor not in
 * group.consumer.assignors. From v1 the member always sends its own member id (KIP-1082).
 */
import { ErrorCode } from '../../../protocol/error-codes';
import { KafkaError } from '../../../protocol/kafka-errors';
import type { ConsumerGroupHeartbeatRequest } from '../../../protocol/generated/consumer-group-heartbeat';
import { LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH } from './consumer-group-member';

function invalid(message: string): KafkaError {
  return new KafkaError(ErrorCode.INVALID_REQUEST, message);
}

/** A non-null value that is empty or only whitespace (Kafka's throwIfEmptyString). */
function throwIfEmptyString(value: string | null, message: string): void {
  if (value !== null && value.trim() === '') throw invalid(message);
}

export function throwIfHeartbeatRequestIsInvalid(req: ConsumerGroupHeartbeatRequest, apiVersion: number, assignors: readonly string[]): void {
  if (apiVersion >= 1 || req.memberEpoch > 0 || req.memberEpoch === LEAVE_GROUP_MEMBER_EPOCH) throwIfEmptyString(req.memberId, "MemberId can't be empty.");
  throwIfEmptyString(req.groupId, "GroupId can't be empty.");
  throwIfEmptyString(req.instanceId, "InstanceId can't be empty.");
  throwIfEmptyString(req.rackId, "RackId can't be empty.");
  if (req.memberEpoch === 0) {
    if (req.rebalanceTimeoutMs === -1) throw invalid('RebalanceTimeoutMs must be provided in first request.');
    if (req.topicPartitions === null || req.topicPartitions.length > 0) throw invalid('TopicPartitions must be empty when (re-)joining.');
    if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) {
      throw invalid('Either SubscribedTopicNames or SubscribedTopicRegex must be non-null when (re-)joining.');
    }
  } else if (req.memberEpoch === LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    if (req.instanceId === null) throw invalid("InstanceId can't be null.");
  } else if (req.memberEpoch < LEAVE_GROUP_STATIC_MEMBER_EPOCH) {
    throw invalid('MemberEpoch is invalid.');
  }
  if (req.serverAssignor !== null && !assignors.includes(req.serverAssignor)) {
    throw new KafkaError(ErrorCode.UNSUPPORTED_ASSIGNOR, `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${assignors.join(', ')}.`);
  }
}
