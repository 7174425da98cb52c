/**
 * Topic-level keys: Kafka 4.4's `TopicConfig` / `LogConfig` list with types, defaults and
 * validators, and for each its broker-level synonyms in priority order, as Kafka's
 * `ServerTopicConfigSynonyms` (e.g. retention.ms ← log.retention.ms ← log.retention.minutes
 * ← log.retention.hours). A topic value that is not overridden comes from the first broker
 * synonym that is set, converted to the topic's unit (see `BROKER_SYNONYM_SCALE`).
 * DescribeConfigs lists these keys (internal.segment.bytes only when set); Kafka 4.0 removed
 * message.format.version, message.downconversion.enable and
 * message.timestamp.difference.max.ms, which are now unknown names (see `removed.ts`).
 */
import { atLeast, between, custom, oneOf, validList } from '../validators';
import { gzipLevel, MAX_DECOMPRESSED_MESSAGE_BYTES, MIN_SEGMENT_BYTES } from './broker-log';
import { topicKey } from './define';

/** Broker keys whose value must be scaled to the topic key's unit (hours/minutes → ms). */
export const BROKER_SYNONYM_SCALE: Readonly<Record<string, number>> = {
  'log.roll.hours': 3_600_000,
  'log.roll.jitter.hours': 3_600_000,
  'log.retention.minutes': 60_000,
  'log.retention.hours': 3_600_000,
};

/**
 * `*` alone, or partitionId:brokerId pairs (Kafka's ThrottledReplicaListValidator, which lets
 * empty items and repeats through).
 */
const throttledReplicas = custom("'*' or partitionId:brokerId pairs", (v) => {
  const items = v as readonly string[];
  if (items.length === 1 && items[0] === '*') return undefined;
  const bad = items.filter((i) => !/^(\d+:\d+)?$/.test(i));
  return bad.length === 0 ? undefined : "value must be '*' or a list of partitionId:brokerId pairs";
});

