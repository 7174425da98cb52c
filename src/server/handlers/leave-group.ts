/**
 * LeaveGroup (key 13), v0-5.
 *
 * Behaviour (Kafka's classic GroupMetadataManager.classicGroupLeave): members leave a classic
 * group, which rebalances without them. A member may be named by member id, or (admin removal
 * of a static member) by group instance id with an empty member id. A group that does not
 * exist answers UNKNOWN_MEMBER_ID for every member.
 * Version notes: v0-v2 name one member and have one error code (that member's, as Kafka's
 * LeaveGroupResponse folds it); v3+ name several members with an error each (KIP-345); v5 adds
 * a reason per member (logged).
 * Not implemented: authorization (no authorizer).
 * Errors: top level INVALID_GROUP_ID, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR,
 * COORDINATOR_LOAD_IN_PROGRESS, UNKNOWN_SERVER_ERROR; per member UNKNOWN_MEMBER_ID,
 * FENCED_INSTANCE_ID.
 */
import { ErrorCode } from '../../protocol/error-codes';
import type { LeaveGroupRequest, LeaveGroupResponse } from '../../protocol/generated/leave-group';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

export class LeaveGroupHandler implements ApiHandler<LeaveGroupRequest, LeaveGroupResponse> {
  readonly apiKey = 13;
  readonly minVersion = 0;
  readonly maxVersion = 5;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: LeaveGroupRequest, ctx: RequestContext): Promise<LeaveGroupResponse> {
    const v = ctx.apiVersion;
    const members = v >= 3 ? req.members.map((m) => ({ ...m, reason: v >= 5 ? m.reason : null })) : [{ memberId: req.memberId, groupInstanceId: null, reason: null }];
    const r = await this.services.groups.leaveGroup({ groupId: req.groupId, members });
    if (v >= 3) return { throttleTimeMs: 0, errorCode: r.errorCode, members: r.members };
    // One member, one code: the top-level error if any, else the member's.
    const errorCode = r.errorCode !== ErrorCode.NONE ? r.errorCode : r.members[0]?.errorCode ?? ErrorCode.NONE;
    return { throttleTimeMs: 0, errorCode, members: [] };
  }

  errorResponse(_req: LeaveGroupRequest, errorCode: number): LeaveGroupResponse {
    return { throttleTimeMs: 0, errorCode, members: [] };
  }
}
