/**
 * ConsumerGroupDescribe (key 69), v0-1.
 *
 * Behaviour (Kafka's KafkaApis.handleConsumerGroupDescribe and ConsumerGroup.asDescribedGroup):
 * each KIP-848 consumer group with its state (Empty, Assigning, Reconciling, Stable), group
 * epoch, target assignment epoch, the server assignor in use, and every member: ids, rack,
 * epoch, client id and host, subscription (names and regex), the partitions it owns (being
 * revoked included) and its target assignment, with topic names. Results follow the request
 * order.
 * Version notes: v1 members carry their type (1: consumer protocol; 0: classic protocol,
 * which never happens here as groups do not mix protocols).
 * Not served when 'consumer' is not in group.coordinator.rebalance.protocols (UNSUPPORTED_VERSION).
 * Not implemented: authorization (no authorizer: authorizedOperations, when asked, is every
 * group operation).
 * Errors: per group GROUP_ID_NOT_FOUND ("Group X not found." / "Group X is not a consumer
 * group." for classic groups), INVALID_GROUP_ID (empty id), COORDINATOR_NOT_AVAILABLE,
 * NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, UNKNOWN_SERVER_ERROR; UNSUPPORTED_VERSION.
 */
import { ErrorCode } from '../../protocol/error-codes';
import type { ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse } from '../../protocol/generated/consumer-group-describe';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { AUTHORIZED_OPERATIONS_OMITTED, GROUP_OPERATIONS } from './authorized-operations';
import { consumerProtocolEnabled } from './consumer-group-heartbeat';

export class ConsumerGroupDescribeHandler implements ApiHandler<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse> {
  readonly apiKey = 69;
  readonly minVersion = 0;
  readonly maxVersion = 1;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: ConsumerGroupDescribeRequest, _ctx: RequestContext): Promise<ConsumerGroupDescribeResponse> {
    if (!consumerProtocolEnabled(this.services)) return this.errorResponse(req, ErrorCode.UNSUPPORTED_VERSION);
    const described = await this.services.groups.consumerGroupDescribe(req.groupIds);
    return {
      throttleTimeMs: 0,
      groups: described.map((g) => ({
        ...g,
        authorizedOperations: req.includeAuthorizedOperations && g.errorCode === ErrorCode.NONE ? GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
      })),
    };
  }

  errorResponse(req: ConsumerGroupDescribeRequest, errorCode: number): ConsumerGroupDescribeResponse {
    return {
      throttleTimeMs: 0,
      groups: req.groupIds.map((groupId) => ({
        errorCode, errorMessage: null, groupId, groupState: '', groupEpoch: 0, assignmentEpoch: 0, assignorName: '', members: [],
        authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      })),
    };
  }
}
