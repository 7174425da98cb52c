/**
 * ConsumerGroupHeartbeat (key 68), v0-1.
 *
 * Behaviour (Kafka's KafkaApis.handleConsumerGroupHeartbeat and GroupMetadataManager
 * .consumerGroupHeartbeat, src/coordinator/group/consumer/): the one API of the KIP-848 consumer
 * group protocol. Epoch 0 joins (or rejoins), -1 leaves, -2 is a static member leaving for a
 * while; any other epoch is a heartbeat of a member at that epoch. The coordinator keeps the
 * subscriptions, computes the target assignment with a server-side assignor (uniform or range,
 * group.consumer.assignors, the member may name one), and hands each member its partitions only
 * once their previous owners have revoked them, bumping the member epoch as it goes. The answer
 * carries the member id, its epoch, the heartbeat interval (group.consumer.heartbeat.interval.ms)
 * and, when the request was a full one (joining, or every field set) or the assignment changed,
 * the partitions the member owns. Members that stop heartbeating are removed after
 * group.consumer.session.timeout.ms; members that do not revoke partitions within their
 * rebalance timeout are fenced. Both protocols share the broker; a group keeps the protocol it
 * was created with while it has members (Kafka with group.consumer.migration.policy=disabled).
 * Version notes: v1 may subscribe with a regular expression (RE2J syntax in Kafka; matched here
 * with JavaScript RegExp on whole topic names, close enough for common expressions), and the
 * member chooses its own member id (KIP-1082: an empty member id is INVALID_REQUEST).
 * Not served when 'consumer' is not in group.coordinator.rebalance.protocols (UNSUPPORTED_VERSION,
 * as Kafka). Not implemented: authorization (no authorizer), per-group configs, rack-aware
 * assignment (racks are recorded and only feed the metadata hash).
 * Errors: INVALID_REQUEST (with Kafka's message), UNSUPPORTED_ASSIGNOR, GROUP_ID_NOT_FOUND (a
 * non-zero epoch for a missing group, or the group is a classic group), UNKNOWN_MEMBER_ID,
 * FENCED_MEMBER_EPOCH, FENCED_INSTANCE_ID, UNRELEASED_INSTANCE_ID, GROUP_MAX_SIZE_REACHED
 * (group.consumer.max.size), INVALID_REGULAR_EXPRESSION, UNSUPPORTED_VERSION,
 * COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, UNKNOWN_SERVER_ERROR.
 */
import { groupRequestContext } from '../../coordinator/group/classic/classic-context';
import { ErrorCode } from '../../protocol/error-codes';
import type { ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse } from '../../protocol/generated/consumer-group-heartbeat';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

export class ConsumerGroupHeartbeatHandler implements ApiHandler<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse> {
  readonly apiKey = 68;
  readonly minVersion = 0;
  readonly maxVersion = 1;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: ConsumerGroupHeartbeatRequest, ctx: RequestContext): Promise<ConsumerGroupHeartbeatResponse> {
    if (!consumerProtocolEnabled(this.services)) return this.errorResponse(req, ErrorCode.UNSUPPORTED_VERSION);
    const rctx = groupRequestContext(ctx.clientId, ctx.connection.remoteAddress, ctx.apiVersion);
    const r = await this.services.groups.consumerGroupHeartbeat(rctx, { ...req, subscribedTopicRegex: ctx.apiVersion >= 1 ? req.subscribedTopicRegex : null });
    return { throttleTimeMs: 0, ...r };
  }

  errorResponse(_req: ConsumerGroupHeartbeatRequest, errorCode: number): ConsumerGroupHeartbeatResponse {
    return { throttleTimeMs: 0, errorCode, errorMessage: null, memberId: null, memberEpoch: 0, heartbeatIntervalMs: 0, assignment: null };
  }
}

/** Kafka's isConsumerGroupProtocolEnabled: 'consumer' in group.coordinator.rebalance.protocols. */
export function consumerProtocolEnabled(services: BrokerServices): boolean {
  return (services.config().get('group.coordinator.rebalance.protocols') as readonly string[]).includes('consumer');
}
