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
import { REMOVED_TOPIC_KEYS, TOPIC_KEYS, TOPIC_SCHEMA, type TopicKey, type TopicValue } from './schema';
import { BROKER_SYNONYM_SCALE } from './schema/topic';
import type { ConfigValue } from './types';

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

/** The problem text for a name Kafka 4.4 does not know (the server turns it into Kafka's wording). */
function unknownTopicKeyMessage(key: string): string {
  const removed = REMOVED_TOPIC_KEYS.get(key);
  return `unknown topic config name: ${key}${removed === undefined ? '' : ` (${removed})`}`;
}

/**
 * Checks topic config overrides as CreateTopics / AlterConfigs receive them: unknown names,
 * bad values, and conflicts. A null value means "remove the override" and is not checked;
 * removing an unknown name is allowed, as Kafka allows deleting a stale override.
 */
export function validateTopicConfigs(
  overrides: Readonly<Record<string, string | null>>,
  opts: ValidateTopicConfigOptions = {},
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const parsed = new Map<string, ConfigValue>();
  for (const [key, text] of Object.entries(overrides)) {
    if (text === null) continue;
    const def = TOPIC_SCHEMA.get(key);
    if (!def) {
      problems.push({ key, value: text, message: unknownTopicKeyMessage(key) });
      continue;
    }
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

  /** message.timestamp.before.max.ms (Kafka 4 has no older fallback bound any more). */
  get messageTimestampBeforeMaxMs(): number {
    return this.get('message.timestamp.before.max.ms');
  }

  /** message.timestamp.after.max.ms: one hour by default since Kafka 4.0 (KIP-1030). */
  get messageTimestampAfterMaxMs(): number {
    return this.get('message.timestamp.after.max.ms');
  }

  /** The size at which segments roll: internal.segment.bytes when set, else segment.bytes (LogConfig.segmentSize). */
  get segmentSize(): number {
    return this.get('internal.segment.bytes') ?? this.get('segment.bytes');
  }

  /** The sizes handed to segments at creation: the segment size when preallocating, else 0. */
  get initFileSize(): number {
    return this.get('preallocate') ? this.segmentSize : 0;
  }
}

/**
 * The effective config of a topic. Overrides with names Kafka 4.4 does not know (say a
 * message.format.version stored before the upgrade) are ignored, as Kafka's LogConfig ignores
 * them; the others are checked as `validateTopicConfigs` does, and any problem throws
 * `ConfigValidationError` (stored overrides should already be valid).
 */
export function resolveTopicConfig(broker: BrokerConfig, overrides: Readonly<Record<string, string>> = {}): TopicConfig {
  const known = Object.fromEntries(Object.entries(overrides).filter(([k]) => TOPIC_SCHEMA.has(k)));
  const problems = validateTopicConfigs(known, { broker });
  if (problems.length > 0) throw new ConfigValidationError(problems);
  const values = new Map<string, ConfigValue>(brokerTopicDefaults(broker));
  for (const [k, text] of Object.entries(known)) {
    values.set(k, checkValue(TOPIC_SCHEMA.get(k)!, text).value as ConfigValue);
  }
  return new TopicConfig(values, new Map(Object.entries(known)));
}
