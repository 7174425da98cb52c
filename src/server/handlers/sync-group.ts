/**
 * SyncGroup (key 14), v0-5.
 *
 * Behaviour (Kafka's classic GroupMetadataManager.classicGroupSync,
 * src/coordinator/group/classic/classic-membership.ts): after a join phase the leader sends the
 * assignment; it is written to __consumer_offsets (GroupMetadata record) and, once appended,
 * every member's parked SyncGroup gets its share and the group is Stable. Members the leader
 * left out get an empty assignment. In Stable a member gets its current assignment.
 * Version notes: v3+ carry the static member's instance id; v5 requires protocol type and name
 * in the request (null: INCONSISTENT_GROUP_PROTOCOL, as KafkaApis checks) and returns them
 * (KIP-559); a type or name that differs from the group's is INCONSISTENT_GROUP_PROTOCOL.
 * Not implemented: authorization (no authorizer).
 * Errors: INVALID_GROUP_ID, UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, INCONSISTENT_GROUP_PROTOCOL,
 * FENCED_INSTANCE_ID, REBALANCE_IN_PROGRESS, COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR,
 * COORDINATOR_LOAD_IN_PROGRESS, UNKNOWN_SERVER_ERROR.
 */
import { ErrorCode } from '../../protocol/error-codes';
import type { SyncGroupRequest, SyncGroupResponse } from '../../protocol/generated/sync-group';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

export class SyncGroupHandler implements ApiHandler<SyncGroupRequest, SyncGroupResponse> {
  readonly apiKey = 14;
  readonly minVersion = 0;
  readonly maxVersion = 5;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: SyncGroupRequest, ctx: RequestContext): Promise<SyncGroupResponse> {
    const v = ctx.apiVersion;
    if (v >= 5 && (req.protocolType === null || req.protocolName === null)) {
      return this.errorResponse(req, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    }
    const r = await this.services.groups.syncGroup({
      ...req,
      groupInstanceId: v >= 3 ? req.groupInstanceId : null,
      protocolType: v >= 5 ? req.protocolType : null,
      protocolName: v >= 5 ? req.protocolName : null,
    });
    return { throttleTimeMs: 0, ...r };
  }

  errorResponse(_req: SyncGroupRequest, errorCode: number): SyncGroupResponse {
    return { throttleTimeMs: 0, errorCode, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) };
  }
}
