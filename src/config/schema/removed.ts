/**
 * Keys that older Kafka versions (and earlier versions of this broker) defined but Kafka 4.x
 * no longer knows. They are treated as Kafka 4.4 treats any unknown name: a topic config
 * with such a name is refused (INVALID_CONFIG, "Unknown topic config name"), while a broker
 * setting is kept but ignored, with a warning. The notes only make those messages helpful.
 */

/** Topic keys removed in Kafka 4.0, with what replaced them. */
export const REMOVED_TOPIC_KEYS: ReadonlyMap<string, string> = new Map([
  ['message.format.version', 'removed in Kafka 4.0: records are always stored in message format v2'],
  ['message.downconversion.enable', 'removed in Kafka 4.0 with the fetch versions that needed down-conversion'],
  ['message.timestamp.difference.max.ms', 'removed in Kafka 4.0: use message.timestamp.before.max.ms and message.timestamp.after.max.ms'],
]);

/** Broker keys removed in Kafka 4.0 (many with ZooKeeper mode), with what replaced them. */
export const REMOVED_BROKER_KEYS: ReadonlyMap<string, string> = new Map([
  ['log.message.format.version', 'removed in Kafka 4.0: records are always stored in message format v2'],
  ['log.message.downconversion.enable', 'removed in Kafka 4.0 with the fetch versions that needed down-conversion'],
  [
    'log.message.timestamp.difference.max.ms',
    'removed in Kafka 4.0: use log.message.timestamp.before.max.ms and log.message.timestamp.after.max.ms',
  ],
  ['inter.broker.protocol.version', 'removed in Kafka 4.0: the metadata version takes its place'],
  ['reserved.broker.max.id', 'removed in Kafka 4.0 with ZooKeeper-era broker id generation'],
  ['broker.id.generation.enable', 'removed in Kafka 4.0 with ZooKeeper-era broker id generation'],
  ['leader.imbalance.per.broker.percentage', 'removed in Kafka 4.0'],
  ['control.plane.listener.name', 'removed in Kafka 4.0 with ZooKeeper mode'],
  ['controlled.shutdown.max.retries', 'removed in Kafka 4.0 with ZooKeeper mode'],
  ['controlled.shutdown.retry.backoff.ms', 'removed in Kafka 4.0 with ZooKeeper mode'],
  ['zookeeper.connect', 'removed in Kafka 4.0 with ZooKeeper mode'],
  ['zookeeper.session.timeout.ms', 'removed in Kafka 4.0 with ZooKeeper mode'],
  ['zookeeper.connection.timeout.ms', 'removed in Kafka 4.0 with ZooKeeper mode'],
  ['zookeeper.metadata.migration.enable', 'removed in Kafka 4.0 with ZooKeeper mode'],
  ['offsets.commit.required.acks', 'removed in Kafka 4.0: offset commits always wait for all in-sync replicas'],
]);
