/**
 * DescribeGroups (key 15), v0-6.
 *
 * Behaviour (Kafka's GroupMetadataManager.describeGroups): each classic group with its state,
 * protocol type, and members (member id, instance id, client id and host, assignment). The
 * selected protocol and each member's metadata are given only when the group is Stable.
 * A group that does not exist is described as Dead.
 * Version notes: v3+ may ask for the authorized operations (no authorizer: every operation a
 * group supports — READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS; INT32_MIN when not
 * asked); v4+ members carry their instance id; v6 answers a missing group GROUP_ID_NOT_FOUND
 * with a message (KIP-1043) where earlier versions say NONE and Dead. Results follow the order
 * of the request (Kafka orders them by coordinator partition; clients match by group id).
 * KIP-848 consumer groups are not described here, as in Kafka: Dead, and from v6
 * GROUP_ID_NOT_FOUND "Group X is not a classic group." (clients use ConsumerGroupDescribe).
 * Errors: per group GROUP_ID_NOT_FOUND (v6), COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR,
 * COORDINATOR_LOAD_IN_PROGRESS, UNKNOWN_SERVER_ERROR.
 */
import { ErrorCode } from '../../protocol/error-codes';
import type { DescribeGroupsRequest, DescribeGroupsResponse } from '../../protocol/generated/describe-groups';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { AclOperation, AUTHORIZED_OPERATIONS_OMITTED } from './authorized-operations';

/** Operations a group supports (Kafka's AclEntry.supportedOperations(GROUP)). */
const GROUP_OPERATIONS = [AclOperation.READ, AclOperation.DELETE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS].reduce(
  (acc, op) => acc | (1 << op),
  0,
);

export class DescribeGroupsHandler implements ApiHandler<DescribeGroupsRequest, DescribeGroupsResponse> {
  readonly apiKey = 15;
  readonly minVersion = 0;
  readonly maxVersion = 6;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: DescribeGroupsRequest, ctx: RequestContext): Promise<DescribeGroupsResponse> {
    const v = ctx.apiVersion;
    const described = await this.services.groups.describeGroups(req.groups, v);
    const withOps = v >= 3 && req.includeAuthorizedOperations;
    return {
      throttleTimeMs: 0,
      groups: described.map((g) => ({
        ...g,
        authorizedOperations: withOps && g.errorCode === ErrorCode.NONE ? GROUP_OPERATIONS : AUTHORIZED_OPERATIONS_OMITTED,
      })),
    };
  }

  errorResponse(req: DescribeGroupsRequest, errorCode: number): DescribeGroupsResponse {
    return {
      throttleTimeMs: 0,
      groups: req.groups.map((groupId) => ({
        errorCode, errorMessage: null, groupId, groupState: '', protocolType: '', protocolData: '', members: [], authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      })),
    };
  }
}
