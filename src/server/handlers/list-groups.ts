/**
 * ListGroups (key 16), v0-5.
 *
 * Behaviour (Kafka's GroupMetadataManager.listGroups): every group this broker coordinates (on a
 * single node, all of them), with its protocol type. Groups of __consumer_offsets partitions
 * that do not exist yet: none.
 * Version notes: v4+ may filter by state (case-insensitive; unknown states match nothing) and
 * returns each group's state (KIP-518); v5+ may filter by type (classic, consumer;
 * case-insensitive) and returns each group's type (KIP-848).
 * Not implemented: authorization (no authorizer: every group is listed).
 * Errors: COORDINATOR_NOT_AVAILABLE (shutting down), UNKNOWN_SERVER_ERROR.
 */
import type { ListGroupsRequest, ListGroupsResponse } from '../../protocol/generated/list-groups';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';

export class ListGroupsHandler implements ApiHandler<ListGroupsRequest, ListGroupsResponse> {
  readonly apiKey = 16;
  readonly minVersion = 0;
  readonly maxVersion = 5;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: ListGroupsRequest, ctx: RequestContext): Promise<ListGroupsResponse> {
    const v = ctx.apiVersion;
    const r = await this.services.groups.listGroups(v >= 4 ? req.statesFilter : [], v >= 5 ? req.typesFilter : []);
    return { throttleTimeMs: 0, errorCode: r.errorCode, groups: r.groups };
  }

  errorResponse(_req: ListGroupsRequest, errorCode: number): ListGroupsResponse {
    return { throttleTimeMs: 0, errorCode, groups: [] };
  }
}
