/**
 * The vocabulary of the config schema: value types, importance, where a value came from,
 * and the shape of one key's declaration. Codes follow Kafka's DescribeConfigs response
 * (`ConfigType` and `ConfigSource` in DescribeConfigsResponse), so handlers can put them
 * on the wire as they are.
 */

/** Value types, named as in Kafka's `ConfigDef.Type`. */
export const ConfigType = {
  BOOLEAN: 'BOOLEAN',
  STRING: 'STRING',
  INT: 'INT',
  SHORT: 'SHORT',
  LONG: 'LONG',
  DOUBLE: 'DOUBLE',
  LIST: 'LIST',
  CLASS: 'CLASS',
  PASSWORD: 'PASSWORD',
} as const;
export type ConfigType = (typeof ConfigType)[keyof typeof ConfigType];

/** The `config_type` codes DescribeConfigs v3+ returns (0 = UNKNOWN). */
export const ConfigTypeCode = {
  UNKNOWN: 0,
  BOOLEAN: 1,
  STRING: 2,
  INT: 3,
  SHORT: 4,
  LONG: 5,
  DOUBLE: 6,
  LIST: 7,
  CLASS: 8,
  PASSWORD: 9,
} as const;
export type ConfigTypeCode = (typeof ConfigTypeCode)[keyof typeof ConfigTypeCode];

/** Where an effective value came from: Kafka's `DescribeConfigsResponse.ConfigSource` ids. */
export const ConfigSource = {
  UNKNOWN: 0,
  /** Kafka's admin client calls this DYNAMIC_TOPIC_CONFIG. */
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
  CLIENT_METRICS_CONFIG: 7,
  GROUP_CONFIG: 8,
} as const;
export type ConfigSource = (typeof ConfigSource)[keyof typeof ConfigSource];

export const ConfigSourceName: Readonly<Record<ConfigSource, keyof typeof ConfigSource>> = {
  0: 'UNKNOWN',
  1: 'TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
  7: 'CLIENT_METRICS_CONFIG',
  8: 'GROUP_CONFIG',
};

export const Importance = { HIGH: 'HIGH', MEDIUM: 'MEDIUM', LOW: 'LOW' } as const;
export type Importance = (typeof Importance)[keyof typeof Importance];

/** A parsed value. LONG values are JS numbers: see `value-codec.ts` for the > 2^53 caveat. */
export type ConfigValue = boolean | string | number | readonly string[] | null;

/** JS type of a parsed value, by config type. */
export interface ConfigTypeToValue {
  BOOLEAN: boolean;
  STRING: string;
  INT: number;
  SHORT: number;
  LONG: number;
  DOUBLE: number;
  LIST: readonly string[];
  CLASS: string;
  PASSWORD: string;
}

/** Checks a parsed, non-null value; returns a reason when it is not allowed. */
export interface Validator {
  /** `undefined` when valid, else why not (without the key or value: the caller adds them). */
  check(value: ConfigValue): string | undefined;
  /** Human text of what is allowed, e.g. `[1,...]` or `[delete, compact]`. */
  readonly describe: string;
}

/**
 * One key's declaration. `default: null` means "no default" (the key is optional and
 * reads as null when unset), as Kafka's `define(name, type, null, ...)`.
 */
export interface ConfigKeyDef<N extends string = string, T extends ConfigType = ConfigType> {
  readonly name: N;
  readonly type: T;
  readonly default: ConfigTypeToValue[T] | null;
  /** Short description, in our own words. */
  readonly doc: string;
  readonly importance: Importance;
  /**
   * Whether the key can change at run time without a restart (Kafka's
   * `DynamicBrokerConfig.AllDynamicConfigs` for brokers; every topic key is alterable).
   * DescribeConfigs reports a broker key as read-only when it is not dynamic.
   */
  readonly dynamic: boolean;
  readonly validator?: Validator;
  /**
   * For keys Kafka defines but this broker accepts without acting on (thread counts, ...):
   * a note logged at start-up when the key is set explicitly.
   */
  readonly ignoredNote?: string;
  /** Set for keys Kafka marks deprecated; a warning is reported when the key is set. */
  readonly deprecated?: string;
  /**
   * DescribeConfigs lists the key only when it is set explicitly: Kafka's internal keys
   * (`ConfigDef.defineInternal`, e.g. internal.segment.bytes), which Kafka leaves out of
   * DescribeConfigs unless given, and keys Kafka's own definition lacks (ours, or an
   * authorizer's), which Kafka shows only when they are given.
   */
  readonly describedOnlyWhenSet?: boolean;
}

/** A topic-level key plus the broker keys that provide its default, highest priority first. */
export interface TopicKeyDef<N extends string = string, T extends ConfigType = ConfigType> extends ConfigKeyDef<N, T> {
  /**
   * Broker synonyms in priority order, as Kafka's `ServerTopicConfigSynonyms`: the first
   * is "the" server default property; later ones are used only when earlier ones are unset.
   * Empty when the topic key has no broker-level default.
   */
  readonly brokerSynonyms: readonly string[];
}
