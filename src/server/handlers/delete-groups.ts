/**
 * DeleteGroups (key 42), v0-3.
 *
 * Behaviour (Kafka's GroupCoordinatorShard.deleteGroups): each named group is deleted if it is
 * empty: tombstones for its committed offsets and its metadata are written to
 * __consumer_offsets. Repeated names count once (KafkaApis takes the distinct names).
 * Version notes: v2 flexible encoding; v3 may give an error message per group (Kafka 4.4 leaves
 * it null, and so does this broker).
 * Not implemented: authorization (no authorizer).
 * Errors: per group GROUP_ID_NOT_FOUND, NON_EMPTY_GROUP (members remain), COORDINATOR_NOT_AVAILABLE,
 * NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, UNKNOWN_SERVER_ERROR.
 */
import type { DeleteGroupsRequest, DeleteGroupsResponse } from '../../protocol/generated/delete-groups';
import type { ApiHandler } from '../handler';
import type { BrokerServices } from '../services';

export class DeleteGroupsHandler implements ApiHandler<DeleteGroupsRequest, DeleteGroupsResponse> {
  readonly apiKey = 42;
  readonly minVersion = 0;
  readonly maxVersion = 3;

  constructor(private readonly services: BrokerServices) {}

  async handle(req: DeleteGroupsRequest): Promise<DeleteGroupsResponse> {
    const results = await this.services.groups.deleteGroups([...new Set(req.groupsNames)]);
    return { throttleTimeMs: 0, results: results.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode, errorMessage: null })) };
  }

  errorResponse(req: DeleteGroupsRequest, errorCode: number): DeleteGroupsResponse {
    return { throttleTimeMs: 0, results: [...new Set(req.groupsNames)].map((groupId) => ({ groupId, errorCode, errorMessage: null })) };
  }
}
