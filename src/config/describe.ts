/**
 * DescribeConfigs entries for TOPIC and BROKER resources, computed as Kafka's
 * `ConfigHelper` does:
 * - a topic key's synonyms are the topic override (TOPIC_CONFIG) if any, then the values of
 *   its first broker synonym's own synonym group found in the dynamic per-broker, dynamic
 *   default, static and default layers, in that order; the entry's source is the first one.
 * - Kafka then drops leading synonyms until the first one named like the key being
 *   described. For retention.ms this means `log.retention.hours=168` alone yields no
 *   synonyms and source DEFAULT_CONFIG (the value itself is still the derived one), which
 *   is what a real Kafka broker reports; we keep that behaviour.
 * - broker keys are read-only unless dynamic; PASSWORD keys and keys of unknown type are
 *   sensitive and carry no value.
 * - keys marked `describedOnlyWhenSet` (Kafka's internal keys, and keys Kafka's broker does
 *   not define) are listed only when set; unknown broker keys are listed when set in any
 *   layer, static or dynamic, as Kafka lists the "originals" it does not know.
 */
import type { BrokerConfig } from './broker-config';
import { BROKER_SCHEMA, brokerConfigSynonyms, listenerBaseKey, TOPIC_KEYS, TOPIC_SCHEMA, TOPIC_TO_BROKER_SYNONYM } from './schema';
import type { TopicConfig } from './topic-config';
import { ConfigSource, ConfigTypeCode, type ConfigKeyDef, type ConfigType } from './types';
import { formatValue } from './value-codec';

export interface DescribedSynonym {
  readonly name: string;
  readonly value: string | null;
  readonly source: ConfigSource;
}

export interface DescribedConfig {
  readonly name: string;
  readonly value: string | null;
  readonly source: ConfigSource;
  readonly isSensitive: boolean;
  readonly readOnly: boolean;
  readonly synonyms: readonly DescribedSynonym[];
  /** DescribeConfigs v3+ `config_type`. */
  readonly configType: ConfigTypeCode;
  /** DescribeConfigs v3+ `documentation`; null unless asked for. */
  readonly documentation: string | null;
}

export interface DescribeOptions {
  readonly includeSynonyms?: boolean;
  readonly includeDocumentation?: boolean;
  /** Only these keys (in schema order); null/empty means all. */
  readonly keys?: readonly string[] | null;
}

function wanted(opts: DescribeOptions, name: string): boolean {
  return !opts.keys || opts.keys.length === 0 || opts.keys.includes(name);
}

const typeCode = (t: ConfigType | undefined): ConfigTypeCode => (t === undefined ? ConfigTypeCode.UNKNOWN : ConfigTypeCode[t]);

/** Kafka treats PASSWORD keys and keys whose type it cannot tell as sensitive. */
const isSensitiveType = (t: ConfigType | undefined): boolean => t === undefined || t === 'PASSWORD';

function brokerKeyDef(name: string): ConfigKeyDef | undefined {
  const exact = BROKER_SCHEMA.get(name);
  if (exact) return exact;
  const base = listenerBaseKey(name);
  return base === undefined ? undefined : BROKER_SCHEMA.get(base);
}

/** Kafka's `ConfigHelper.configSynonyms`: the layers' values for `names`, trimmed to start at `name`. */
function configSynonyms(broker: BrokerConfig, name: string, names: readonly string[], sensitive: boolean): DescribedSynonym[] {
  const staticTexts = new Map([...broker.staticSettings].map(([k, s]) => [k, s.value]));
  const layers: [ReadonlyMap<string, string>, ConfigSource][] = [
    [broker.dynamicBroker, ConfigSource.DYNAMIC_BROKER_CONFIG],
    [broker.dynamicDefault, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG],
    [staticTexts, ConfigSource.STATIC_BROKER_CONFIG],
    [broker.defaultTexts, ConfigSource.DEFAULT_CONFIG],
  ];
  const all: DescribedSynonym[] = [];
  for (const [map, source] of layers) {
    for (const n of names) {
      const v = map.get(n);
      if (v !== undefined) all.push({ name: n, value: sensitive ? null : v, source });
    }
  }
  const first = all.findIndex((s) => s.name === name);
  return first < 0 ? [] : all.slice(first);
}

