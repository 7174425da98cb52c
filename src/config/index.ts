/**
 * Public API of the broker configuration.
 *
 * - `loadBrokerConfig({ profile, configFile, env: process.env, overrides })` reads a Kafka
 *   `.properties` file, `KAFKA_*` variables and `--override k=v` flags (in that precedence,
 *   over the profile defaults) and returns a typed `BrokerConfig`, or throws a
 *   `ConfigValidationError` listing every problem. Unknown keys are `config.warnings`.
 * - `resolveTopicConfig(broker, overrides)` gives a topic's effective `TopicConfig`;
 *   `validateTopicConfigs(overrides)` checks CreateTopics / AlterConfigs input.
 * - `describeTopicConfigs` / `describeBrokerConfigs` produce DescribeConfigs entries
 *   (value, source, synonyms, sensitivity, read-only flag, type code, documentation).
 */
export { BrokerConfig, type DerivedBrokerValues, type RawSetting, type ValueSource } from './broker-config';
export {
  resolveBrokerConfig,
  tryResolveBrokerConfig,
  withDynamicConfigs,
  type BrokerConfigInput,
  type BrokerConfigResult,
  type SettingsLayer,
} from './broker-resolve';
export { loadBrokerConfig, tryLoadBrokerConfig, buildBrokerConfigInput, type LoadBrokerConfigOptions } from './load';
export { ConfigProfile, PROFILE_DEFAULTS } from './profiles';
export { logConfigReport } from './report';
export {
  ConfigArgumentError,
  ConfigValidationError,
  formatProblem,
  type ConfigOrigin,
  type ConfigProblem,
  type ConfigWarning,
} from './errors';
export { parseProperties, parsePropertiesEntries, PropertiesSyntaxError, type PropertyEntry } from './properties';
export { configFromEnv, envNameToConfigKey, isConfigEnvName, type EnvConfigEntry } from './env';
export { extractOverrideArgs, parseOverride, type OverrideEntry } from './overrides';
export {
  advertisedListenerProblems,
  formatEndpoint,
  parseListeners,
  parseSecurityProtocolMap,
  SecurityProtocol,
  type ListenerEndpoint,
} from './listeners';
export { brokerTopicDefaults, resolveTopicConfig, TopicConfig, validateTopicConfigs, type ValidateTopicConfigOptions } from './topic-config';
export {
  describeBrokerConfigs,
  describeTopicConfigs,
  isTopicConfigKey,
  type DescribeBrokerOptions,
  type DescribedConfig,
  type DescribedSynonym,
  type DescribeOptions,
} from './describe';
export { validateBrokerConfigUpdate, type BrokerUpdateOptions } from './dynamic';
export {
  BROKER_KEYS,
  BROKER_SCHEMA,
  TOPIC_KEYS,
  TOPIC_SCHEMA,
  TOPIC_TO_BROKER_SYNONYM,
  type BrokerKey,
  type BrokerValue,
  type TopicKey,
  type TopicValue,
} from './schema';
export {
  ConfigSource,
  ConfigSourceName,
  ConfigType,
  ConfigTypeCode,
  Importance,
  type ConfigKeyDef,
  type ConfigValue,
  type TopicKeyDef,
} from './types';
export { LONG_MAX, formatValue, parseValue } from './value-codec';
