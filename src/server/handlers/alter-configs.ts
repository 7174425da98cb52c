/**
 * AlterConfigs (key 33), v0-2: the legacy, whole-set form (IncrementalAlterConfigs is the
 * modern one).
 *
 * Behaviour (Kafka's ConfigAdminManager.preprocess + ControllerApis / controller):
 * - Each resource's configs replace all of its current settings: keys left out are removed.
 * - TOPIC: the overrides are validated and stored, and the topic's logs use them at once
 *   (see config-updater.ts). BROKER: this broker's id (its dynamic settings) or "" (the
 *   cluster-wide dynamic defaults); only keys Kafka lets change at run time.
 * - Checked per resource, in Kafka's order: a resource given twice fails every copy
 *   (INVALID_REQUEST); a key given twice, or a null value, is INVALID_REQUEST; a broker id
 *   that is not this broker's is INVALID_REQUEST; any other resource type (BROKER_LOGGER
 *   included: the legacy API never supported it) is INVALID_REQUEST.
 * - validate_only checks without changing anything.
 * Version notes: v0-1 identical; v2 flexible.
 * Not implemented: CLIENT_METRICS and GROUP resources (INVALID_REQUEST: not served here),
 * AlterConfigPolicy, password encryption of dynamic secrets.
 * Errors: INVALID_CONFIG (topic config), INVALID_REQUEST (broker config, duplicates, nulls,
 * wrong broker id, unsupported type), INVALID_TOPIC_EXCEPTION, UNKNOWN_TOPIC_OR_PARTITION.
 */
import { ErrorCode } from '../../protocol/error-codes';
import type {
  AlterConfigsRequest,
  AlterConfigsRequestAlterConfigsResource,
  AlterConfigsResponse,
} from '../../protocol/generated/alter-configs';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { ConfigResourceType, ResourceError, alterEachResource, resourceOutcome, resourceTypeName } from './config-resources';
import { ConfigUpdater } from './config-updater';


export class AlterConfigsHandler implements ApiHandler<AlterConfigsRequest, AlterConfigsResponse> {
  readonly apiKey = 33;
  readonly minVersion = 0;
  readonly maxVersion = 2;

  constructor(
    private readonly services: BrokerServices,
    private readonly updater: ConfigUpdater = new ConfigUpdater(services),
  ) {}

  async handle(req: AlterConfigsRequest, _ctx: RequestContext): Promise<AlterConfigsResponse> {
    const responses = await alterEachResource(req.resources, (r) => this.alter(r, req.validateOnly));
    return { throttleTimeMs: 0, responses };
  }

  errorResponse(req: AlterConfigsRequest, errorCode: number): AlterConfigsResponse {
    return { throttleTimeMs: 0, responses: req.resources.map((r) => resourceOutcome(r, errorCode, null)) };
  }

  private async alter(r: AlterConfigsRequestAlterConfigsResource, validateOnly: boolean): Promise<void> {
    const names = r.configs.map((c) => c.name);
    if (new Set(names).size !== names.length) throw new ResourceError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
    const nulls = r.configs.filter((c) => c.value === null).map((c) => c.name);
    if (nulls.length > 0) throw new ResourceError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`);
    const next: Record<string, string> = {};
    for (const c of r.configs) next[c.name] = c.value as string;
    switch (r.resourceType) {
      case ConfigResourceType.TOPIC:
        return this.updater.alterTopic(r.resourceName, () => next, validateOnly);
      case ConfigResourceType.BROKER:
        return this.updater.alterBroker(r.resourceName, () => next, validateOnly);
      case ConfigResourceType.CLIENT_METRICS:
      case ConfigResourceType.GROUP:
        throw new ResourceError(ErrorCode.INVALID_REQUEST, `${resourceTypeName(r.resourceType)} configs are not served by this broker.`);
      default:
        throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unknown resource type ${r.resourceType}`);
    }
  }
}
