/**
 * Broker keys of the group coordinator (classic and KIP-848 consumer groups), the offsets
 * topic and the transaction coordinator, after Kafka 4.4's `GroupCoordinatorConfig`,
 * `TransactionLogConfig` and `TransactionStateManagerConfig`.
 */
import { atLeast, both, custom, validList } from '../validators';
import { key } from './define';

/** Server-side assignors this broker implements, by short name and by Kafka's class name (KIP-848). */
export const CONSUMER_GROUP_ASSIGNOR_NAMES: Readonly<Record<string, 'uniform' | 'range'>> = {
  uniform: 'uniform',
  range: 'range',
  'org.apache.kafka.coordinator.group.assignor.UniformAssignor': 'uniform',
  'org.apache.kafka.coordinator.group.assignor.RangeAssignor': 'range',
};

/**
 * Kafka checks the list shape in ConfigDef and the names when it builds the assignors (an
 * unknown class fails start-up); both are checked here up front.
 */
const assignorList = both(
  validList({ emptyAllowed: false }),
  custom('uniform, range (or their Kafka class names)', (v) => {
    const bad = (v as readonly string[]).filter((i) => !(i in CONSUMER_GROUP_ASSIGNOR_NAMES));
    return bad.length === 0 ? undefined : `unknown assignor ${bad.map((b) => `'${b}'`).join(', ')}; known: uniform, range`;
  }),
);

