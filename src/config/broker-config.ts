/**
 * The resolved broker configuration: one typed value per schema key, where each came from,
 * and the values Kafka derives from several keys (effective retention/roll/flush times,
 * the log directory list, parsed listeners). Built by `resolveBrokerConfig` (layering and
 * checks live in `broker-resolve.ts`); immutable once built.
 */
import type { ConfigOrigin, ConfigWarning } from './errors';
import type { ListenerEndpoint, SecurityProtocol } from './listeners';
import type { ConfigProfile } from './profiles';
import { BROKER_SCHEMA, CONSUMER_GROUP_ASSIGNOR_NAMES, type BrokerKey, type BrokerValue } from './schema';
import { ConfigSource, type ConfigValue } from './types';

/** A text value with where it came from. */
export interface RawSetting {
  readonly value: string;
  readonly origin: ConfigOrigin;
}

/** Where one key's effective value came from. */
export interface ValueSource {
  readonly source: ConfigSource;
  /** File and line, env variable, `--override`, or the profile; absent for schema defaults. */
  readonly origin?: ConfigOrigin;
}

/** Values Kafka computes from more than one key (see `KafkaConfig`). */
export interface DerivedBrokerValues {
  /** node.id, or broker.id when only that is set. */
  readonly nodeId: number;
  readonly processRoles: readonly ('broker' | 'controller')[];
  /** log.dirs (else log.dir) split on commas. */
  readonly logDirs: readonly string[];
  /** log.retention.ms, else minutes × 60000, else hours × 3600000; any negative value is -1 (keep forever). */
  readonly logRetentionMs: number;
  /** log.roll.ms, else log.roll.hours × 3600000. */
  readonly logRollMs: number;
  /** log.roll.jitter.ms, else log.roll.jitter.hours × 3600000. */
  readonly logRollJitterMs: number;
  /** log.flush.interval.ms, else log.flush.scheduler.interval.ms. */
  readonly logFlushIntervalMs: number;
  readonly listenerSecurityProtocolMap: ReadonlyMap<string, SecurityProtocol>;
  /** Every endpoint of `listeners`, controller listeners included. */
  readonly listeners: readonly ListenerEndpoint[];
  /** Names from controller.listener.names (upper-cased). */
  readonly controllerListenerNames: readonly string[];
  /** Listeners that serve clients and brokers: `listeners` minus the controller ones. */
  readonly brokerListeners: readonly ListenerEndpoint[];
  /** What clients are told: advertised.listeners (else listeners), minus controller listeners. */
  readonly advertisedListeners: readonly ListenerEndpoint[];
  readonly interBrokerListenerName: string;
  /** group.consumer.assignors as the built-in assignor names ('uniform', 'range'). */
  readonly consumerGroupAssignors: readonly ('uniform' | 'range')[];
}

export interface BrokerConfigData {
  readonly profile: ConfigProfile;
  readonly values: ReadonlyMap<string, ConfigValue>;
  readonly sources: ReadonlyMap<string, ValueSource>;
  /** Static settings given by file, env or override, unknown keys included (Kafka's "originals"). */
  readonly staticSettings: ReadonlyMap<string, RawSetting>;
  /** Default text per key (profile over schema); keys without a default are absent. */
  readonly defaultTexts: ReadonlyMap<string, string>;
  /** Dynamic broker settings (cluster-wide default and this broker's), as text. */
  readonly dynamicDefault: ReadonlyMap<string, string>;
  readonly dynamicBroker: ReadonlyMap<string, string>;
  readonly warnings: readonly ConfigWarning[];
  /** Keys set explicitly that this broker accepts but does not act on, with why. */
  readonly notes: readonly ConfigWarning[];
  readonly derived: DerivedBrokerValues;
}

export class BrokerConfig {
  constructor(private readonly data: BrokerConfigData) {}

  get profile(): ConfigProfile {
    return this.data.profile;
  }

  /** The typed value of a schema key. */
  get<K extends BrokerKey>(key: K): BrokerValue<K> {
    return this.data.values.get(key) as BrokerValue<K>;
  }

  /** The value of any key by name, or undefined for a key outside the schema. */
  getByName(name: string): ConfigValue | undefined {
    return this.data.values.get(name);
  }

  /**
   * A setting outside the schema, as given (e.g. `listener.name.internal.ssl.keystore.location`),
   * or undefined.
   */
  getUnknown(name: string): string | undefined {
    if (BROKER_SCHEMA.has(name)) return undefined;
    return this.data.dynamicBroker.get(name) ?? this.data.dynamicDefault.get(name) ?? this.data.staticSettings.get(name)?.value;
  }

  source(key: string): ValueSource {
    return this.data.sources.get(key) ?? { source: ConfigSource.UNKNOWN };
  }

  /** True when the key was set by file, env, override or a dynamic update (not a default). */
  isExplicit(key: string): boolean {
    const s = this.source(key).source;
    return s !== ConfigSource.DEFAULT_CONFIG && s !== ConfigSource.UNKNOWN;
  }

  get warnings(): readonly ConfigWarning[] {
    return this.data.warnings;
  }

  get notes(): readonly ConfigWarning[] {
    return this.data.notes;
  }

  get staticSettings(): ReadonlyMap<string, RawSetting> {
    return this.data.staticSettings;
  }

  get defaultTexts(): ReadonlyMap<string, string> {
    return this.data.defaultTexts;
  }

  get dynamicDefault(): ReadonlyMap<string, string> {
    return this.data.dynamicDefault;
  }

  get dynamicBroker(): ReadonlyMap<string, string> {
    return this.data.dynamicBroker;
  }

  // ---- derived values
  get nodeId(): number {
    return this.data.derived.nodeId;
  }
  get processRoles(): readonly ('broker' | 'controller')[] {
    return this.data.derived.processRoles;
  }
  get logDirs(): readonly string[] {
    return this.data.derived.logDirs;
  }
  get logRetentionMs(): number {
    return this.data.derived.logRetentionMs;
  }
  get logRollMs(): number {
    return this.data.derived.logRollMs;
  }
  get logRollJitterMs(): number {
    return this.data.derived.logRollJitterMs;
  }
  get logFlushIntervalMs(): number {
    return this.data.derived.logFlushIntervalMs;
  }
  get listenerSecurityProtocolMap(): ReadonlyMap<string, SecurityProtocol> {
    return this.data.derived.listenerSecurityProtocolMap;
  }
  get listeners(): readonly ListenerEndpoint[] {
    return this.data.derived.listeners;
  }
  get controllerListenerNames(): readonly string[] {
    return this.data.derived.controllerListenerNames;
  }
  get brokerListeners(): readonly ListenerEndpoint[] {
    return this.data.derived.brokerListeners;
  }
  get advertisedListeners(): readonly ListenerEndpoint[] {
    return this.data.derived.advertisedListeners;
  }
  get interBrokerListenerName(): string {
    return this.data.derived.interBrokerListenerName;
  }
  get consumerGroupAssignors(): readonly ('uniform' | 'range')[] {
    return this.data.derived.consumerGroupAssignors;
  }

  /** The underlying data, e.g. to re-resolve with dynamic settings. */
  toData(): BrokerConfigData {
    return this.data;
  }
}

/** Maps group.consumer.assignors entries to built-in assignor names (validated beforehand). */
export function assignorNames(list: readonly string[]): ('uniform' | 'range')[] {
  return list.map((n) => CONSUMER_GROUP_ASSIGNOR_NAMES[n]).filter((n): n is 'uniform' | 'range' => n !== undefined);
}
