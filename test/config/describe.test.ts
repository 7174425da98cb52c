import {
  ConfigSource,
  ConfigTypeCode,
  describeBrokerConfigs,
  describeTopicConfigs,
  resolveBrokerConfig,
  resolveTopicConfig,
  TOPIC_KEYS,
  withDynamicConfigs,
  type DescribedConfig,
  type SettingsLayer,
} from '../../src/config';

const layer = (settings: Record<string, string>): SettingsLayer => ({
  entries: Object.entries(settings).map(([key, value]) => ({ key, value, origin: 'server.properties' })),
});
const broker = (settings: Record<string, string> = {}) => resolveBrokerConfig({ layers: [layer({ 'node.id': '1', ...settings })] });
const byName = (entries: DescribedConfig[], name: string): DescribedConfig => {
  const e = entries.find((x) => x.name === name);
  if (!e) throw new Error(`no entry ${name}`);
  return e;
};
const topicEntries = (b = broker(), overrides: Record<string, string> = {}) =>
  describeTopicConfigs(b, resolveTopicConfig(b, overrides), { includeSynonyms: true, includeDocumentation: true });

describe('describeTopicConfigs', () => {
  it('lists every topic key but the internal one with its type code and documentation', () => {
    const entries = topicEntries();
    expect(entries.map((e) => e.name)).toEqual(TOPIC_KEYS.map((k) => k.name).filter((n) => n !== 'internal.segment.bytes'));
    expect(byName(entries, 'retention.ms').configType).toBe(ConfigTypeCode.LONG);
    expect(byName(entries, 'cleanup.policy').configType).toBe(ConfigTypeCode.LIST);
    expect(byName(entries, 'preallocate').configType).toBe(ConfigTypeCode.BOOLEAN);
    expect(byName(entries, 'min.cleanable.dirty.ratio')).toMatchObject({ value: '0.5', configType: ConfigTypeCode.DOUBLE });
    expect(byName(entries, 'flush.ms').value).toBe('9223372036854775807');
    expect(byName(entries, 'segment.bytes').documentation).toMatch(/rolled/);
    expect(entries.every((e) => !e.readOnly && !e.isSensitive)).toBe(true);
  });

  it('reports a topic override as TOPIC_CONFIG, followed by the broker synonyms', () => {
    const b = broker({ 'log.cleanup.policy': 'compact' });
    const e = byName(topicEntries(b, { 'cleanup.policy': 'delete' }), 'cleanup.policy');
    expect(e).toMatchObject({ value: 'delete', source: ConfigSource.TOPIC_CONFIG });
    expect(e.synonyms).toEqual([
      { name: 'cleanup.policy', value: 'delete', source: ConfigSource.TOPIC_CONFIG },
      { name: 'log.cleanup.policy', value: 'compact', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.cleanup.policy', value: 'delete', source: ConfigSource.DEFAULT_CONFIG },
    ]);
  });

  it('reports a broker-level value as STATIC_BROKER_CONFIG', () => {
    const e = byName(topicEntries(broker({ 'log.segment.bytes': '1048576' })), 'segment.bytes');
    expect(e).toMatchObject({ value: '1048576', source: ConfigSource.STATIC_BROKER_CONFIG });
    expect(e.synonyms[0]).toEqual({ name: 'log.segment.bytes', value: '1048576', source: ConfigSource.STATIC_BROKER_CONFIG });
  });

  it('reports an untouched key as DEFAULT_CONFIG with its broker default as synonym', () => {
    const e = byName(topicEntries(), 'max.message.bytes');
    expect(e).toMatchObject({ value: '1048588', source: ConfigSource.DEFAULT_CONFIG });
    expect(e.synonyms).toEqual([{ name: 'message.max.bytes', value: '1048588', source: ConfigSource.DEFAULT_CONFIG }]);
  });

  it('keeps the retention.ms quirk of Kafka: hours alone give no synonyms and DEFAULT_CONFIG', () => {
    const e = byName(topicEntries(broker({ 'log.retention.hours': '24' })), 'retention.ms');
    expect(e).toEqual(expect.objectContaining({ value: '86400000', source: ConfigSource.DEFAULT_CONFIG, synonyms: [] }));
  });

  it('lists all retention synonyms once log.retention.ms is set', () => {
    const e = byName(topicEntries(broker({ 'log.retention.ms': '1000', 'log.retention.hours': '24' })), 'retention.ms');
    expect(e.source).toBe(ConfigSource.STATIC_BROKER_CONFIG);
    expect(e.synonyms).toEqual([
      { name: 'log.retention.ms', value: '1000', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '24', source: ConfigSource.STATIC_BROKER_CONFIG },
      { name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG },
    ]);
  });

  it('orders dynamic layers before static ones', () => {
    const b = withDynamicConfigs(broker({ 'log.segment.bytes': '2000000' }), { dynamicDefault: { 'log.segment.bytes': '3000000' }, dynamicBroker: { 'log.segment.bytes': '4000000' } });
    const e = byName(topicEntries(b), 'segment.bytes');
    expect(e.value).toBe('4000000');
    expect(e.synonyms.map((s) => s.source)).toEqual([
      ConfigSource.DYNAMIC_BROKER_CONFIG,
      ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
      ConfigSource.STATIC_BROKER_CONFIG,
      ConfigSource.DEFAULT_CONFIG,
    ]);
  });

  it('lists exactly the 37 keys a Kafka 4.4 topic describes', () => {
    expect(topicEntries().map((e) => e.name).sort()).toEqual([
      'cleanup.policy', 'compression.gzip.level', 'compression.lz4.level', 'compression.type', 'compression.zstd.level',
      'delete.retention.ms', 'errors.deadletterqueue.group.enable', 'file.delete.delay.ms', 'flush.messages', 'flush.ms',
      'follower.replication.throttled.replicas', 'index.interval.bytes', 'leader.replication.throttled.replicas',
      'local.retention.bytes', 'local.retention.ms', 'max.compaction.lag.ms', 'max.decompressed.message.bytes',
      'max.message.bytes', 'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms', 'message.timestamp.type',
      'min.cleanable.dirty.ratio', 'min.compaction.lag.ms', 'min.insync.replicas', 'preallocate', 'remote.copy.lag.bytes',
      'remote.copy.lag.ms', 'remote.log.copy.disable', 'remote.log.delete.on.disable', 'remote.storage.enable',
      'retention.bytes', 'retention.ms', 'segment.bytes', 'segment.index.bytes', 'segment.jitter.ms', 'segment.ms',
      'unclean.leader.election.enable',
    ]);
    expect(byName(topicEntries(), 'message.timestamp.after.max.ms')).toMatchObject({
      value: '3600000',
      synonyms: [{ name: 'log.message.timestamp.after.max.ms', value: '3600000', source: ConfigSource.DEFAULT_CONFIG }],
    });
  });

  it('lists internal.segment.bytes only when the topic sets it, with itself as the only synonym', () => {
    const entries = topicEntries(broker(), { 'internal.segment.bytes': '100000' });
    expect(entries).toHaveLength(38);
    expect(byName(entries, 'internal.segment.bytes')).toMatchObject({
      value: '100000',
      source: ConfigSource.TOPIC_CONFIG,
      configType: ConfigTypeCode.INT,
      synonyms: [{ name: 'internal.segment.bytes', value: '100000', source: ConfigSource.TOPIC_CONFIG }],
    });
    const b = broker();
    expect(describeTopicConfigs(b, resolveTopicConfig(b), { keys: ['internal.segment.bytes'] })).toEqual([]);
  });

  it('reports keys without a broker synonym as DEFAULT_CONFIG with no synonyms', () => {
    expect(byName(topicEntries(), 'remote.storage.enable')).toMatchObject({ value: 'false', source: ConfigSource.DEFAULT_CONFIG, synonyms: [] });
  });

  it('filters by keys and omits synonyms and docs unless asked', () => {
    const b = broker();
    const entries = describeTopicConfigs(b, resolveTopicConfig(b, { 'retention.ms': '5' }), { keys: ['retention.ms', 'segment.ms'] });
    expect(entries.map((e) => e.name)).toEqual(['retention.ms', 'segment.ms']);
    expect(entries[0]).toMatchObject({ value: '5', source: ConfigSource.TOPIC_CONFIG, synonyms: [], documentation: null });
  });
});

describe('describeBrokerConfigs', () => {
  it('describes every key with read-only flags from the dynamic set', () => {
    const entries = describeBrokerConfigs(broker({ 'num.partitions': '3' }), { perBroker: true, includeSynonyms: true });
    expect(byName(entries, 'num.partitions')).toMatchObject({
      value: '3',
      source: ConfigSource.STATIC_BROKER_CONFIG,
      readOnly: true,
      configType: ConfigTypeCode.INT,
      synonyms: [
        { name: 'num.partitions', value: '3', source: ConfigSource.STATIC_BROKER_CONFIG },
        { name: 'num.partitions', value: '1', source: ConfigSource.DEFAULT_CONFIG },
      ],
    });
    expect(byName(entries, 'log.retention.bytes').readOnly).toBe(false);
    expect(byName(entries, 'log.retention.ms')).toMatchObject({ value: null, source: ConfigSource.DEFAULT_CONFIG, readOnly: false, synonyms: [] });
    expect(byName(entries, 'log.retention.hours').synonyms).toEqual([{ name: 'log.retention.hours', value: '168', source: ConfigSource.DEFAULT_CONFIG }]);
    expect(byName(entries, 'offsets.topic.replication.factor').configType).toBe(ConfigTypeCode.SHORT);
  });

  it('hides passwords and values of unknown type', () => {
    const entries = describeBrokerConfigs(
      broker({ 'ssl.keystore.password': 'secret', 'my.custom': 'x', 'listener.name.plaintext.ssl.keystore.location': '/ks' }),
      { perBroker: true, includeSynonyms: true },
    );
    expect(byName(entries, 'ssl.keystore.password')).toMatchObject({
      value: null,
      isSensitive: true,
      configType: ConfigTypeCode.PASSWORD,
      synonyms: [{ name: 'ssl.keystore.password', value: null, source: ConfigSource.STATIC_BROKER_CONFIG }],
    });
    expect(byName(entries, 'my.custom')).toMatchObject({ value: null, isSensitive: true, configType: ConfigTypeCode.UNKNOWN });
    expect(byName(entries, 'listener.name.plaintext.ssl.keystore.location')).toMatchObject({
      value: '/ks',
      isSensitive: false,
      readOnly: true,
      configType: ConfigTypeCode.STRING,
      source: ConfigSource.STATIC_BROKER_CONFIG,
    });
  });

  it('describes only dynamic cluster defaults for the cluster-default resource', () => {
    const b = withDynamicConfigs(broker(), { dynamicDefault: { 'log.cleaner.threads': '2' }, dynamicBroker: { 'log.retention.bytes': '5' } });
    const entries = describeBrokerConfigs(b, { perBroker: false, includeSynonyms: true });
    expect(entries).toEqual([
      expect.objectContaining({
        name: 'log.cleaner.threads',
        value: '2',
        source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
        synonyms: [{ name: 'log.cleaner.threads', value: '2', source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG }],
      }),
    ]);
  });

  it('lists keys Kafka keeps internal or does not define only when set', () => {
    const names = (b: ReturnType<typeof broker>) => describeBrokerConfigs(b, { perBroker: true }).map((e) => e.name);
    const plain = names(broker());
    for (const k of ['producer.id.expiration.check.interval.ms', 'cluster.id', 'super.users', 'allow.everyone.if.no.acl.found']) {
      expect([k, plain.includes(k)]).toEqual([k, false]);
    }
    const set = describeBrokerConfigs(broker({ 'super.users': 'User:admin', 'producer.id.expiration.check.interval.ms': '1000' }), { perBroker: true });
    expect(byName(set, 'super.users')).toMatchObject({ value: 'User:admin', source: ConfigSource.STATIC_BROKER_CONFIG });
    expect(byName(set, 'producer.id.expiration.check.interval.ms')).toMatchObject({ value: '1000', readOnly: true });
  });

  it('lists unknown keys set dynamically as read-only and sensitive, as Kafka does', () => {
    const b = withDynamicConfigs(broker(), { dynamicDefault: { 'log.message.format.version': '3.0' } });
    expect(byName(describeBrokerConfigs(b, { perBroker: true, includeSynonyms: true }), 'log.message.format.version')).toMatchObject({
      value: null,
      isSensitive: true,
      readOnly: true,
      source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
      configType: ConfigTypeCode.UNKNOWN,
    });
  });

  it('reports development profile values as DEFAULT_CONFIG', () => {
    const b = resolveBrokerConfig({ profile: 'development' });
    const e = byName(describeBrokerConfigs(b, { perBroker: true, includeSynonyms: true, keys: ['listeners'] }), 'listeners');
    expect(e).toMatchObject({ value: 'PLAINTEXT://127.0.0.1:9092', source: ConfigSource.DEFAULT_CONFIG });
  });
});
