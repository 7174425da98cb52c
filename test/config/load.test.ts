import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigArgumentError, ConfigSource, ConfigValidationError, loadBrokerConfig, tryLoadBrokerConfig } from '../../src/config';

/** A KRaft single-node server.properties in the style Kafka ships. */
const SERVER_PROPERTIES = `
############################# Server Basics #############################
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:9093

############################# Socket Server Settings #############################
listeners=PLAINTEXT://:9092,CONTROLLER://:9093
inter.broker.listener.name=PLAINTEXT
advertised.listeners=PLAINTEXT://localhost:9092
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL
num.network.threads=3
num.io.threads=8
socket.send.buffer.bytes=102400
socket.receive.buffer.bytes=102400
socket.request.max.bytes=104857600

############################# Log Basics #############################
log.dirs=/tmp/kraft-combined-logs
num.partitions=1
num.recovery.threads.per.data.dir=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
#log.flush.interval.messages=10000
#log.flush.interval.ms=1000
log.retention.hours=168
#log.retention.bytes=1073741824
log.segment.bytes=1073741824
log.retention.check.interval.ms=300000
`;

describe('loadBrokerConfig', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-config-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("loads a Kafka-style server.properties from disk with no warnings", () => {
    const file = path.join(dir, 'server.properties');
    fs.writeFileSync(file, SERVER_PROPERTIES);
    const c = loadBrokerConfig({ configFile: file });
    expect(c.warnings).toEqual([]);
    expect(c.nodeId).toBe(1);
    expect(c.logDirs).toEqual(['/tmp/kraft-combined-logs']);
    expect(c.advertisedListeners.map((l) => `${l.name}://${l.host}:${l.port}`)).toEqual(['PLAINTEXT://localhost:9092']);
    expect(c.brokerListeners.map((l) => l.name)).toEqual(['PLAINTEXT']);
    expect(c.source('log.retention.hours')).toEqual({ source: ConfigSource.STATIC_BROKER_CONFIG, origin: `${file}:28` });
    expect(c.notes.map((n) => n.key).sort()).toEqual(['num.io.threads', 'num.network.threads']);
  });

  it('applies env over the file and overrides over env', () => {
    const c = loadBrokerConfig({
      configFile: 'server.properties',
      readFile: () => SERVER_PROPERTIES,
      env: { KAFKA_NUM_PARTITIONS: '3', KAFKA_LOG_RETENTION_HOURS: '24', KAFKA_HEAP_OPTS: '-Xmx1G' },
      overrides: ['num.partitions=6'],
    });
    expect(c.get('num.partitions')).toBe(6);
    expect(c.source('num.partitions').origin).toBe('--override num.partitions');
    expect(c.get('log.retention.hours')).toBe(24);
    expect(c.source('log.retention.hours').origin).toBe('env KAFKA_LOG_RETENTION_HOURS');
    expect(c.logRetentionMs).toBe(24 * 3_600_000);
    expect(c.warnings).toEqual([]);
  });

  it('loads the env of the apache/kafka image quick start with no file', () => {
    const c = loadBrokerConfig({
      env: {
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: 'PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093',
        KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://localhost:9092',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_NUM_PARTITIONS: '3',
        CLUSTER_ID: '5L6g3nShT-eMCtK--X86sw',
      },
    });
    expect(c.warnings).toEqual([]);
    expect(c.get('num.partitions')).toBe(3);
    expect(c.get('cluster.id')).toBe('5L6g3nShT-eMCtK--X86sw');
    expect(c.get('offsets.topic.replication.factor')).toBe(1);
  });

  it('names the file and line of a bad value', () => {
    const r = tryLoadBrokerConfig({ profile: 'development', configFile: 'a.properties', readFile: () => '# x\nnum.partitions = zero\n' });
    expect(r.problems).toEqual([
      { key: 'num.partitions', value: 'zero', origin: 'a.properties:2', message: 'expected a 32-bit integer' },
    ]);
  });

  it('reports an unreadable file and a malformed escape as config errors', () => {
    expect(() => loadBrokerConfig({ configFile: path.join(dir, 'missing.properties') })).toThrow(ConfigValidationError);
    expect(() => loadBrokerConfig({ configFile: path.join(dir, 'missing.properties') })).toThrow(/cannot read config file/);
    expect(() => loadBrokerConfig({ configFile: 'x', readFile: () => 'a=\\uZZZZ' })).toThrow(/from x:1.*malformed/);
  });

  it('rejects an override that is not key=value', () => {
    expect(() => loadBrokerConfig({ profile: 'development', overrides: ['oops'] })).toThrow(ConfigArgumentError);
  });

  it('accepts programmatic settings for embedding, below overrides', () => {
    const c = loadBrokerConfig({ profile: 'development', settings: { 'num.partitions': 5, 'auto.create.topics.enable': false }, overrides: [{ key: 'num.partitions', value: '7' }] });
    expect(c.get('num.partitions')).toBe(7);
    expect(c.get('auto.create.topics.enable')).toBe(false);
    expect(c.source('auto.create.topics.enable').origin).toBe('settings');
  });

  it('accepts properties text given directly', () => {
    const c = loadBrokerConfig({ profile: 'development', propertiesText: { text: 'log.dirs=/d1,/d2', source: 'inline' } });
    expect(c.logDirs).toEqual(['/d1', '/d2']);
    expect(c.source('log.dirs').origin).toBe('inline:1');
  });
});
