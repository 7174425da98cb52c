import { configFromEnv, envNameToConfigKey, isConfigEnvName } from '../../src/config/env';
import { ConfigArgumentError } from '../../src/config/errors';
import { extractOverrideArgs, parseOverride } from '../../src/config/overrides';

describe('envNameToConfigKey (the apache/kafka image rule)', () => {
  it.each([
    ['KAFKA_LOG_DIRS', 'log.dirs'],
    ['KAFKA_NODE_ID', 'node.id'],
    ['KAFKA_ADVERTISED_LISTENERS', 'advertised.listeners'],
    ['KAFKA_LISTENER_NAME_INTERNAL__SSL_KEYSTORE', 'listener.name.internal_ssl.keystore'],
    ['KAFKA_A___B', 'a-b'],
    ['KAFKA_X____Y', 'x-.y'], // '...' is replaced before '..', as the image does
    // Java String.replace removes every occurrence of KAFKA_, not only the prefix.
    ['KAFKA_FOO_KAFKA_BAR', 'foo.bar'],
  ])('%s → %s', (name, key) => {
    expect(envNameToConfigKey(name)).toBe(key);
  });
});

describe('isConfigEnvName', () => {
  it('accepts KAFKA_ variables that are configs', () => {
    expect(isConfigEnvName('KAFKA_NUM_PARTITIONS')).toBe(true);
    expect(isConfigEnvName('KAFKA_LOG_RETENTION_HOURS')).toBe(true);
  });

  it.each([
    'KAFKA_HEAP_OPTS',
    'KAFKA_OPTS',
    'KAFKA_JMX_OPTS',
    'KAFKA_JMX_PORT',
    'KAFKA_JMX_HOSTNAME',
    'KAFKA_LOG4J_OPTS',
    'KAFKA_LOG4J_ROOT_LOGLEVEL',
    'KAFKA_LOG4J_LOGGERS',
    'KAFKA_TOOLS_LOG4J_LOGLEVEL',
    'KAFKA_JVM_PERFORMANCE_OPTS',
    'KAFKA_GC_LOG_OPTS',
    'KAFKA_VERSION',
    'KAFKA_HOME',
    'KAFKA_DEBUG',
    'PATH',
    'kafka_node_id',
  ])('%s is not a config', (name) => {
    expect(isConfigEnvName(name)).toBe(false);
  });
});

describe('configFromEnv', () => {
  it('maps config variables, skips the rest, and names the variable', () => {
    const entries = configFromEnv({ KAFKA_NUM_PARTITIONS: '3', KAFKA_HEAP_OPTS: '-Xmx1G', HOME: '/root', KAFKA_UNSET: undefined });
    expect(entries).toEqual([{ key: 'num.partitions', value: '3', variable: 'KAFKA_NUM_PARTITIONS' }]);
  });

  it('derives listeners from advertised listeners with 0.0.0.0 hosts when listeners is unset', () => {
    const entries = configFromEnv({ KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://broker:9092,SSL://broker:9093' });
    expect(entries.find((e) => e.key === 'listeners')?.value).toBe('PLAINTEXT://0.0.0.0:9092,SSL://0.0.0.0:9093');
  });

  it('does not derive listeners when they are given or the node is controller-only', () => {
    const given = configFromEnv({ KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://b:9092', KAFKA_LISTENERS: 'PLAINTEXT://:9092' });
    expect(given.filter((e) => e.key === 'listeners')).toEqual([{ key: 'listeners', value: 'PLAINTEXT://:9092', variable: 'KAFKA_LISTENERS' }]);
    const controller = configFromEnv({ KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://b:9092', KAFKA_PROCESS_ROLES: 'controller' });
    expect(controller.some((e) => e.key === 'listeners')).toBe(false);
  });

  it('uses CLUSTER_ID as cluster.id unless KAFKA_CLUSTER_ID is set', () => {
    expect(configFromEnv({ CLUSTER_ID: '5L6g3nShT-eMCtK--X86sw' })).toEqual([
      { key: 'cluster.id', value: '5L6g3nShT-eMCtK--X86sw', variable: 'CLUSTER_ID' },
    ]);
    const both = configFromEnv({ CLUSTER_ID: 'a', KAFKA_CLUSTER_ID: 'b' });
    expect(both).toEqual([{ key: 'cluster.id', value: 'b', variable: 'KAFKA_CLUSTER_ID' }]);
  });
});

describe('--override', () => {
  it('splits at the first =', () => {
    expect(parseOverride('listener.security.protocol.map=A:PLAINTEXT')).toEqual({ key: 'listener.security.protocol.map', value: 'A:PLAINTEXT' });
    expect(parseOverride('sasl.jaas.config=x y="z=1";')).toEqual({ key: 'sasl.jaas.config', value: 'x y="z=1";' });
    expect(parseOverride('k=')).toEqual({ key: 'k', value: '' });
  });

  it('rejects text without a key', () => {
    expect(() => parseOverride('novalue')).toThrow(ConfigArgumentError);
    expect(() => parseOverride('=1')).toThrow(/expected key=value/);
  });

  it('extracts every override from an argument list and keeps the rest in order', () => {
    const { overrides, rest } = extractOverrideArgs(['server.properties', '--override', 'a=1', '--override=b=2', '--daemon']);
    expect(overrides).toEqual([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    expect(rest).toEqual(['server.properties', '--daemon']);
    expect(() => extractOverrideArgs(['--override'])).toThrow(ConfigArgumentError);
  });
});
