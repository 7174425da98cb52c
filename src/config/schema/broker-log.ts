/**
 * Broker keys for the log: directories, segments, retention, flushing, indexes, the cleaner
 * and timestamps. They follow Kafka 4.4's `ServerLogConfigs`, `CleanerConfig` and the log part
 * of `KafkaConfig`; the keys that are a topic config's broker default are dynamic, as in
 * Kafka's `DynamicLogConfig.ReconfigurableConfigs` (only the first synonym: log.retention.ms
 * is dynamic, log.retention.hours is not). Kafka 4.0 removed log.message.format.version,
 * log.message.downconversion.enable and log.message.timestamp.difference.max.ms (see
 * `removed.ts`).
 */
import { atLeast, between, custom, oneOf, validList } from '../validators';
import { key } from './define';

/** Smallest segment size Kafka 4.x accepts (KIP-1030); tests use internal.segment.bytes for less. */
export const MIN_SEGMENT_BYTES = 1024 * 1024;

/** Largest decompressed record size Kafka allows (the largest array a JVM can allocate). */
export const MAX_DECOMPRESSED_MESSAGE_BYTES = 2147483639;

/** Kafka's gzip level rule: 1..9, or -1 for the codec default. */
export const gzipLevel = custom('[1,...,9] or -1', (v) =>
  typeof v === 'number' && ((v >= 1 && v <= 9) || v === -1) ? undefined : 'value must be between 1 and 9 or equal to -1');

