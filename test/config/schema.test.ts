import { BROKER_SCHEMA, brokerConfigSynonyms, isListenerPrefixedKey, listenerBaseKey, TOPIC_SCHEMA, TOPIC_TO_BROKER_SYNONYM } from '../../src/config/schema';
import { LONG_MAX } from '../../src/config/value-codec';

const broker = (name: string) => {
  const d = BROKER_SCHEMA.get(name);
  if (!d) throw new Error(`missing broker key ${name}`);
  return d;
};
const topic = (name: string) => {
  const d = TOPIC_SCHEMA.get(name);
  if (!d) throw new Error(`missing topic key ${name}`);
  return d;
};

describe('broker schema', () => {
  it.each([
    'node.id', 'broker.id', 'process.roles', 'listeners', 'advertised.listeners', 'listener.security.protocol.map',
    'inter.broker.listener.name', 'controller.listener.names', 'log.dirs', 'log.dir', 'num.partitions',
    'default.replication.factor', 'auto.create.topics.enable', 'delete.topic.enable', 'message.max.bytes',
    'socket.request.max.bytes', 'socket.send.buffer.bytes', 'socket.receive.buffer.bytes', 'connections.max.idle.ms',
    'queued.max.requests', 'num.network.threads', 'num.io.threads', 'log.retention.hours', 'log.retention.minutes',
    'log.retention.ms', 'log.retention.bytes', 'log.retention.check.interval.ms', 'log.segment.bytes', 'log.roll.hours',
    'log.roll.ms', 'log.index.interval.bytes', 'log.index.size.max.bytes', 'log.flush.interval.messages',
    'log.flush.interval.ms', 'log.flush.scheduler.interval.ms', 'log.cleanup.policy', 'log.cleaner.enable',
    'log.cleaner.delete.retention.ms', 'log.cleaner.min.cleanable.ratio', 'log.cleaner.min.compaction.lag.ms',
    'log.message.timestamp.type', 'log.message.timestamp.before.max.ms', 'log.message.timestamp.after.max.ms',
    'max.decompressed.message.bytes', 'log.remote.copy.lag.ms', 'log.remote.copy.lag.bytes', 'offsets.topic.num.partitions', 'offsets.topic.replication.factor',
    'offsets.retention.minutes', 'offsets.retention.check.interval.ms', 'offsets.commit.timeout.ms',
    'group.initial.rebalance.delay.ms', 'group.min.session.timeout.ms', 'group.max.session.timeout.ms', 'group.max.size',
    'group.consumer.session.timeout.ms', 'group.consumer.heartbeat.interval.ms', 'group.consumer.assignors',
    'transaction.state.log.num.partitions', 'transaction.max.timeout.ms', 'transactional.id.expiration.ms',
    'producer.id.expiration.ms', 'transaction.abort.timed.out.transaction.cleanup.interval.ms', 'min.insync.replicas',
    'unclean.leader.election.enable', 'replica.lag.time.max.ms', 'cluster.id', 'fetch.max.bytes',
    'auto.leader.rebalance.enable', 'transaction.state.log.replication.factor', 'transaction.state.log.min.isr',
  ])('declares %s with a doc', (name) => {
    expect(broker(name).doc.length).toBeGreaterThan(10);
  });

  it("uses Kafka's types and defaults", () => {
    expect(broker('num.partitions')).toMatchObject({ type: 'INT', default: 1, importance: 'MEDIUM' });
    expect(broker('message.max.bytes')).toMatchObject({ type: 'INT', default: 1048588, importance: 'HIGH' });
    expect(broker('log.segment.bytes')).toMatchObject({ type: 'INT', default: 1073741824 });
    expect(broker('log.retention.hours')).toMatchObject({ type: 'INT', default: 168 });
    expect(broker('log.retention.ms')).toMatchObject({ type: 'LONG', default: null });
    expect(broker('log.retention.bytes')).toMatchObject({ type: 'LONG', default: -1 });
    expect(broker('log.flush.interval.messages')).toMatchObject({ type: 'LONG', default: LONG_MAX });
    expect(broker('log.cleanup.policy')).toMatchObject({ type: 'LIST', default: ['delete'] });
    expect(broker('log.cleaner.min.cleanable.ratio')).toMatchObject({ type: 'DOUBLE', default: 0.5 });
    expect(broker('listeners')).toMatchObject({ type: 'LIST', default: ['PLAINTEXT://:9092'] });
    expect(broker('log.dirs')).toMatchObject({ type: 'LIST', default: null });
    expect(broker('listener.security.protocol.map').default).toBe('SASL_SSL:SASL_SSL,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT');
    expect(broker('offsets.topic.replication.factor')).toMatchObject({ type: 'SHORT', default: 3 });
    expect(broker('offsets.topic.num.partitions')).toMatchObject({ type: 'INT', default: 50 });
    expect(broker('offsets.retention.minutes')).toMatchObject({ type: 'INT', default: 10080 });
    expect(broker('group.initial.rebalance.delay.ms')).toMatchObject({ type: 'INT', default: 3000 });
    expect(broker('group.max.session.timeout.ms')).toMatchObject({ default: 1800000 });
    expect(broker('transaction.max.timeout.ms')).toMatchObject({ type: 'INT', default: 900000 });
    expect(broker('transactional.id.expiration.ms')).toMatchObject({ default: 604800000 });
    expect(broker('fetch.max.bytes')).toMatchObject({ default: 57671680 });
    expect(broker('connections.max.idle.ms')).toMatchObject({ type: 'LONG', default: 600000 });
    expect(broker('ssl.keystore.password')).toMatchObject({ type: 'PASSWORD', default: null });
  });

  it('has the defaults Kafka 4 changed', () => {
    expect(broker('log.message.timestamp.after.max.ms').default).toBe(3_600_000);
    expect(broker('log.segment.bytes').validator!.describe).toBe('[1048576,...]');
    expect(broker('num.recovery.threads.per.data.dir').default).toBe(2);
    expect(broker('group.coordinator.rebalance.protocols').default).toEqual(['classic', 'consumer', 'streams']);
    expect(broker('group.consumer.assignors').default).toEqual(['uniform', 'range']);
    expect(broker('group.coordinator.append.linger.ms').default).toBe(-1);
    expect(broker('node.id').default).toBeNull();
  });

  it('no longer declares the keys Kafka 4.0 removed', () => {
    for (const k of ['log.message.format.version', 'log.message.downconversion.enable', 'log.message.timestamp.difference.max.ms', 'reserved.broker.max.id', 'broker.id.generation.enable', 'leader.imbalance.per.broker.percentage']) {
      expect([k, BROKER_SCHEMA.has(k)]).toEqual([k, false]);
    }
  });

  it('marks dynamic keys as Kafka does: the first retention synonym is, the hours form is not', () => {
    expect(broker('log.retention.ms').dynamic).toBe(true);
    expect(broker('log.retention.hours').dynamic).toBe(false);
    expect(broker('log.roll.ms').dynamic).toBe(true);
    expect(broker('log.roll.hours').dynamic).toBe(false);
    expect(broker('message.max.bytes').dynamic).toBe(true);
    expect(broker('num.io.threads').dynamic).toBe(true);
    expect(broker('listeners').dynamic).toBe(true);
    expect(broker('advertised.listeners').dynamic).toBe(false);
    expect(broker('num.partitions').dynamic).toBe(false);
    expect(broker('node.id').dynamic).toBe(false);
    expect(broker('auto.create.topics.enable').dynamic).toBe(false);
  });

  it('every broker key that is a topic default is dynamic', () => {
    for (const serverKey of TOPIC_TO_BROKER_SYNONYM.values()) {
      expect([serverKey, broker(serverKey).dynamic]).toEqual([serverKey, true]);
    }
  });

  it('flags the thread-count keys as accepted but ignored', () => {
    expect(broker('num.network.threads').ignoredNote).toMatch(/no effect/);
    expect(broker('num.io.threads').ignoredNote).toMatch(/no effect/);
  });
});

