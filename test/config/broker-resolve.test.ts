import {
  ConfigSource,
  ConfigValidationError,
  LONG_MAX,
  resolveBrokerConfig,
  tryResolveBrokerConfig,
  withDynamicConfigs,
  type SettingsLayer,
} from '../../src/config';

const layer = (settings: Record<string, string>, origin = 'test'): SettingsLayer => ({
  entries: Object.entries(settings).map(([key, value]) => ({ key, value, origin: `${origin} ${key}` })),
});
const dev = (settings: Record<string, string> = {}) => resolveBrokerConfig({ profile: 'development', layers: [layer(settings)] });
const problemsOf = (settings: Record<string, string>, profile: 'development' | 'production' = 'development') =>
  tryResolveBrokerConfig({ profile, layers: [layer(settings)] }).problems;

describe('profiles', () => {
  it('development works with no settings at all', () => {
    const c = dev();
    expect(c.nodeId).toBe(1);
    expect(c.get('broker.id')).toBe(1);
    expect(c.listeners).toEqual([{ name: 'PLAINTEXT', host: '127.0.0.1', port: 9092, securityProtocol: 'PLAINTEXT' }]);
    expect(c.logDirs).toEqual(['./data']);
    expect(c.get('group.initial.rebalance.delay.ms')).toBe(0);
    expect(c.get('offsets.topic.replication.factor')).toBe(1);
    expect(c.get('transaction.state.log.replication.factor')).toBe(1);
    expect(c.get('transaction.state.log.min.isr')).toBe(1);
    expect(c.get('num.partitions')).toBe(1);
    expect(c.get('auto.create.topics.enable')).toBe(true);
    expect(c.warnings).toEqual([]);
    expect(c.source('listeners')).toEqual({ source: ConfigSource.DEFAULT_CONFIG, origin: 'development profile' });
  });

  it("production uses Kafka's defaults and needs node.id", () => {
    const r = tryResolveBrokerConfig({});
    expect(r.config).toBeUndefined();
    expect(r.problems).toEqual([expect.objectContaining({ key: 'node.id', message: expect.stringMatching(/required/) })]);
    const c = resolveBrokerConfig({ layers: [layer({ 'node.id': '0' })] });
    expect(c.get('offsets.topic.replication.factor')).toBe(3);
    expect(c.get('group.initial.rebalance.delay.ms')).toBe(3000);
    expect(c.logDirs).toEqual(['/tmp/kafka-logs']);
    expect(c.listeners).toEqual([{ name: 'PLAINTEXT', host: '', port: 9092, securityProtocol: 'PLAINTEXT' }]);
    expect(c.source('offsets.topic.replication.factor')).toEqual({ source: ConfigSource.DEFAULT_CONFIG });
  });
});

describe('precedence', () => {
  it('later layers win: defaults < file < env < overrides', () => {
    const c = resolveBrokerConfig({
      profile: 'development',
      layers: [
        layer({ 'num.partitions': '2', 'log.segment.bytes': '2000000' }, 'file'),
        layer({ 'num.partitions': '3', 'default.replication.factor': '1' }, 'env'),
        layer({ 'num.partitions': '4' }, 'override'),
      ],
    });
    expect(c.get('num.partitions')).toBe(4);
    expect(c.source('num.partitions')).toEqual({ source: ConfigSource.STATIC_BROKER_CONFIG, origin: 'override num.partitions' });
    expect(c.get('log.segment.bytes')).toBe(2000000);
    expect(c.source('log.segment.bytes').origin).toBe('file log.segment.bytes');
    expect(c.isExplicit('num.partitions')).toBe(true);
    expect(c.isExplicit('delete.topic.enable')).toBe(false);
  });

  it('dynamic per-broker settings beat the cluster default, which beats static config', () => {
    const base = dev({ 'log.retention.bytes': '100' });
    const c = withDynamicConfigs(base, { dynamicDefault: { 'log.retention.bytes': '200', 'log.cleaner.backoff.ms': '5' }, dynamicBroker: { 'log.retention.bytes': '300' } });
    expect(c.get('log.retention.bytes')).toBe(300);
    expect(c.source('log.retention.bytes').source).toBe(ConfigSource.DYNAMIC_BROKER_CONFIG);
    expect(c.get('log.cleaner.backoff.ms')).toBe(5);
    expect(c.source('log.cleaner.backoff.ms').source).toBe(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG);
    expect(withDynamicConfigs(c, { dynamicBroker: {} }).get('log.retention.bytes')).toBe(200);
  });
});