export const LOG_KEYS = [
  key({
    name: 'log.dirs', type: 'LIST', default: null, importance: 'HIGH', validator: validList({ emptyAllowed: false }),
    doc: 'Comma-separated directories holding partition data. When unset, log.dir is used.',
  }),
  key({
    name: 'log.dir', type: 'LIST', default: ['/tmp/kafka-logs'], importance: 'HIGH', validator: validList({ emptyAllowed: false }),
    doc: 'Data directory (or comma-separated directories), used when log.dirs is unset.',
  }),
  key({
    name: 'num.partitions', type: 'INT', default: 1, importance: 'MEDIUM', validator: atLeast(1),
    doc: 'Partition count of topics created without one (including auto-created topics).',
  }),
  key({
    name: 'num.recovery.threads.per.data.dir', type: 'INT', default: 2, importance: 'HIGH', validator: atLeast(1), dynamic: true,
    doc: 'How many logs of each data directory are opened and recovered at once at start-up after an unclean shutdown; after a clean shutdown, when no log is scanned, at least 16 are opened at once.',
  }),
  key({
    // Not a Kafka key (Tributary's own); DescribeConfigs lists it only when set.
    name: 'log.direct.io.enable', type: 'BOOLEAN', default: false, importance: 'MEDIUM', describedOnlyWhenSet: true,
    doc: 'Tributary only: bypass the page cache (O_DIRECT, where the filesystem allows it; not tmpfs) for appends while the broker writes at 400 MiB/s or more, and for large fetch reads far behind the end of a log. On VMs whose fresh memory is slow to fault in, producers get 2-3x the throughput at less than half the CPU per GB, but data written that way is not in the page cache, so consumers catching up read it from the disk.',
  }),
  key({
    name: 'log.segment.bytes', type: 'INT', default: 1073741824, importance: 'HIGH', validator: atLeast(MIN_SEGMENT_BYTES), dynamic: true,
    doc: 'Size at which the active segment is rolled. Default for segment.bytes.',
  }),
  key({
    name: 'log.roll.ms', type: 'LONG', default: null, importance: 'HIGH', dynamic: true,
    doc: 'Age at which the active segment is rolled, in ms; takes precedence over log.roll.hours. Default for segment.ms.',
  }),
  key({
    name: 'log.roll.hours', type: 'INT', default: 168, importance: 'HIGH', validator: atLeast(1),
    doc: 'Age at which the active segment is rolled, in hours, when log.roll.ms is unset.',
  }),
  key({
    name: 'log.roll.jitter.ms', type: 'LONG', default: null, importance: 'HIGH', dynamic: true,
    doc: 'Largest random amount subtracted from the roll age, in ms; takes precedence over log.roll.jitter.hours. Default for segment.jitter.ms.',
  }),
  key({
    name: 'log.roll.jitter.hours', type: 'INT', default: 0, importance: 'HIGH', validator: atLeast(0),
    doc: 'Roll jitter in hours, when log.roll.jitter.ms is unset.',
  }),
  key({
    name: 'log.retention.ms', type: 'LONG', default: null, importance: 'HIGH', dynamic: true,
    doc: 'How long to keep a segment before deleting it, in ms; -1 keeps data forever. Takes precedence over log.retention.minutes and log.retention.hours. Default for retention.ms.',
  }),
  key({
    name: 'log.retention.minutes', type: 'INT', default: null, importance: 'HIGH',
    doc: 'Retention in minutes, when log.retention.ms is unset; takes precedence over log.retention.hours.',
  }),
  key({
    name: 'log.retention.hours', type: 'INT', default: 168, importance: 'HIGH',
    doc: 'Retention in hours, used when neither log.retention.ms nor log.retention.minutes is set.',
  }),
  key({
    name: 'log.retention.bytes', type: 'LONG', default: -1, importance: 'HIGH', dynamic: true,
    doc: 'Largest size of a partition before old segments are deleted; -1 for no size limit. Default for retention.bytes.',
  }),
  key({
    name: 'log.retention.check.interval.ms', type: 'LONG', default: 300000, importance: 'MEDIUM', validator: atLeast(1),
    doc: 'How often retention is checked for every partition.',
  }),
  key({
    name: 'log.cleanup.policy', type: 'LIST', default: ['delete'], importance: 'MEDIUM', dynamic: true,
    validator: validList({ allowed: ['compact', 'delete'], emptyAllowed: true }),
    doc: "What happens to segments past retention: 'delete', 'compact', both, or nothing (an empty list keeps data forever). Default for cleanup.policy.",
  }),
  key({
    name: 'log.index.size.max.bytes', type: 'INT', default: 10485760, importance: 'MEDIUM', validator: atLeast(4), dynamic: true,
    doc: 'Largest size of an offset or time index file; a full index rolls the segment. Default for segment.index.bytes.',
  }),
  key({
    name: 'log.index.interval.bytes', type: 'INT', default: 4096, importance: 'MEDIUM', validator: atLeast(0), dynamic: true,
    doc: 'Bytes appended between two offset index entries. Default for index.interval.bytes.',
  }),
  key({
    name: 'log.flush.interval.messages', type: 'LONG', default: 2 ** 63, importance: 'HIGH', validator: atLeast(1), dynamic: true,
    doc: 'Messages appended to a partition before it is fsynced; the default never forces it. Default for flush.messages.',
  }),
  key({
    name: 'log.flush.interval.ms', type: 'LONG', default: null, importance: 'HIGH', dynamic: true,
    doc: 'Longest time appended data may stay unsynced, in ms; when unset, log.flush.scheduler.interval.ms is used. Default for flush.ms.',
  }),
  key({
    name: 'log.flush.scheduler.interval.ms', type: 'LONG', default: 2 ** 63, importance: 'HIGH',
    doc: 'How often the flusher checks for partitions due an fsync.',
  }),
  key({
    name: 'log.flush.offset.checkpoint.interval.ms', type: 'INT', default: 60000, importance: 'HIGH', validator: atLeast(0),
    doc: 'How often the recovery-point checkpoint is written.',
  }),
  key({
    name: 'log.flush.start.offset.checkpoint.interval.ms', type: 'INT', default: 60000, importance: 'HIGH', validator: atLeast(0),
    doc: 'How often the log-start-offset checkpoint is written.',
  }),
  key({
    name: 'log.segment.delete.delay.ms', type: 'LONG', default: 60000, importance: 'HIGH', validator: atLeast(0), dynamic: true,
    doc: 'Delay between marking a segment deleted and removing its files. Default for file.delete.delay.ms.',
  }),
  key({
    name: 'log.preallocate', type: 'BOOLEAN', default: false, importance: 'MEDIUM', dynamic: true,
    doc: 'Preallocate segment files at their full size. Default for preallocate.',
  }),
  key({
    name: 'log.message.timestamp.type', type: 'STRING', default: 'CreateTime', importance: 'MEDIUM', dynamic: true,
    validator: oneOf('CreateTime', 'LogAppendTime'),
    doc: "Whether stored record timestamps are the producer's (CreateTime) or the broker's append time (LogAppendTime). Default for message.timestamp.type.",
  }),
  key({
    name: 'log.message.timestamp.before.max.ms', type: 'LONG', default: 2 ** 63, importance: 'MEDIUM', validator: atLeast(0), dynamic: true,
    doc: "With CreateTime, how far a record timestamp may lie before the broker's clock. Default for message.timestamp.before.max.ms.",
  }),
  key({
    // One hour since Kafka 4.0 (KIP-1030); unbounded before.
    name: 'log.message.timestamp.after.max.ms', type: 'LONG', default: 3600000, importance: 'MEDIUM', validator: atLeast(0), dynamic: true,
    doc: "With CreateTime, how far a record timestamp may lie after the broker's clock. Default for message.timestamp.after.max.ms.",
  }),
  key({
    name: 'max.decompressed.message.bytes', type: 'INT', default: MAX_DECOMPRESSED_MESSAGE_BYTES, importance: 'MEDIUM', dynamic: true,
    validator: between(1, MAX_DECOMPRESSED_MESSAGE_BYTES),
    doc: 'Largest decompressed size of a single record the broker accepts where it decompresses batches. Default for the topic-level max.decompressed.message.bytes.',
  }),
  key({
    name: 'log.local.retention.ms', type: 'LONG', default: -2, importance: 'MEDIUM', validator: atLeast(-2), dynamic: true,
    doc: 'Tiered storage: local retention in ms; -2 means use the full retention. Accepted; tiered storage is not supported.',
  }),
  key({
    name: 'log.local.retention.bytes', type: 'LONG', default: -2, importance: 'MEDIUM', validator: atLeast(-2), dynamic: true,
    doc: 'Tiered storage: local retention in bytes; -2 means use the full retention. Accepted; tiered storage is not supported.',
  }),
  key({
    name: 'log.remote.copy.lag.ms', type: 'LONG', default: 0, importance: 'MEDIUM', validator: atLeast(-1), dynamic: true,
    doc: 'Tiered storage: age a segment must reach before it is copied to remote storage. Accepted; tiered storage is not supported.',
  }),
  key({
    name: 'log.remote.copy.lag.bytes', type: 'LONG', default: -1, importance: 'MEDIUM', validator: atLeast(-1), dynamic: true,
    doc: 'Tiered storage: newer local data a segment must have behind it before it is copied to remote storage. Accepted; tiered storage is not supported.',
  }),
  key({
    name: 'log.dir.failure.timeout.ms', type: 'LONG', default: 30000, importance: 'LOW', validator: atLeast(1),
    doc: 'How long the broker keeps running after failing to report a failed log directory.',
  }),
  key({
    name: 'min.insync.replicas', type: 'INT', default: 1, importance: 'HIGH', validator: atLeast(1), dynamic: true,
    doc: 'With acks=all, the fewest in-sync replicas that must have a write for it to succeed (else NOT_ENOUGH_REPLICAS). Default for the topic-level min.insync.replicas.',
  }),
  key({
    name: 'unclean.leader.election.enable', type: 'BOOLEAN', default: false, importance: 'HIGH', dynamic: true,
    doc: 'Allow a replica outside the ISR to become leader as a last resort, at the risk of losing data.',
  }),
  key({
    name: 'compression.gzip.level', type: 'INT', default: -1, importance: 'MEDIUM', validator: gzipLevel, dynamic: true,
    doc: "Level used when compression.type is 'gzip'.",
  }),
  key({
    name: 'compression.lz4.level', type: 'INT', default: 9, importance: 'MEDIUM', validator: between(1, 17), dynamic: true,
    doc: "Level used when compression.type is 'lz4'.",
  }),
  key({
    name: 'compression.zstd.level', type: 'INT', default: 3, importance: 'MEDIUM', validator: between(-131072, 22), dynamic: true,
    doc: "Level used when compression.type is 'zstd'.",
  }),
  // ---- log cleaner (compaction)
  key({
    name: 'log.cleaner.enable', type: 'BOOLEAN', default: true, importance: 'MEDIUM',
    doc: 'Run the log cleaner. Needed by compacted topics, including __consumer_offsets.',
  }),
  key({
    name: 'log.cleaner.threads', type: 'INT', default: 1, importance: 'MEDIUM', validator: atLeast(0), dynamic: true,
    doc: 'Cleaner threads in Kafka.', ignoredNote: 'accepted for compatibility; cleaning runs as one background task',
  }),
  key({
    name: 'log.cleaner.io.max.bytes.per.second', type: 'DOUBLE', default: Number.MAX_VALUE, importance: 'MEDIUM', dynamic: true,
    doc: 'Throttle on the bytes per second the cleaner reads and writes.',
  }),
  key({
    name: 'log.cleaner.dedupe.buffer.size', type: 'LONG', default: 134217728, importance: 'MEDIUM', dynamic: true,
    doc: 'Memory for the key map used to deduplicate during cleaning.',
  }),
  key({
    name: 'log.cleaner.io.buffer.size', type: 'INT', default: 524288, importance: 'MEDIUM', validator: atLeast(0), dynamic: true,
    doc: 'Memory for cleaner read and write buffers.',
  }),
  key({
    name: 'log.cleaner.io.buffer.load.factor', type: 'DOUBLE', default: 0.9, importance: 'MEDIUM', dynamic: true,
    doc: 'How full the dedupe map may get before a cleaning pass stops.',
  }),
  key({
    name: 'log.cleaner.backoff.ms', type: 'LONG', default: 15000, importance: 'MEDIUM', validator: atLeast(0), dynamic: true,
    doc: 'Sleep between cleaner passes when nothing is cleanable.',
  }),
  key({
    name: 'log.cleaner.min.cleanable.ratio', type: 'DOUBLE', default: 0.5, importance: 'MEDIUM', validator: between(0, 1), dynamic: true,
    doc: 'Share of a log that must be uncleaned before it is compacted. Default for min.cleanable.dirty.ratio.',
  }),
  key({
    name: 'log.cleaner.delete.retention.ms', type: 'LONG', default: 86400000, importance: 'MEDIUM', validator: atLeast(0), dynamic: true,
    doc: 'How long tombstones stay in a compacted log. Default for delete.retention.ms.',
  }),
  key({
    name: 'log.cleaner.min.compaction.lag.ms', type: 'LONG', default: 0, importance: 'MEDIUM', validator: atLeast(0), dynamic: true,
    doc: 'Youngest age at which a record may be compacted. Default for min.compaction.lag.ms.',
  }),
  key({
    name: 'log.cleaner.max.compaction.lag.ms', type: 'LONG', default: 2 ** 63, importance: 'MEDIUM', validator: atLeast(1), dynamic: true,
    doc: 'Oldest age a record may reach before its log is compacted regardless of the dirty ratio. Default for max.compaction.lag.ms.',
  }),
  key({
    name: 'create.topic.policy.class.name', type: 'CLASS', default: null, importance: 'LOW',
    doc: 'Java create-topic policy class. Accepted for compatibility; not loaded.',
  }),
  key({
    name: 'alter.config.policy.class.name', type: 'CLASS', default: null, importance: 'LOW',
    doc: 'Java alter-configs policy class. Accepted for compatibility; not loaded.',
  }),
] as const;
