/**
 * Typed per-log (topic-level) configuration, keyed by Kafka's topic-config names and with Kafka's
 * defaults (TopicConfig / LogConfig in Kafka). Values arrive from the wire as strings
 * (CreateTopics, AlterConfigs); `parseLogConfig` turns a map of overrides into a validated
 * LogConfig. Kafka's "Long.MAX_VALUE" defaults are represented as `Number.MAX_SAFE_INTEGER`
 * (anything above is clamped there: all times/counts here are compared with JS numbers).
 */

export const CleanupPolicy = { DELETE: 'delete', COMPACT: 'compact' } as const;
export type CleanupPolicyName = (typeof CleanupPolicy)[keyof typeof CleanupPolicy];

export const TimestampType = { CREATE_TIME: 'CreateTime', LOG_APPEND_TIME: 'LogAppendTime' } as const;
export type TimestampTypeName = (typeof TimestampType)[keyof typeof TimestampType];

/** Kafka's Long.MAX_VALUE ("never") as used by this module. */
export const NEVER = Number.MAX_SAFE_INTEGER;

export interface LogConfig {
  'segment.bytes': number;
  'segment.ms': number;
  'segment.jitter.ms': number;
  'segment.index.bytes': number;
  'index.interval.bytes': number;
  'flush.messages': number;
  'flush.ms': number;
  /** -1 = unlimited. */
  'retention.ms': number;
  /** -1 = unlimited. */
  'retention.bytes': number;
  /** A set: "delete", "compact" or both ("compact,delete"). */
  'cleanup.policy': readonly CleanupPolicyName[];
  'delete.retention.ms': number;
  'min.cleanable.dirty.ratio': number;
  'min.compaction.lag.ms': number;
  'max.compaction.lag.ms': number;
  'max.message.bytes': number;
  'message.timestamp.type': TimestampTypeName;
  'file.delete.delay.ms': number;
}

export type LogConfigKey = keyof LogConfig;

export const LOG_CONFIG_DEFAULTS: Readonly<LogConfig> = Object.freeze({
  'segment.bytes': 1024 * 1024 * 1024,
  'segment.ms': 7 * 24 * 60 * 60 * 1000,
  'segment.jitter.ms': 0,
  'segment.index.bytes': 10 * 1024 * 1024,
  'index.interval.bytes': 4096,
  'flush.messages': NEVER,
  'flush.ms': NEVER,
  'retention.ms': 7 * 24 * 60 * 60 * 1000,
  'retention.bytes': -1,
  'cleanup.policy': Object.freeze([CleanupPolicy.DELETE]) as readonly CleanupPolicyName[],
  'delete.retention.ms': 24 * 60 * 60 * 1000,
  'min.cleanable.dirty.ratio': 0.5,
  'min.compaction.lag.ms': 0,
  'max.compaction.lag.ms': NEVER,
  // 1 MiB + LOG_OVERHEAD, as Kafka's default.
  'max.message.bytes': 1024 * 1024 + 12,
  'message.timestamp.type': TimestampType.CREATE_TIME,
  'file.delete.delay.ms': 60_000,
});

export class InvalidLogConfigError extends Error {
  override name = 'InvalidLogConfigError';
  readonly code = 'LOG_INVALID_CONFIG';
  constructor(
    readonly key: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`invalid value ${JSON.stringify(value)} for log config ${key}: ${reason}`);
  }
}

type Parser = (key: string, v: unknown) => unknown;

const INT32_MAX = 2 ** 31 - 1;

function num(key: string, v: unknown): number {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.trim()) : NaN;
  if (!Number.isFinite(n) && n !== Infinity) throw new InvalidLogConfigError(key, v, 'not a number');
  return n;
}

function long(min: number): Parser {
  return (key, v) => {
    const n = num(key, v);
    if (!Number.isInteger(n) && n !== Infinity) throw new InvalidLogConfigError(key, v, 'not an integer');
    if (n < min) throw new InvalidLogConfigError(key, v, `must be >= ${min}`);
    return Math.min(n, NEVER);
  };
}