describe('typed values and derived values', () => {
  it('gives typed values per key', () => {
    const c = dev({ 'log.cleanup.policy': 'compact, delete', 'log.cleaner.min.cleanable.ratio': '0.25', 'advertised.listeners': 'PLAINTEXT://example.com:9092' });
    const policy: readonly string[] = c.get('log.cleanup.policy');
    expect(policy).toEqual(['compact', 'delete']);
    expect(c.get('log.cleaner.min.cleanable.ratio')).toBe(0.25);
    const adv: readonly string[] | null = c.get('advertised.listeners');
    expect(adv).toEqual(['PLAINTEXT://example.com:9092']);
    expect(c.get('log.flush.interval.messages')).toBe(LONG_MAX);
    expect(c.get('log.retention.ms')).toBeNull();
    // @ts-expect-error keys without a default are typed nullable
    const notNull: readonly string[] = c.get('advertised.listeners');
    expect(notNull).toEqual(['PLAINTEXT://example.com:9092']);
  });

  it('retention: ms over minutes over hours; negative means -1', () => {
    expect(dev().logRetentionMs).toBe(168 * 3_600_000);
    expect(dev({ 'log.retention.hours': '1' }).logRetentionMs).toBe(3_600_000);
    expect(dev({ 'log.retention.hours': '1', 'log.retention.minutes': '5' }).logRetentionMs).toBe(300_000);
    expect(dev({ 'log.retention.hours': '1', 'log.retention.minutes': '5', 'log.retention.ms': '1234' }).logRetentionMs).toBe(1234);
    expect(dev({ 'log.retention.ms': '-5' }).logRetentionMs).toBe(-1);
    expect(dev({ 'log.retention.hours': '-1' }).logRetentionMs).toBe(-1);
    expect(problemsOf({ 'log.retention.ms': '0' })[0]).toMatchObject({ key: 'log.retention.ms', message: expect.stringMatching(/-1 \(unlimited\) or at least 1/) });
  });

  it('roll, jitter and flush intervals fall back to their secondary keys', () => {
    expect(dev().logRollMs).toBe(604_800_000);
    expect(dev({ 'log.roll.hours': '2' }).logRollMs).toBe(7_200_000);
    expect(dev({ 'log.roll.hours': '2', 'log.roll.ms': '60000' }).logRollMs).toBe(60_000);
    expect(dev({ 'log.roll.jitter.hours': '1' }).logRollJitterMs).toBe(3_600_000);
    expect(dev().logFlushIntervalMs).toBe(LONG_MAX);
    expect(dev({ 'log.flush.scheduler.interval.ms': '3000' }).logFlushIntervalMs).toBe(3000);
    expect(dev({ 'log.flush.scheduler.interval.ms': '3000', 'log.flush.interval.ms': '1000' }).logFlushIntervalMs).toBe(1000);
  });

  it('log dirs: log.dirs over log.dir, split on commas', () => {
    expect(dev({ 'log.dirs': '/a, /b' }).logDirs).toEqual(['/a', '/b']);
    const fromDir = resolveBrokerConfig({ layers: [layer({ 'node.id': '1', 'log.dir': '/x' })] });
    expect(fromDir.logDirs).toEqual(['/x']);
    expect(problemsOf({ 'log.dirs': '/a,/b/../a' })[0].message).toMatch(/listed more than once/);
    expect(problemsOf({ 'log.dirs': '' })[0]).toMatchObject({ key: 'log.dirs', message: expect.stringMatching(/must not be empty/) });
    expect(problemsOf({ 'log.dirs': '/a,,/b' })[0].message).toMatch(/list items must not be empty/);
    expect(problemsOf({ 'log.dirs': '/a,/a' })[0].message).toMatch(/'\/a' is listed twice/);
  });

  it('maps consumer group assignors to built-in names', () => {
    expect(dev().consumerGroupAssignors).toEqual(['uniform', 'range']);
    expect(dev({ 'group.consumer.assignors': 'range' }).consumerGroupAssignors).toEqual(['range']);
    expect(problemsOf({ 'group.consumer.assignors': 'sticky' })[0].message).toMatch(/unknown assignor 'sticky'/);
  });
});