export const COORDINATOR_KEYS = [
  // ---- classic groups
  key({
    name: 'group.initial.rebalance.delay.ms', type: 'INT', default: 3000, importance: 'MEDIUM',
    doc: 'How long the first rebalance of a new classic group waits for more members to join.',
  }),
  key({
    name: 'group.min.session.timeout.ms', type: 'INT', default: 6000, importance: 'MEDIUM',
    doc: 'Smallest session timeout a classic-group member may ask for.',
  }),
  key({
    name: 'group.max.session.timeout.ms', type: 'INT', default: 1800000, importance: 'MEDIUM',
    doc: 'Largest session timeout a classic-group member may ask for.',
  }),
  key({
    name: 'group.max.size', type: 'INT', default: 2147483647, importance: 'MEDIUM', validator: atLeast(1),
    doc: 'Most members a classic group may have.',
  }),
  key({
    name: 'group.coordinator.rebalance.protocols', type: 'LIST', default: ['classic', 'consumer', 'streams'], importance: 'MEDIUM',
    validator: validList({ allowed: ['consumer', 'classic', 'share', 'streams'], emptyAllowed: false }),
    doc: "Enabled group protocols: 'classic' (JoinGroup/SyncGroup), 'consumer' (KIP-848), 'share' (KIP-932) and 'streams' (KIP-1071). Only the protocols this broker implements are served.",
  }),
  key({
    name: 'group.coordinator.threads', type: 'INT', default: 4, importance: 'HIGH', validator: atLeast(1),
    doc: 'Coordinator threads in Kafka.', ignoredNote: 'accepted for compatibility; coordinators run on the event loop',
  }),
  key({
    name: 'group.coordinator.append.linger.ms', type: 'INT', default: -1, importance: 'MEDIUM', validator: atLeast(-1),
    doc: 'How long the coordinator waits to batch its record appends; -1 adapts the wait to the load to keep latency low.',
  }),
  // ---- consumer groups (KIP-848)
  key({
    name: 'group.consumer.session.timeout.ms', type: 'INT', default: 45000, importance: 'MEDIUM', validator: atLeast(1),
    doc: 'Session timeout of consumer-protocol group members.',
  }),
  key({
    name: 'group.consumer.min.session.timeout.ms', type: 'INT', default: 45000, importance: 'MEDIUM', validator: atLeast(1),
    doc: 'Smallest consumer-group session timeout allowed.',
  }),
  key({
    name: 'group.consumer.max.session.timeout.ms', type: 'INT', default: 60000, importance: 'MEDIUM', validator: atLeast(1),
    doc: 'Largest consumer-group session timeout allowed.',
  }),
  key({
    name: 'group.consumer.heartbeat.interval.ms', type: 'INT', default: 5000, importance: 'MEDIUM', validator: atLeast(1),
    doc: 'Heartbeat interval given to consumer-protocol group members.',
  }),
  key({
    name: 'group.consumer.min.heartbeat.interval.ms', type: 'INT', default: 5000, importance: 'MEDIUM', validator: atLeast(1),
    doc: 'Smallest consumer-group heartbeat interval allowed.',
  }),
  key({
    name: 'group.consumer.max.heartbeat.interval.ms', type: 'INT', default: 15000, importance: 'MEDIUM', validator: atLeast(1),
    doc: 'Largest consumer-group heartbeat interval allowed.',
  }),
  key({
    name: 'group.consumer.max.size', type: 'INT', default: 2147483647, importance: 'MEDIUM', validator: atLeast(1),
    doc: 'Most members a consumer-protocol group may have.',
  }),
  key({
    name: 'group.consumer.assignors', type: 'LIST', importance: 'MEDIUM', validator: assignorList,
    default: ['uniform', 'range'],
    doc: 'Server-side assignors for consumer-protocol groups; the first is used when a member names none.',
  }),
  // ---- offsets
  key({
    name: 'offsets.topic.num.partitions', type: 'INT', default: 50, importance: 'HIGH', validator: atLeast(1),
    doc: 'Partition count of __consumer_offsets; do not change it after the topic exists.',
  }),
  key({
    name: 'offsets.topic.replication.factor', type: 'SHORT', default: 3, importance: 'HIGH', validator: atLeast(1),
    doc: 'Replication factor of __consumer_offsets; group operations fail until enough brokers exist.',
  }),
  key({
    name: 'offsets.topic.segment.bytes', type: 'INT', default: 104857600, importance: 'HIGH', validator: atLeast(1),
    doc: 'Segment size of __consumer_offsets (kept small so compaction and loading stay quick).',
  }),
  key({
    name: 'offsets.topic.compression.codec', type: 'INT', default: 0, importance: 'HIGH',
    doc: 'Compression codec id for __consumer_offsets records (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd).',
  }),
  key({
    name: 'offsets.load.buffer.size', type: 'INT', default: 5242880, importance: 'HIGH', validator: atLeast(1),
    doc: 'Read size used when loading __consumer_offsets.',
  }),
  key({
    name: 'offsets.retention.minutes', type: 'INT', default: 10080, importance: 'HIGH', validator: atLeast(1),
    doc: 'How long committed offsets of an empty group are kept.',
  }),
  key({
    name: 'offsets.retention.check.interval.ms', type: 'LONG', default: 600000, importance: 'HIGH', validator: atLeast(1),
    doc: 'How often expired offsets are looked for.',
  }),
  key({
    name: 'offsets.commit.timeout.ms', type: 'INT', default: 5000, importance: 'HIGH', validator: atLeast(1),
    doc: 'How long an offset commit waits for the offsets topic replicas before failing.',
  }),
  key({
    name: 'offset.metadata.max.bytes', type: 'INT', default: 4096, importance: 'HIGH',
    doc: 'Largest metadata string stored with a committed offset.',
  }),
  // ---- transactions
  key({
    name: 'transaction.state.log.num.partitions', type: 'INT', default: 50, importance: 'HIGH', validator: atLeast(1),
    doc: 'Partition count of __transaction_state; do not change it after the topic exists.',
  }),
  key({
    name: 'transaction.state.log.replication.factor', type: 'SHORT', default: 3, importance: 'HIGH', validator: atLeast(1),
    doc: 'Replication factor of __transaction_state.',
  }),
  key({
    name: 'transaction.state.log.min.isr', type: 'INT', default: 2, importance: 'HIGH', validator: atLeast(1),
    doc: 'min.insync.replicas of __transaction_state.',
  }),
  key({
    name: 'transaction.state.log.segment.bytes', type: 'INT', default: 104857600, importance: 'HIGH', validator: atLeast(1),
    doc: 'Segment size of __transaction_state.',
  }),
  key({
    name: 'transaction.state.log.load.buffer.size', type: 'INT', default: 5242880, importance: 'HIGH', validator: atLeast(1),
    doc: 'Read size used when loading __transaction_state.',
  }),
  key({
    name: 'transaction.max.timeout.ms', type: 'INT', default: 900000, importance: 'HIGH', validator: atLeast(1),
    doc: 'Largest transaction timeout a producer may ask for (else INVALID_TRANSACTION_TIMEOUT).',
  }),
  key({
    name: 'transactional.id.expiration.ms', type: 'INT', default: 604800000, importance: 'HIGH', validator: atLeast(1),
    doc: 'How long a transactional id with no transaction activity is kept.',
  }),
  key({
    name: 'transaction.abort.timed.out.transaction.cleanup.interval.ms', type: 'INT', default: 10000, importance: 'LOW', validator: atLeast(1),
    doc: 'How often transactions past their timeout are looked for and aborted.',
  }),
  key({
    name: 'transaction.remove.expired.transaction.cleanup.interval.ms', type: 'INT', default: 3600000, importance: 'LOW', validator: atLeast(1),
    doc: 'How often expired transactional ids are removed.',
  }),
  key({
    name: 'transaction.partition.verification.enable', type: 'BOOLEAN', default: true, importance: 'LOW', dynamic: true,
    doc: 'Check that a partition was added to the transaction before accepting a transactional write (KIP-890).',
  }),
  key({
    name: 'producer.id.expiration.ms', type: 'INT', default: 86400000, importance: 'LOW', validator: atLeast(1), dynamic: true,
    doc: 'How long idempotent-producer state of an idle producer id is kept on a partition.',
  }),
  key({
    // An internal key in Kafka: DescribeConfigs shows it only when set.
    name: 'producer.id.expiration.check.interval.ms', type: 'INT', default: 600000, importance: 'LOW', validator: atLeast(1),
    describedOnlyWhenSet: true,
    doc: 'How often expired producer ids are looked for.',
  }),
] as const;
