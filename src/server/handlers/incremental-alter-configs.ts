/**
 * IncrementalAlterConfigs (key 44), v0-1.
 *
 * Behaviour (Kafka's ConfigAdminManager.preprocess + ConfigurationControlManager):
 * - Each config entry is an operation on the resource's current settings: SET (0) a value,
 *   DELETE (1) the setting (back to the default; deleting an unset key is fine), APPEND (2) /
 *   SUBTRACT (3) comma-separated items to / from a LIST key, starting from the key's default
 *   when it is not set (appending an item already there, or subtracting one that is not,
 *   changes nothing). APPEND/SUBTRACT on a key that is not a LIST is INVALID_CONFIG.
 * - The result is then checked and applied as AlterConfigs does (config-updater.ts): TOPIC
 *   overrides (INVALID_CONFIG, UNKNOWN_TOPIC_OR_PARTITION) applied live to the topic's logs;
 *   BROKER dynamic settings for this broker or the cluster default (INVALID_REQUEST).
 * - Per resource, in Kafka's order: a resource given twice fails every copy, a key given
 *   twice, a null value for an operation other than DELETE, a broker id that is not ours, an
 *   unknown operation or resource type: INVALID_REQUEST.
 * - validate_only checks without changing anything.
 * Version notes: v1 is v0 in the flexible encoding.
 * Not implemented: BROKER_LOGGER changes (INVALID_REQUEST: the broker's pino loggers cannot
 * change level at run time; DescribeConfigs still reports the root level), CLIENT_METRICS and
 * GROUP resources (INVALID_REQUEST), AlterConfigPolicy.
 * Errors: INVALID_CONFIG, INVALID_REQUEST, INVALID_TOPIC_EXCEPTION, UNKNOWN_TOPIC_OR_PARTITION.
 */
import { BROKER_SCHEMA, TOPIC_SCHEMA, formatValue, type ConfigKeyDef } from '../../config';
import { ErrorCode } from '../../protocol/error-codes';
import type {
  IncrementalAlterConfigsRequest,
  IncrementalAlterConfigsRequestAlterConfigsResource,
  IncrementalAlterConfigsRequestAlterableConfig,
  IncrementalAlterConfigsResponse,
} from '../../protocol/generated/incremental-alter-configs';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { ConfigResourceType, ResourceError, alterEachResource, checkBrokerId, resourceOutcome, resourceTypeName } from './config-resources';
import { ConfigUpdater } from './config-updater';


/** Kafka's AlterConfigOp.OpType ids. */
export const ConfigOperation = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;
const OP_NAMES = ['SET', 'DELETE', 'APPEND', 'SUBTRACT'] as const;

export class IncrementalAlterConfigsHandler implements ApiHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse> {
  readonly apiKey = 44;
  readonly minVersion = 0;
  readonly maxVersion = 1;
  private readonly updater: ConfigUpdater;

  constructor(
    private readonly services: BrokerServices,
    updater?: ConfigUpdater,
  ) {
    this.updater = updater ?? new ConfigUpdater(services);
  }

  async handle(req: IncrementalAlterConfigsRequest, _ctx: RequestContext): Promise<IncrementalAlterConfigsResponse> {
    const responses = await alterEachResource(req.resources, (r) => this.alter(r, req.validateOnly));
    return { throttleTimeMs: 0, responses };
  }

  errorResponse(req: IncrementalAlterConfigsRequest, errorCode: number): IncrementalAlterConfigsResponse {
    return { throttleTimeMs: 0, responses: req.resources.map((r) => resourceOutcome(r, errorCode, null)) };
  }

  private async alter(r: IncrementalAlterConfigsRequestAlterConfigsResource, validateOnly: boolean): Promise<void> {
    const names = r.configs.map((c) => c.name);
    if (new Set(names).size !== names.length) throw new ResourceError(ErrorCode.INVALID_REQUEST, 'Error due to duplicate config keys');
    const nulls = r.configs.filter((c) => c.configOperation !== ConfigOperation.DELETE && c.value === null).map((c) => c.name);
    if (nulls.length > 0) throw new ResourceError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(', ')}`);
    const unknownOp = r.configs.find((c) => OP_NAMES[c.configOperation] === undefined);
    if (unknownOp) throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${unknownOp.configOperation} for ${unknownOp.name}`);

    switch (r.resourceType) {
      case ConfigResourceType.TOPIC:
        return this.updater.alterTopic(r.resourceName, (current) => applyOperations(current, r.configs, (k) => TOPIC_SCHEMA.get(k)), validateOnly);
      case ConfigResourceType.BROKER:
        return this.updater.alterBroker(r.resourceName, (current) => applyOperations(current, r.configs, (k) => BROKER_SCHEMA.get(k)), validateOnly);
      case ConfigResourceType.BROKER_LOGGER:
        if (r.resourceName === '') throw new ResourceError(ErrorCode.INVALID_REQUEST, 'Broker id must not be empty');
        checkBrokerId(r.resourceName, this.services.config().nodeId, 'Broker id', false);
        throw new ResourceError(ErrorCode.INVALID_REQUEST, 'This broker cannot change log levels at run time.');
      case ConfigResourceType.CLIENT_METRICS:
      case ConfigResourceType.GROUP:
        throw new ResourceError(ErrorCode.INVALID_REQUEST, `${resourceTypeName(r.resourceType)} configs are not served by this broker.`);
      default:
        throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unknown resource type ${r.resourceType}`);
    }
  }
}

/**
 * The settings after `ops` (Kafka's ConfigurationControlManager.incrementalAlterConfigResource).
 * `def` gives a key's declaration: its type decides whether APPEND/SUBTRACT apply, and its
 * default is the starting list when the key is not set.
 */
export function applyOperations(
  current: Readonly<Record<string, string>>,
  ops: readonly Pick<IncrementalAlterConfigsRequestAlterableConfig, 'name' | 'configOperation' | 'value'>[],
  def: (key: string) => ConfigKeyDef | undefined,
): Record<string, string> {
  const next: Record<string, string> = { ...current };
  for (const op of ops) {
    switch (op.configOperation) {
      case ConfigOperation.SET:
        next[op.name] = op.value as string;
        break;
      case ConfigOperation.DELETE:
        delete next[op.name];
        break;
      case ConfigOperation.APPEND:
      case ConfigOperation.SUBTRACT: {
        const d = def(op.name);
        if (d?.type !== 'LIST') {
          throw new ResourceError(ErrorCode.INVALID_CONFIG, `Can't ${OP_NAMES[op.configOperation]} to key ${op.name} because its type is not LIST.`);
        }
        const start = next[op.name] ?? formatValue(d.type, d.default) ?? '';
        const items = start.split(',').filter((s) => s !== '');
        for (const item of (op.value as string).split(',')) {
          if (op.configOperation === ConfigOperation.APPEND) {
            if (!items.includes(item)) items.push(item);
          } else {
            const at = items.indexOf(item);
            if (at >= 0) items.splice(at, 1);
          }
        }
        next[op.name] = items.join(',');
        break;
      }
    }
  }
  return next;
}
