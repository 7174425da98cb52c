/**
 * JoinGroup (key 11), v0-9.
 *
 * Behaviour (Kafka's GroupCoordinatorService.joinGroup and the classic GroupMetadataManager,
 * src/coordinator/group/classic/classic-join.ts): a member joins or rejoins a classic group;
 * the request is parked until the join phase completes (all known members rejoined, the
 * rebalance timeout expired, or the delayed first rebalance ended). The leader gets every
 * member's metadata for the protocol the group selected (the one all members support with the
 * most votes); followers get an empty list. A group is created by its first JoinGroup.
 * Version notes: v0 has no rebalance timeout (the session timeout is used, as Kafka does);
 * v4+ a new dynamic member gets MEMBER_ID_REQUIRED with its generated id and must rejoin with
 * it (KIP-394); v5+ static members (group.instance.id, KIP-345) — a restarted static member
 * gets its assignment back without a rebalance; v7+ the response has the protocol type, and an
 * unknown protocol name is null (before v7: empty string); v8 carries a join reason (logged);
 * v9 tells a rejoining static leader to skip the assignment (KIP-814).
 * Not implemented: authorization (no authorizer); joining a KIP-848 consumer group through the
 * classic protocol (arrives with that protocol).
 * Errors: INVALID_GROUP_ID (empty id), INVALID_SESSION_TIMEOUT (outside
 * group.min/max.session.timeout.ms), MEMBER_ID_REQUIRED, UNKNOWN_MEMBER_ID,
 * INCONSISTENT_GROUP_PROTOCOL (empty protocol type/list, or no protocol in common with the
 * group), GROUP_MAX_SIZE_REACHED (group.max.size), FENCED_INSTANCE_ID (another member took the
 * instance id), REBALANCE_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE / NOT_COORDINATOR /
 * COORDINATOR_LOAD_IN_PROGRESS (coordinator not ready; the client looks it up again),
 * UNKNOWN_SERVER_ERROR.
 */
import { groupRequestContext } from '../../coordinator/group/classic/classic-context';
import type { JoinResult } from '../../coordinator/group/classic/classic-group-member';
import type { JoinGroupRequest, JoinGroupResponse } from '../../protocol/generated/join-group';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

export class JoinGroupHandler implements ApiHandler<JoinGroupRequest, JoinGroupResponse> {
  readonly apiKey = 11;
  readonly minVersion = 0;
  readonly maxVersion = 9;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: JoinGroupRequest, ctx: RequestContext): Promise<JoinGroupResponse> {
    const v = ctx.apiVersion;
    const normalized: JoinGroupRequest = {
      ...req,
      rebalanceTimeoutMs: v === 0 ? req.sessionTimeoutMs : req.rebalanceTimeoutMs,
      groupInstanceId: v >= 5 ? req.groupInstanceId : null,
    };
    const r = await this.services.groups.joinGroup(groupRequestContext(ctx.clientId, ctx.connection.remoteAddress, v), normalized);
    return toResponse(r, v);
  }

  errorResponse(_req: JoinGroupRequest, errorCode: number, ctx: RequestContext): JoinGroupResponse {
    return toResponse({ errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, memberId: '', members: [] }, ctx.apiVersion);
  }
}

function toResponse(r: JoinResult, v: number): JoinGroupResponse {
  // Before v7 the protocol name is not nullable; from v7 an empty one is sent as null.
  const protocolName = v < 7 ? r.protocolName ?? '' : r.protocolName === '' ? null : r.protocolName;
  return { throttleTimeMs: 0, ...r, protocolName };
}
