/**
 * Heartbeat (key 12), v0-4.
 *
 * Behaviour (Kafka's classic GroupMetadataManager.classicGroupHeartbeat): a member of a classic
 * group proves it is alive; its session timeout restarts. During a rebalance the answer is
 * REBALANCE_IN_PROGRESS (the member rejoins). While the coordinator is still loading the
 * answer is NONE, as Kafka blindly accepts heartbeats then.
 * Version notes: v3+ carry the static member's instance id (a replaced instance gets
 * FENCED_INSTANCE_ID).
 * Not implemented: authorization (no authorizer).
 * Errors: INVALID_GROUP_ID, UNKNOWN_MEMBER_ID (unknown group or member, or the group is Empty),
 * ILLEGAL_GENERATION, FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE,
 * NOT_COORDINATOR, UNKNOWN_SERVER_ERROR.
 */
import type { HeartbeatRequest, HeartbeatResponse } from '../../protocol/generated/heartbeat';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

export class HeartbeatHandler implements ApiHandler<HeartbeatRequest, HeartbeatResponse> {
  readonly apiKey = 12;
  readonly minVersion = 0;
  readonly maxVersion = 4;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: HeartbeatRequest, ctx: RequestContext): Promise<HeartbeatResponse> {
    const errorCode = await this.services.groups.heartbeat({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: ctx.apiVersion >= 3 ? req.groupInstanceId : null,
    });
    return { throttleTimeMs: 0, errorCode };
  }

  errorResponse(_req: HeartbeatRequest, errorCode: number): HeartbeatResponse {
    return { throttleTimeMs: 0, errorCode };
  }
}