describe('node.id and broker.id', () => {
  it('copies one to the other when only one is set', () => {
    const fromBroker = resolveBrokerConfig({ layers: [layer({ 'broker.id': '7' })] });
    expect(fromBroker.nodeId).toBe(7);
    expect(fromBroker.source('node.id').origin).toMatch(/via broker.id/);
    expect(dev({ 'node.id': '4' }).get('broker.id')).toBe(4);
  });

  it('rejects different values', () => {
    expect(problemsOf({ 'node.id': '1', 'broker.id': '2' })[0]).toMatchObject({ key: 'node.id', message: expect.stringMatching(/must equal broker.id/) });
  });
});

describe('problems and warnings', () => {
  it('collects every bad value, naming key, value, origin and what is allowed', () => {
    const r = tryResolveBrokerConfig({
      profile: 'development',
      layers: [layer({ 'num.partitions': '0', 'log.cleanup.policy': 'archive', 'auto.create.topics.enable': 'maybe', 'log.message.timestamp.type': 'createtime' }, 'file')],
    });
    expect(r.config).toBeUndefined();
    expect(r.problems).toEqual([
      // schema order, not input order
      { key: 'auto.create.topics.enable', value: 'maybe', origin: 'file auto.create.topics.enable', message: 'expected true or false' },
      { key: 'num.partitions', value: '0', origin: 'file num.partitions', message: 'value must be at least 1; allowed: [1,...]' },
      expect.objectContaining({ key: 'log.cleanup.policy', value: 'archive', message: expect.stringMatching(/'archive'.*allowed: \[compact, delete\]/) }),
      expect.objectContaining({ key: 'log.message.timestamp.type', message: expect.stringMatching(/CreateTime, LogAppendTime/) }),
    ]);
  });

  it('throws one ConfigValidationError whose message lists them all', () => {
    let err: unknown;
    try {
      dev({ 'num.partitions': 'x', 'message.max.bytes': '-1' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigValidationError);
    const e = err as ConfigValidationError;
    expect(e.problems.map((p) => p.key)).toEqual(['message.max.bytes', 'num.partitions']);
    expect(e.message).toMatch(/2 problems/);
    expect(e.message).toMatch(/num.partitions value 'x' \(from test num.partitions\): expected a 32-bit integer/);
  });

  it('warns about keys Kafka 4.0 removed, saying so, and ignores them', () => {
    const c = dev({ 'log.message.format.version': '2.8', 'zookeeper.connect': 'zk:2181', 'log.message.downconversion.enable': 'true' });
    expect(c.warnings.map((w) => [w.key, w.message])).toEqual([
      ['log.message.format.version', 'removed in Kafka 4.0: records are always stored in message format v2; ignored'],
      ['zookeeper.connect', 'removed in Kafka 4.0 with ZooKeeper mode; ignored'],
      ['log.message.downconversion.enable', 'removed in Kafka 4.0 with the fetch versions that needed down-conversion; ignored'],
    ]);
    expect(c.getUnknown('log.message.format.version')).toBe('2.8');
  });

  it('warns about unknown keys but accepts listener-prefixed ones', () => {
    const c = dev({ 'bogus.key': '1', 'listener.name.plaintext.ssl.keystore.location': '/ks' });
    expect(c.warnings).toEqual([{ key: 'bogus.key', origin: 'test bogus.key', message: 'unknown configuration key; ignored' }]);
    expect(c.getUnknown('listener.name.plaintext.ssl.keystore.location')).toBe('/ks');
    expect(c.getUnknown('bogus.key')).toBe('1');
  });

  it('warns about deprecated keys and notes ignored ones only when set', () => {
    expect(dev().notes).toEqual([]);
    const c = dev({ 'num.network.threads': '3' });
    expect(c.notes.map((n) => n.key)).toEqual(['num.network.threads']);
    expect(c.warnings).toEqual([]);
  });

  it('checks cross-key rules', () => {
    const keys = (s: Record<string, string>) => problemsOf(s).map((p) => p.key);
    expect(keys({ 'group.consumer.heartbeat.interval.ms': '50000' })).toEqual(['group.consumer.heartbeat.interval.ms', 'group.consumer.heartbeat.interval.ms']);
    expect(keys({ 'group.consumer.min.session.timeout.ms': '70000' })).toEqual(['group.consumer.max.session.timeout.ms', 'group.consumer.session.timeout.ms']);
    expect(keys({ 'replica.fetch.wait.max.ms': '40000' })).toEqual(['replica.socket.timeout.ms', 'replica.fetch.wait.max.ms']);
    expect(keys({ 'queued.max.request.bytes': '10' })).toEqual(['queued.max.request.bytes']);
    expect(keys({ 'max.connections.per.ip': '0' })).toEqual(['max.connections.per.ip']);
    expect(keys({ 'max.connections.per.ip': '0', 'max.connections.per.ip.overrides': 'host:5' })).toEqual([]);
    expect(keys({ 'log.cleaner.min.compaction.lag.ms': '10', 'log.cleaner.max.compaction.lag.ms': '5' })).toEqual(['log.cleaner.min.compaction.lag.ms']);
    expect(keys({ 'connection.failed.authentication.delay.ms': '700000' })).toEqual(['connection.failed.authentication.delay.ms']);
    expect(keys({ 'process.roles': 'controller' })).toEqual(['process.roles']);
    expect(keys({ 'process.roles': 'broker,broker' })).toEqual(['process.roles']);
  });

  it("checks list keys with Kafka 4.4's rules", () => {
    const first = (s: Record<string, string>) => problemsOf(s).map((p) => [p.key, p.message.split(';')[0]])[0];
    expect(first({ listeners: '' })).toEqual(['listeners', 'the list must not be empty']);
    expect(first({ listeners: 'PLAINTEXT://:9092,,SSL://:9093' })).toEqual(['listeners', 'list items must not be empty']);
    expect(first({ 'process.roles': '' })).toEqual(['process.roles', 'the list must not be empty']);
    expect(first({ 'group.coordinator.rebalance.protocols': 'classic,classic' })).toEqual(['group.coordinator.rebalance.protocols', "'classic' is listed twice"]);
    expect(first({ 'group.consumer.assignors': '' })).toEqual(['group.consumer.assignors', 'the list must not be empty']);
    expect(first({ 'controller.quorum.voters': '1@h:1,x' })).toEqual(['controller.quorum.voters', "'x' is not of the form {id}@{host}:{port}"]);
    expect(first({ 'controller.quorum.bootstrap.servers': 'h' })).toEqual(['controller.quorum.bootstrap.servers', "'h' is not of the form {host}:{port}"]);
    expect(problemsOf({ 'log.cleanup.policy': '', 'ssl.cipher.suites': '', 'early.start.listeners': '', 'controller.quorum.voters': '' })).toEqual([]);
  });

  it('needs node.id at least 0, given directly or through broker.id', () => {
    expect(problemsOf({ 'node.id': '-1' })[0]).toMatchObject({ key: 'node.id', message: expect.stringMatching(/at least 0/) });
    const viaBroker = tryResolveBrokerConfig({ layers: [layer({ 'broker.id': '-5' })] }).problems;
    expect(viaBroker).toEqual([expect.objectContaining({ key: 'node.id', value: '-5', origin: 'test broker.id, via broker.id' })]);
  });

  it('validates cluster.id as a 22-character base64url UUID', () => {
    expect(dev({ 'cluster.id': '5L6g3nShT-eMCtK--X86sw' }).get('cluster.id')).toBe('5L6g3nShT-eMCtK--X86sw');
    expect(problemsOf({ 'cluster.id': 'my-cluster' })[0].message).toMatch(/22-character base64url/);
  });
});

describe('listeners in the broker config', () => {
  it('supports named listeners with a protocol map and inter.broker.listener.name', () => {
    const c = dev({
      listeners: 'INTERNAL://:9092,EXTERNAL://0.0.0.0:9094',
      'advertised.listeners': 'INTERNAL://broker-1:9092,EXTERNAL://public.example.com:9094',
      'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL',
      'inter.broker.listener.name': 'INTERNAL',
    });
    expect(c.advertisedListeners.map((l) => [l.name, l.host, l.port, l.securityProtocol])).toEqual([
      ['INTERNAL', 'broker-1', 9092, 'PLAINTEXT'],
      ['EXTERNAL', 'public.example.com', 9094, 'SASL_SSL'],
    ]);
    expect(c.interBrokerListenerName).toBe('INTERNAL');
  });

  it('rejects an advertised listener without a matching listener', () => {
    const p = problemsOf({ 'advertised.listeners': 'PLAINTEXT://h:9092,SSL://h:9093' });
    expect(p.map((x) => x.message)).toEqual([expect.stringMatching(/advertised listener SSL has no listener of that name/)]);
  });

  it('rejects advertising 0.0.0.0, directly or through listeners', () => {
    expect(problemsOf({ listeners: 'PLAINTEXT://0.0.0.0:9092' })[0].message).toMatch(/cannot be advertised/);
    expect(problemsOf({ 'advertised.listeners': 'PLAINTEXT://0.0.0.0:9092' })[0].message).toMatch(/non-routable/);
  });

  it('needs the inter-broker listener among the advertised ones', () => {
    const p = problemsOf({ listeners: 'CLIENT://localhost:9092', 'listener.security.protocol.map': 'CLIENT:PLAINTEXT' });
    expect(p[0]).toMatchObject({ key: 'security.inter.broker.protocol', message: expect.stringMatching(/PLAINTEXT must be an advertised listener.*inter.broker.listener.name/) });
    expect(problemsOf({ 'inter.broker.listener.name': 'PLAINTEXT', 'security.inter.broker.protocol': 'PLAINTEXT' })[0].message).toMatch(/only one of/);
  });

  it('accepts a Kafka KRaft combined-mode config and keeps the controller listener out of the advertised ones', () => {
    const c = dev({
      'process.roles': 'broker,controller',
      listeners: 'PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093',
      'advertised.listeners': 'PLAINTEXT://localhost:9092',
      'controller.listener.names': 'CONTROLLER',
      'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      'controller.quorum.voters': '1@localhost:9093',
    });
    expect(c.warnings).toEqual([]);
    expect(c.controllerListenerNames).toEqual(['CONTROLLER']);
    expect(c.brokerListeners.map((l) => l.name)).toEqual(['PLAINTEXT']);
    expect(c.advertisedListeners.map((l) => l.name)).toEqual(['PLAINTEXT']);
  });

  it('gives controller listeners PLAINTEXT when the protocol map is left at its default', () => {
    const c = dev({ listeners: 'PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093', 'controller.listener.names': 'CONTROLLER' });
    expect(c.listenerSecurityProtocolMap.get('CONTROLLER')).toBe('PLAINTEXT');
    expect(problemsOf({ listeners: 'PLAINTEXT://localhost:9092', 'controller.listener.names': 'CONTROLLER' })[0].message).toMatch(/does not appear in listeners/);
  });

  it('requires a broker listener to advertise', () => {
    const p = problemsOf({ listeners: 'CONTROLLER://localhost:9093', 'controller.listener.names': 'CONTROLLER' });
    expect(p.some((x) => /at least one broker listener/.test(x.message))).toBe(true);
  });
});