function int(min: number, max = INT32_MAX): Parser {
  return (key, v) => {
    const n = num(key, v);
    if (!Number.isInteger(n)) throw new InvalidLogConfigError(key, v, 'not an integer');
    if (n < min || n > max) throw new InvalidLogConfigError(key, v, `must be in [${min}, ${max}]`);
    return n;
  };
}

const ratio: Parser = (key, v) => {
  const n = num(key, v);
  if (n < 0 || n > 1) throw new InvalidLogConfigError(key, v, 'must be in [0, 1]');
  return n;
};

const cleanupPolicy: Parser = (key, v) => {
  const parts = Array.isArray(v) ? v.map(String) : String(v).split(',');
  const out = new Set<CleanupPolicyName>();
  for (const raw of parts) {
    const p = raw.trim().toLowerCase();
    if (p === '') continue;
    if (p !== CleanupPolicy.DELETE && p !== CleanupPolicy.COMPACT)
      throw new InvalidLogConfigError(key, v, 'expected delete, compact or both');
    out.add(p);
  }
  return Object.freeze([...out].sort()) as readonly CleanupPolicyName[];
};

const timestampType: Parser = (key, v) => {
  if (v === TimestampType.CREATE_TIME || v === TimestampType.LOG_APPEND_TIME) return v;
  throw new InvalidLogConfigError(key, v, 'expected CreateTime or LogAppendTime');
};

/** Validation per key; minimums follow Kafka's LogConfig definitions. */
const PARSERS: Record<LogConfigKey, Parser> = {
  // Kafka's minimum is LegacyRecord.RECORD_OVERHEAD_V0 + 14; the smaller sizes are useful in tests.
  'segment.bytes': int(14),
  'segment.ms': long(1),
  'segment.jitter.ms': long(0),
  'segment.index.bytes': int(4),
  'index.interval.bytes': int(0),
  'flush.messages': long(1),
  'flush.ms': long(0),
  'retention.ms': long(-1),
  'retention.bytes': long(-1),
  'cleanup.policy': cleanupPolicy,
  'delete.retention.ms': long(0),
  'min.cleanable.dirty.ratio': ratio,
  'min.compaction.lag.ms': long(0),
  'max.compaction.lag.ms': long(1),
  'max.message.bytes': int(0),
  'message.timestamp.type': timestampType,
  'file.delete.delay.ms': long(0),
};

export const LOG_CONFIG_KEYS = Object.keys(PARSERS) as readonly LogConfigKey[];

export function isLogConfigKey(key: string): key is LogConfigKey {
  return Object.prototype.hasOwnProperty.call(PARSERS, key);
}

/**
 * Builds a LogConfig from `base` (default: Kafka's defaults) plus overrides. Unknown keys are
 * ignored unless `strict` (topic configs that belong to other layers, e.g. min.insync.replicas,
 * travel in the same map).
 */
export function parseLogConfig(
  overrides: Readonly<Record<string, unknown>> = {},
  base: Readonly<LogConfig> = LOG_CONFIG_DEFAULTS,
  strict = false,
): LogConfig {
  const out: LogConfig = { ...base };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    if (!isLogConfigKey(key)) {
      if (strict) throw new InvalidLogConfigError(key, value, 'unknown log config');
      continue;
    }
    (out as unknown as Record<string, unknown>)[key] = PARSERS[key](key, value);
  }
  return Object.freeze(out);
}

export const isCompacted = (c: Readonly<LogConfig>): boolean => c['cleanup.policy'].includes(CleanupPolicy.COMPACT);
export const isDeleteRetained = (c: Readonly<LogConfig>): boolean =>
  c['cleanup.policy'].includes(CleanupPolicy.DELETE);

/** Entries an index of `segment.index.bytes` may hold (Kafka: maxIndexSize / entrySize). */
export const maxIndexEntries = (c: Readonly<LogConfig>, entrySize: number): number =>
  Math.max(1, Math.floor(c['segment.index.bytes'] / entrySize));