export const TOPIC_KEYS = [
  topicKey({
    name: 'cleanup.policy', type: 'LIST', default: ['delete'], importance: 'MEDIUM',
    validator: validList({ allowed: ['compact', 'delete'], emptyAllowed: true }),
    brokerSynonyms: ['log.cleanup.policy'],
    doc: "'delete' drops segments past retention; 'compact' keeps the latest record per key; 'compact,delete' does both; an empty list keeps every segment.",
  }),
  topicKey({
    name: 'compression.type', type: 'STRING', default: 'producer', importance: 'MEDIUM',
    validator: oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'),
    brokerSynonyms: ['compression.type'],
    doc: "Compression of stored batches: a codec, 'uncompressed', or 'producer' to keep the producer's.",
  }),
  topicKey({
    name: 'compression.gzip.level', type: 'INT', default: -1, importance: 'MEDIUM', validator: gzipLevel,
    brokerSynonyms: ['compression.gzip.level'], doc: "Level used when compression.type is 'gzip'.",
  }),
  topicKey({
    name: 'compression.lz4.level', type: 'INT', default: 9, importance: 'MEDIUM', validator: between(1, 17),
    brokerSynonyms: ['compression.lz4.level'], doc: "Level used when compression.type is 'lz4'.",
  }),
  topicKey({
    name: 'compression.zstd.level', type: 'INT', default: 3, importance: 'MEDIUM', validator: between(-131072, 22),
    brokerSynonyms: ['compression.zstd.level'], doc: "Level used when compression.type is 'zstd'.",
  }),
  topicKey({
    name: 'delete.retention.ms', type: 'LONG', default: 86400000, importance: 'MEDIUM', validator: atLeast(0),
    brokerSynonyms: ['log.cleaner.delete.retention.ms'],
    doc: 'How long tombstones stay in a compacted log; also how long a reader from offset 0 has to finish.',
  }),
  topicKey({
    name: 'file.delete.delay.ms', type: 'LONG', default: 60000, importance: 'MEDIUM', validator: atLeast(0),
    brokerSynonyms: ['log.segment.delete.delay.ms'], doc: 'Delay before the files of a deleted segment are removed.',
  }),
  topicKey({
    name: 'flush.messages', type: 'LONG', default: 2 ** 63, importance: 'MEDIUM', validator: atLeast(1),
    brokerSynonyms: ['log.flush.interval.messages'],
    doc: 'Force an fsync after this many messages; by default the OS decides and replication gives durability.',
  }),
  topicKey({
    name: 'flush.ms', type: 'LONG', default: 2 ** 63, importance: 'MEDIUM', validator: atLeast(0),
    brokerSynonyms: ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
    doc: 'Force an fsync when unsynced data is this old.',
  }),
  topicKey({
    name: 'follower.replication.throttled.replicas', type: 'LIST', default: [], importance: 'MEDIUM', validator: throttledReplicas,
    brokerSynonyms: [], doc: 'Replicas whose follower-side replication is throttled.',
  }),
  topicKey({
    name: 'errors.deadletterqueue.group.enable', type: 'BOOLEAN', default: false, importance: 'MEDIUM',
    brokerSynonyms: [], doc: 'Whether share groups may use this topic as their dead-letter queue (KIP-932). Accepted; share groups are not served.',
  }),
  topicKey({
    name: 'index.interval.bytes', type: 'INT', default: 4096, importance: 'MEDIUM', validator: atLeast(0),
    brokerSynonyms: ['log.index.interval.bytes'], doc: 'Bytes appended between two offset index entries.',
  }),
  topicKey({
    // Internal in Kafka (listed by DescribeConfigs only when set): a segment size below
    // segment.bytes' 1 MiB floor, for tests.
    name: 'internal.segment.bytes', type: 'INT', default: null, importance: 'MEDIUM', describedOnlyWhenSet: true,
    brokerSynonyms: [], doc: 'When set, the segment size used instead of segment.bytes, without its lower bound. For tests only.',
  }),
  topicKey({
    name: 'leader.replication.throttled.replicas', type: 'LIST', default: [], importance: 'MEDIUM', validator: throttledReplicas,
    brokerSynonyms: [], doc: 'Replicas whose leader-side replication is throttled.',
  }),
  topicKey({
    name: 'local.retention.bytes', type: 'LONG', default: -2, importance: 'MEDIUM', validator: atLeast(-2),
    brokerSynonyms: ['log.local.retention.bytes'],
    doc: 'Tiered storage: bytes kept locally; -2 means retention.bytes. Accepted; tiered storage is not supported.',
  }),
  topicKey({
    name: 'local.retention.ms', type: 'LONG', default: -2, importance: 'MEDIUM', validator: atLeast(-2),
    brokerSynonyms: ['log.local.retention.ms'],
    doc: 'Tiered storage: time data is kept locally; -2 means retention.ms. Accepted; tiered storage is not supported.',
  }),
  topicKey({
    name: 'max.compaction.lag.ms', type: 'LONG', default: 2 ** 63, importance: 'MEDIUM', validator: atLeast(1),
    brokerSynonyms: ['log.cleaner.max.compaction.lag.ms'],
    doc: 'Oldest age a record may reach before its log is compacted regardless of the dirty ratio.',
  }),
  topicKey({
    name: 'max.message.bytes', type: 'INT', default: 1048588, importance: 'MEDIUM', validator: atLeast(0),
    brokerSynonyms: ['message.max.bytes'], doc: 'Largest record batch (after compression) accepted for this topic.',
  }),
  topicKey({
    name: 'max.decompressed.message.bytes', type: 'INT', default: MAX_DECOMPRESSED_MESSAGE_BYTES, importance: 'MEDIUM',
    validator: between(1, MAX_DECOMPRESSED_MESSAGE_BYTES), brokerSynonyms: ['max.decompressed.message.bytes'],
    doc: 'Largest decompressed size of a single record, checked where the broker decompresses batches (unlike max.message.bytes, which bounds the compressed batch).',
  }),
  topicKey({
    // One hour since Kafka 4.0 (KIP-1030); unbounded before.
    name: 'message.timestamp.after.max.ms', type: 'LONG', default: 3600000, importance: 'MEDIUM', validator: atLeast(0),
    brokerSynonyms: ['log.message.timestamp.after.max.ms'],
    doc: "With CreateTime, how far a record timestamp may lie after the broker's clock (else INVALID_TIMESTAMP).",
  }),
  topicKey({
    name: 'message.timestamp.before.max.ms', type: 'LONG', default: 2 ** 63, importance: 'MEDIUM', validator: atLeast(0),
    brokerSynonyms: ['log.message.timestamp.before.max.ms'],
    doc: "With CreateTime, how far a record timestamp may lie before the broker's clock (else INVALID_TIMESTAMP).",
  }),
  topicKey({
    name: 'message.timestamp.type', type: 'STRING', default: 'CreateTime', importance: 'MEDIUM', validator: oneOf('CreateTime', 'LogAppendTime'),
    brokerSynonyms: ['log.message.timestamp.type'],
    doc: "Whether stored timestamps are the producer's (CreateTime) or the broker's append time (LogAppendTime).",
  }),
  topicKey({
    name: 'min.cleanable.dirty.ratio', type: 'DOUBLE', default: 0.5, importance: 'MEDIUM', validator: between(0, 1),
    brokerSynonyms: ['log.cleaner.min.cleanable.ratio'],
    doc: 'Share of the log that must be uncompacted before the cleaner compacts it.',
  }),
  topicKey({
    name: 'min.compaction.lag.ms', type: 'LONG', default: 0, importance: 'MEDIUM', validator: atLeast(0),
    brokerSynonyms: ['log.cleaner.min.compaction.lag.ms'], doc: 'Youngest age at which a record may be compacted.',
  }),
  topicKey({
    name: 'min.insync.replicas', type: 'INT', default: 1, importance: 'MEDIUM', validator: atLeast(1),
    brokerSynonyms: ['min.insync.replicas'],
    doc: 'With acks=all, the fewest in-sync replicas that must have a write for it to succeed.',
  }),
  topicKey({
    name: 'preallocate', type: 'BOOLEAN', default: false, importance: 'MEDIUM',
    brokerSynonyms: ['log.preallocate'], doc: 'Preallocate segment files at their full size.',
  }),
  topicKey({
    name: 'remote.copy.lag.bytes', type: 'LONG', default: -1, importance: 'MEDIUM', validator: atLeast(-1),
    brokerSynonyms: ['log.remote.copy.lag.bytes'],
    doc: 'Tiered storage: newer local data a segment must have behind it before it is copied; -1 follows local retention. Accepted; not supported.',
  }),
  topicKey({
    name: 'remote.copy.lag.ms', type: 'LONG', default: 0, importance: 'MEDIUM', validator: atLeast(-1),
    brokerSynonyms: ['log.remote.copy.lag.ms'],
    doc: 'Tiered storage: age a segment must reach before it is copied; -1 follows local retention. Accepted; not supported.',
  }),
  topicKey({
    name: 'remote.log.copy.disable', type: 'BOOLEAN', default: false, importance: 'MEDIUM',
    brokerSynonyms: [], doc: 'Tiered storage: stop copying segments to remote storage. Accepted; not supported.',
  }),
  topicKey({
    name: 'remote.log.delete.on.disable', type: 'BOOLEAN', default: false, importance: 'MEDIUM',
    brokerSynonyms: [], doc: 'Tiered storage: delete remote data when it is disabled. Accepted; not supported.',
  }),
  topicKey({
    name: 'remote.storage.enable', type: 'BOOLEAN', default: false, importance: 'MEDIUM',
    brokerSynonyms: [], doc: 'Tiered storage for this topic. Not supported: only false is accepted.',
  }),
  topicKey({
    name: 'retention.bytes', type: 'LONG', default: -1, importance: 'MEDIUM',
    brokerSynonyms: ['log.retention.bytes'],
    doc: 'Largest size of a partition before old segments are deleted (with the delete policy); -1 for no limit.',
  }),
  topicKey({
    name: 'retention.ms', type: 'LONG', default: 604800000, importance: 'MEDIUM', validator: atLeast(-1),
    brokerSynonyms: ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
    doc: 'How long data is kept before old segments are deleted (with the delete policy); -1 keeps it forever.',
  }),
  topicKey({
    name: 'segment.bytes', type: 'INT', default: 1073741824, importance: 'MEDIUM', validator: atLeast(MIN_SEGMENT_BYTES),
    brokerSynonyms: ['log.segment.bytes'], doc: 'Size at which the active segment is rolled.',
  }),
  topicKey({
    name: 'segment.index.bytes', type: 'INT', default: 10485760, importance: 'MEDIUM', validator: atLeast(4),
    brokerSynonyms: ['log.index.size.max.bytes'], doc: 'Largest size of a segment index file.',
  }),
  topicKey({
    name: 'segment.jitter.ms', type: 'LONG', default: 0, importance: 'MEDIUM', validator: atLeast(0),
    brokerSynonyms: ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
    doc: 'Largest random amount subtracted from the roll age, so partitions do not all roll at once.',
  }),
  topicKey({
    name: 'segment.ms', type: 'LONG', default: 604800000, importance: 'MEDIUM', validator: atLeast(1),
    brokerSynonyms: ['log.roll.ms', 'log.roll.hours'],
    doc: 'Age at which the active segment is rolled even if not full, so retention can act on it.',
  }),
  topicKey({
    name: 'unclean.leader.election.enable', type: 'BOOLEAN', default: false, importance: 'MEDIUM',
    brokerSynonyms: ['unclean.leader.election.enable'],
    doc: 'Allow a replica outside the ISR to become leader as a last resort, at the risk of losing data.',
  }),
] as const;

export type TopicKeyName = (typeof TOPIC_KEYS)[number]['name'];
