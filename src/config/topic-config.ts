/**
 * Topic configs: the defaults a broker gives every topic (Kafka's
 * `KafkaConfig.extractLogConfigMap`), a topic's effective config once its overrides are
 * applied (`LogConfig.fromProps`), and the checks CreateTopics / AlterConfigs run on
 * overrides (`LogConfig.validateNames` / `validateValues`). The server maps every problem
 * returned here to INVALID_CONFIG.
 */
import type { BrokerConfig } from './broker-config';
import { effectiveFlushIntervalMs, effectiveRetentionMs, effectiveRollJitterMs, effectiveRollMs } from './broker-derive';
import { checkValue } from './broker-resolve';
import { ConfigValidationError, type ConfigProblem } from './errors';
import { TOPIC_KEYS, TOPIC_SCHEMA, type TopicKey, type TopicValue } from './schema';
import { BROKER_SYNONYM_SCALE } from './schema/topic';
import type { ConfigValue } from './types';
import { LONG_MAX } from './value-codec';

/**
 * The value each topic key takes when the topic does not override it: from the first
 * broker synonym that is set (scaled to ms), else the topic key's own default.
 */
export function brokerTopicDefaults(broker: BrokerConfig): Map<TopicKey, ConfigValue> {
  const get = (k: string): ConfigValue => broker.getByName(k) ?? null;
  const out = new Map<TopicKey, ConfigValue>();
  for (const t of TOPIC_KEYS) {
    let value: ConfigValue = t.default;
    for (const s of t.brokerSynonyms) {
      const v = get(s);
      if (v === null) continue;
      value = typeof v === 'number' && BROKER_SYNONYM_SCALE[s] ? v * BROKER_SYNONYM_SCALE[s] : v;
      break;
    }
    out.set(t.name, value);
  }
  // Derived exactly as Kafka does, including its special cases.
  out.set('retention.ms', effectiveRetentionMs(get));
  out.set('segment.ms', effectiveRollMs(get));
  out.set('segment.jitter.ms', effectiveRollJitterMs(get));
  out.set('flush.ms', effectiveFlushIntervalMs(get));
  // Before/after fall back to the deprecated difference bound when left at Long.MAX_VALUE.
  const diff = get('log.message.timestamp.difference.max.ms') as number;
  for (const [topicKey, brokerKey] of [
    ['message.timestamp.before.max.ms', 'log.message.timestamp.before.max.ms'],
    ['message.timestamp.after.max.ms', 'log.message.timestamp.after.max.ms'],
  ] as const) {
    const v = get(brokerKey) as number;
    out.set(topicKey, v >= LONG_MAX ? diff : v);
  }
  return out;
}

export interface ValidateTopicConfigOptions {
  /**
   * The topic's current overrides, for checks that look at the resulting whole
   * (min vs max compaction lag). Keys set to null in the update are removed from it.
   */
  readonly existing?: Readonly<Record<string, string>>;
  /** Broker defaults to complete the picture; without them the topic keys' own defaults are used. */
  readonly broker?: BrokerConfig;
}

/**
 * Checks topic config overrides as CreateTopics / AlterConfigs receive them: unknown names,
 * bad values, and conflicts. A null value means "remove the override" and is not checked.
 */