describe('topic schema', () => {
  it.each([
    'cleanup.policy', 'compression.type', 'delete.retention.ms', 'file.delete.delay.ms', 'flush.messages', 'flush.ms',
    'index.interval.bytes', 'max.compaction.lag.ms', 'max.message.bytes', 'message.timestamp.type',
    'message.timestamp.before.max.ms', 'message.timestamp.after.max.ms', 'min.cleanable.dirty.ratio',
    'min.compaction.lag.ms', 'min.insync.replicas', 'preallocate', 'retention.bytes', 'retention.ms', 'segment.bytes',
    'segment.index.bytes', 'segment.jitter.ms', 'segment.ms', 'unclean.leader.election.enable',
    'local.retention.ms', 'local.retention.bytes', 'remote.storage.enable', 'remote.copy.lag.ms', 'remote.copy.lag.bytes',
    'max.decompressed.message.bytes', 'errors.deadletterqueue.group.enable', 'internal.segment.bytes',
    'compression.gzip.level', 'compression.lz4.level', 'compression.zstd.level',
    'leader.replication.throttled.replicas', 'follower.replication.throttled.replicas',
  ])('declares %s', (name) => {
    expect(topic(name).dynamic).toBe(true);
  });

  it.each([
    ['retention.ms', ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']],
    ['segment.ms', ['log.roll.ms', 'log.roll.hours']],
    ['segment.jitter.ms', ['log.roll.jitter.ms', 'log.roll.jitter.hours']],
    ['segment.bytes', ['log.segment.bytes']],
    ['segment.index.bytes', ['log.index.size.max.bytes']],
    ['cleanup.policy', ['log.cleanup.policy']],
    ['max.message.bytes', ['message.max.bytes']],
    ['message.timestamp.type', ['log.message.timestamp.type']],
    ['flush.ms', ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms']],
    ['flush.messages', ['log.flush.interval.messages']],
    ['delete.retention.ms', ['log.cleaner.delete.retention.ms']],
    ['min.cleanable.dirty.ratio', ['log.cleaner.min.cleanable.ratio']],
    ['file.delete.delay.ms', ['log.segment.delete.delay.ms']],
    ['min.insync.replicas', ['min.insync.replicas']],
    ['remote.storage.enable', []],
    ['max.decompressed.message.bytes', ['max.decompressed.message.bytes']],
    ['remote.copy.lag.ms', ['log.remote.copy.lag.ms']],
    ['errors.deadletterqueue.group.enable', []],
    ['internal.segment.bytes', []],
  ])('%s has broker synonyms %j', (name, synonyms) => {
    expect(topic(name).brokerSynonyms).toEqual(synonyms);
  });

  it('topic defaults equal the broker defaults they mirror', () => {
    expect(topic('segment.bytes').default).toBe(broker('log.segment.bytes').default);
    expect(topic('max.message.bytes').default).toBe(broker('message.max.bytes').default);
    expect(topic('retention.ms').default).toBe((broker('log.retention.hours').default as number) * 3_600_000);
    expect(topic('segment.ms').default).toBe((broker('log.roll.hours').default as number) * 3_600_000);
    expect(topic('min.cleanable.dirty.ratio').default).toBe(broker('log.cleaner.min.cleanable.ratio').default);
  });
});

describe('synonym helpers', () => {
  it('groups the ms/minutes/hours forms as Kafka brokerConfigSynonyms does', () => {
    expect(brokerConfigSynonyms('log.retention.hours')).toEqual(['log.retention.ms', 'log.retention.minutes', 'log.retention.hours']);
    expect(brokerConfigSynonyms('log.roll.ms')).toEqual(['log.roll.ms', 'log.roll.hours']);
    expect(brokerConfigSynonyms('log.flush.interval.ms')).toEqual(['log.flush.interval.ms', 'log.flush.scheduler.interval.ms']);
    expect(brokerConfigSynonyms('num.partitions')).toEqual(['num.partitions']);
  });

  it('maps listener-prefixed keys to their base key', () => {
    expect(isListenerPrefixedKey('listener.name.internal.ssl.keystore.location')).toBe(true);
    expect(isListenerPrefixedKey('listener.security.protocol.map')).toBe(false);
    expect(listenerBaseKey('listener.name.internal.ssl.keystore.location')).toBe('ssl.keystore.location');
    expect(listenerBaseKey('listener.name.sasl_ssl.plain.sasl.jaas.config')).toBe('sasl.jaas.config');
    expect(brokerConfigSynonyms('listener.name.internal.ssl.key.password')).toEqual(['listener.name.internal.ssl.key.password', 'ssl.key.password']);
  });
});
