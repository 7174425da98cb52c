/**
 * DescribeConfigs (key 32), v0-4.
 *
 * Behaviour (Kafka's ConfigHelper.describeConfigs):
 * - TOPIC: every topic config with its effective value (the topic's override, else the
 *   broker default), its source and, when asked, its synonyms (override, then the broker keys
 *   it falls back to); an illegal name is INVALID_TOPIC_EXCEPTION, a missing topic
 *   UNKNOWN_TOPIC_OR_PARTITION.
 * - BROKER: "" describes the cluster-wide dynamic defaults (only keys that have one); this
 *   broker's id describes every broker config; another id, or a name that is not a number, is
 *   INVALID_REQUEST.
 * - BROKER_LOGGER: this broker's id lists the root logger and its level (source
 *   DYNAMIC_BROKER_LOGGER_CONFIG), as Kafka lists its log4j loggers; an empty or other id is
 *   INVALID_REQUEST.
 * - configuration_keys selects keys (unknown keys are left out); null or empty means all.
 * - Sensitive values (passwords) are null. Broker keys that cannot change at run time are
 *   read-only; topic keys never are.
 * - A resource type Kafka does not know fails the whole request with INVALID_REQUEST.
 * Version notes: v0 has is_default (source is the default) and no synonyms; v1+ config_source
 * and synonyms when include_synonyms; v3+ config_type, and documentation when
 * include_documentation. error_message is "" when there is no error, as Kafka sends.
 * Not implemented: CLIENT_METRICS and GROUP resources (INVALID_REQUEST for that resource).
 * Errors: INVALID_TOPIC_EXCEPTION, UNKNOWN_TOPIC_OR_PARTITION, INVALID_REQUEST.
 */
import { ConfigSource, ConfigTypeCode, type DescribedConfig, describeBrokerConfigs, describeTopicConfigs, resolveTopicConfig } from '../../config';
import { ERRORS, ErrorCode } from '../../protocol/error-codes';
import type {
  DescribeConfigsRequest,
  DescribeConfigsRequestDescribeConfigsResource,
  DescribeConfigsResponse,
  DescribeConfigsResponseDescribeConfigsResourceResult,
  DescribeConfigsResponseDescribeConfigsResult,
} from '../../protocol/generated/describe-configs';
import { KafkaError, toErrorCode } from '../../protocol/kafka-errors';
import { rootLogger } from '../../util/logger';
import type { ApiHandler, RequestContext } from '../handler';
import type { BrokerServices } from '../services';
import { ConfigResourceType, ResourceError, checkBrokerId, resourceTypeName } from './config-resources';
import { topicNameError } from './topic-names';

type ResourceResult = DescribeConfigsResponseDescribeConfigsResult;
type Entry = DescribeConfigsResponseDescribeConfigsResourceResult;

interface Options {
  includeSynonyms: boolean;
  includeDocumentation: boolean;
}

export class DescribeConfigsHandler implements ApiHandler<DescribeConfigsRequest, DescribeConfigsResponse> {
  readonly apiKey = 32;
  readonly minVersion = 0;
  readonly maxVersion = 4;

  constructor(
    private readonly services: BrokerServices,
    /** The level reported for the root logger (BROKER_LOGGER); pino's root logger by default. */
    private readonly rootLogLevel: () => string = () => rootLogger().level,
  ) {}

  handle(req: DescribeConfigsRequest, ctx: RequestContext): DescribeConfigsResponse {
    for (const r of req.resources) {
      if (resourceTypeName(r.resourceType) === undefined) {
        throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected resource type ${r.resourceType} for resource ${r.resourceName}`);
      }
    }
    const v = ctx.apiVersion;
    const opts: Options = { includeSynonyms: v >= 1 && req.includeSynonyms, includeDocumentation: v >= 3 && req.includeDocumentation };
    const results = req.resources.map((r): ResourceResult => {
      try {
        return { errorCode: ErrorCode.NONE, errorMessage: '', resourceType: r.resourceType, resourceName: r.resourceName, configs: this.describe(r, opts) };
      } catch (e) {
        const code = e instanceof ResourceError ? e.errorCode : toErrorCode(e);
        return { errorCode: code, errorMessage: (e as Error).message, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] };
      }
    });
    return { throttleTimeMs: 0, results };
  }

  /** Kafka's DescribeConfigsRequest.getErrorResponse: each resource with the error. */
  errorResponse(req: DescribeConfigsRequest, errorCode: number): DescribeConfigsResponse {
    const message = ERRORS.get(errorCode)?.message ?? null;
    return {
      throttleTimeMs: 0,
      results: req.resources.map((r) => ({ errorCode, errorMessage: message, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] })),
    };
  }

  private describe(r: DescribeConfigsRequestDescribeConfigsResource, opts: Options): Entry[] {
    const config = this.services.config();
    const keys = r.configurationKeys;
    switch (r.resourceType) {
      case ConfigResourceType.TOPIC: {
        const nameError = topicNameError(r.resourceName);
        if (nameError !== null) throw new ResourceError(ErrorCode.INVALID_TOPIC_EXCEPTION, nameError);
        const topic = this.services.metadata.topic(r.resourceName);
        // Kafka sends no message for this one.
        if (!topic) throw new ResourceError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, '');
        const described = describeTopicConfigs(config, resolveTopicConfig(config, topic.configs), { ...opts, keys });
        return described.map((c) => entry(c, opts));
      }
      case ConfigResourceType.BROKER: {
        const perBroker = r.resourceName !== '';
        if (perBroker) checkBrokerId(r.resourceName, config.nodeId, 'Broker id', true);
        return describeBrokerConfigs(config, { ...opts, keys, perBroker }).map((c) => entry(c, opts));
      }
      case ConfigResourceType.BROKER_LOGGER: {
        if (r.resourceName === '') throw new ResourceError(ErrorCode.INVALID_REQUEST, 'Broker id must not be empty');
        checkBrokerId(r.resourceName, config.nodeId, 'Broker id', false);
        if (keys && keys.length > 0 && !keys.includes('root')) return [];
        return [
          {
            name: 'root',
            value: log4jLevel(this.rootLogLevel()),
            readOnly: false,
            isDefault: false,
            configSource: ConfigSource.DYNAMIC_BROKER_LOGGER_CONFIG,
            isSensitive: false,
            synonyms: [],
            configType: ConfigTypeCode.UNKNOWN,
            // What Kafka sends for its loggers (it never fills this field in for them).
            documentation: '',
          },
        ];
      }
      default:
        throw new ResourceError(ErrorCode.INVALID_REQUEST, `${resourceTypeName(r.resourceType)} configs are not served by this broker.`);
    }
  }
}

function entry(c: DescribedConfig, opts: Options): Entry {
  return {
    name: c.name,
    value: c.isSensitive ? null : c.value,
    readOnly: c.readOnly,
    isDefault: c.source === ConfigSource.DEFAULT_CONFIG,
    configSource: c.source,
    isSensitive: c.isSensitive,
    synonyms: opts.includeSynonyms ? c.synonyms.map((s) => ({ name: s.name, value: s.value, source: s.source })) : [],
    configType: c.configType,
    documentation: opts.includeDocumentation ? c.documentation : null,
  };
}

/** pino level names as log4j spells them. */
function log4jLevel(pinoLevel: string): string {
  return pinoLevel === 'silent' ? 'OFF' : pinoLevel.toUpperCase();
}