export function validateTopicConfigs(
  overrides: Readonly<Record<string, string | null>>,
  opts: ValidateTopicConfigOptions = {},
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const parsed = new Map<string, ConfigValue>();
  for (const [key, text] of Object.entries(overrides)) {
    const def = TOPIC_SCHEMA.get(key);
    if (!def) {
      problems.push({ key, value: text ?? undefined, message: `unknown topic config name: ${key}` });
      continue;
    }
    if (text === null) continue;
    const checked = checkValue(def, text);
    if (checked.reason !== undefined) {
      problems.push({ key, value: text, message: checked.reason });
      continue;
    }
    parsed.set(key, checked.value as ConfigValue);
    if (key === 'remote.storage.enable' && checked.value === true) {
      problems.push({ key, value: text, message: 'tiered storage is not supported by this broker; only false is accepted' });
    }
  }

  // Conflicts are judged on the config that would result.
  // A key set to null falls back to its default, so it is simply not copied from `existing`.
  const merged = new Map<string, ConfigValue>(opts.broker ? brokerTopicDefaults(opts.broker) : TOPIC_KEYS.map((t) => [t.name, t.default]));
  for (const [k, text] of Object.entries(opts.existing ?? {})) {
    const def = TOPIC_SCHEMA.get(k);
    if (!def || k in overrides) continue;
    const checked = checkValue(def, text);
    if (checked.reason === undefined) merged.set(k, checked.value as ConfigValue);
  }
  for (const [k, v] of parsed) merged.set(k, v);
  const minLag = merged.get('min.compaction.lag.ms') as number;
  const maxLag = merged.get('max.compaction.lag.ms') as number;
  if (minLag > maxLag && (parsed.has('min.compaction.lag.ms') || parsed.has('max.compaction.lag.ms'))) {
    problems.push({
      key: parsed.has('min.compaction.lag.ms') ? 'min.compaction.lag.ms' : 'max.compaction.lag.ms',
      value: String(parsed.get('min.compaction.lag.ms') ?? parsed.get('max.compaction.lag.ms')),
      message: `min.compaction.lag.ms (${minLag}) must not exceed max.compaction.lag.ms (${maxLag})`,
    });
  }
  return problems;
}

/** A topic's effective config: broker defaults with the topic's overrides applied. */
export class TopicConfig {
  constructor(
    private readonly values: ReadonlyMap<string, ConfigValue>,
    /** The topic's own overrides, as text. */
    readonly overrides: ReadonlyMap<string, string>,
  ) {}

  get<K extends TopicKey>(key: K): TopicValue<K> {
    return this.values.get(key) as TopicValue<K>;
  }

  getByName(name: string): ConfigValue | undefined {
    return this.values.get(name);
  }

  isOverridden(key: string): boolean {
    return this.overrides.has(key);
  }

  /** cleanup.policy includes 'compact' (Kafka's LogConfig.compact). */
  get compact(): boolean {
    return this.get('cleanup.policy').map((p) => p.toLowerCase()).includes('compact');
  }

  /** cleanup.policy includes 'delete'. */
  get delete(): boolean {
    return this.get('cleanup.policy').map((p) => p.toLowerCase()).includes('delete');
  }

  /** Roll age; compacted logs also roll by max.compaction.lag.ms (LogConfig.maxSegmentMs). */
  get maxSegmentMs(): number {
    const segmentMs = this.get('segment.ms');
    const maxLag = this.get('max.compaction.lag.ms');
    return this.compact && maxLag > 0 ? Math.min(maxLag, segmentMs) : segmentMs;
  }

  /** message.timestamp.before.max.ms, or the deprecated difference bound when left at its default. */
  get messageTimestampBeforeMaxMs(): number {
    const v = this.get('message.timestamp.before.max.ms');
    return v >= LONG_MAX ? this.get('message.timestamp.difference.max.ms') : v;
  }

  get messageTimestampAfterMaxMs(): number {
    const v = this.get('message.timestamp.after.max.ms');
    return v >= LONG_MAX ? this.get('message.timestamp.difference.max.ms') : v;
  }

  /** The sizes handed to segments at creation: segment.bytes when preallocating, else 0. */
  get initFileSize(): number {
    return this.get('preallocate') ? this.get('segment.bytes') : 0;
  }
}

/**
 * The effective config of a topic. Overrides are checked as `validateTopicConfigs` does;
 * any problem throws `ConfigValidationError` (stored overrides should already be valid).
 */
export function resolveTopicConfig(broker: BrokerConfig, overrides: Readonly<Record<string, string>> = {}): TopicConfig {
  const problems = validateTopicConfigs(overrides, { broker });
  if (problems.length > 0) throw new ConfigValidationError(problems);
  const values = new Map<string, ConfigValue>(brokerTopicDefaults(broker));
  for (const [k, text] of Object.entries(overrides)) {
    values.set(k, checkValue(TOPIC_SCHEMA.get(k)!, text).value as ConfigValue);
  }
  return new TopicConfig(values, new Map(Object.entries(overrides)));
}