/** DescribeConfigs entries of one topic. */
export function describeTopicConfigs(broker: BrokerConfig, topic: TopicConfig, opts: DescribeOptions = {}): DescribedConfig[] {
  const out: DescribedConfig[] = [];
  for (const def of TOPIC_KEYS) {
    if (!wanted(opts, def.name)) continue;
    if (def.describedOnlyWhenSet && !topic.isOverridden(def.name)) continue;
    const sensitive = isSensitiveType(def.type);
    const value = sensitive ? null : formatValue(def.type, topic.getByName(def.name) ?? null);
    const serverKey = TOPIC_TO_BROKER_SYNONYM.get(def.name);
    const synonyms = serverKey ? configSynonyms(broker, serverKey, brokerConfigSynonyms(serverKey), sensitive) : [];
    if (topic.isOverridden(def.name)) synonyms.unshift({ name: def.name, value, source: ConfigSource.TOPIC_CONFIG });
    out.push({
      name: def.name,
      value,
      source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      isSensitive: sensitive,
      readOnly: false,
      synonyms: opts.includeSynonyms ? synonyms : [],
      configType: typeCode(def.type),
      documentation: opts.includeDocumentation ? def.doc : null,
    });
  }
  return out;
}

export interface DescribeBrokerOptions extends DescribeOptions {
  /**
   * true for this broker's resource (name = its id): every key. false for the cluster-default
   * resource (empty name): only keys with a dynamic cluster default.
   */
  readonly perBroker: boolean;
}

/** DescribeConfigs entries of the broker (or of the cluster-wide dynamic defaults). */
export function describeBrokerConfigs(broker: BrokerConfig, opts: DescribeBrokerOptions): DescribedConfig[] {
  const isSet = (name: string): boolean =>
    broker.staticSettings.has(name) || broker.dynamicBroker.has(name) || broker.dynamicDefault.has(name);
  const setOutsideSchema = [...new Set([...broker.staticSettings.keys(), ...broker.dynamicBroker.keys(), ...broker.dynamicDefault.keys()])].filter(
    (k) => !BROKER_SCHEMA.has(k),
  );
  const names: string[] = opts.perBroker
    ? [...[...BROKER_SCHEMA.values()].filter((d) => !d.describedOnlyWhenSet || isSet(d.name)).map((d) => d.name), ...setOutsideSchema]
    : [...broker.dynamicDefault.keys()];
  const out: DescribedConfig[] = [];
  for (const name of names) {
    if (!wanted(opts, name)) continue;
    const def = brokerKeyDef(name);
    const sensitive = isSensitiveType(def?.type);
    let value: string | null = null;
    if (!sensitive && def) {
      if (!opts.perBroker) value = broker.dynamicDefault.get(name) ?? null;
      else if (BROKER_SCHEMA.has(name)) value = formatValue(def.type, broker.getByName(name) ?? null);
      else value = broker.getUnknown(name) ?? null;
    }
    const all = configSynonyms(broker, name, brokerConfigSynonyms(name), sensitive).filter(
      (s) => opts.perBroker || s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
    );
    out.push({
      name,
      value,
      source: all[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      isSensitive: sensitive,
      // Kafka: read-only unless the exact name is a dynamic config (listener-prefixed names are not).
      readOnly: !(BROKER_SCHEMA.get(name)?.dynamic ?? false),
      synonyms: opts.includeSynonyms ? all : [],
      configType: typeCode(def?.type),
      documentation: opts.includeDocumentation ? (def?.doc ?? null) : null,
    });
  }
  return out;
}

/** True when `name` is a topic config key (for handlers deciding between INVALID_CONFIG and others). */
export function isTopicConfigKey(name: string): boolean {
  return TOPIC_SCHEMA.has(name);
}
