/**
 * End to end: the metadata and admin APIs of a broker started in the test, through kafkajs'
 * admin client and through raw frames at the lowest and highest version of each API; topic
 * metadata surviving a restart; and the answers a client gets for a topic deleted under it.
 */
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';
import { ErrorCode } from '../../src/protocol/error-codes';
import { ZERO_UUID } from '../../src/protocol/primitives/tagged';
import { RawClient } from '../support/raw-client';
import { startBroker, tempDir, type TestBroker } from './handlers/helpers';

const METADATA = 3;
const CREATE_TOPICS = 19;
const DELETE_TOPICS = 20;
const DESCRIBE_CONFIGS = 32;
const ALTER_CONFIGS = 33;
const DESCRIBE_LOG_DIRS = 35;
const CREATE_PARTITIONS = 37;
const INCREMENTAL_ALTER_CONFIGS = 44;
const DESCRIBE_CLUSTER = 60;
const DESCRIBE_TOPIC_PARTITIONS = 75;

const metadataRequest = (names: string[] | null, extra: object = {}) => ({
  topics: names && names.map((name) => ({ name, topicId: ZERO_UUID })),
  allowAutoTopicCreation: false,
  includeClusterAuthorizedOperations: false,
  includeTopicAuthorizedOperations: false,
  ...extra,
});
const newTopic = (name: string, numPartitions = 1, configs: Record<string, string> = {}) => ({
  name,
  numPartitions,
  replicationFactor: 1,
  assignments: [],
  configs: Object.entries(configs).map(([n, value]) => ({ name: n, value })),
});

describe('metadata and admin APIs end to end', () => {
  let tb: TestBroker;
  let raw: RawClient;
  let admin: Admin;

  beforeAll(async () => {
    tb = await startBroker();
    raw = await RawClient.connect(tb.host, tb.port);
    const kafka = new Kafka({ clientId: 'e2e-admin', brokers: [`${tb.host}:${tb.port}`], logLevel: logLevel.NOTHING, retry: { retries: 2, initialRetryTime: 50 } });
    admin = kafka.admin();
    await admin.connect();
  });
  afterAll(async () => {
    await admin.disconnect();
    await raw.close();
    await tb.stop();
  });

  describe('with kafkajs', () => {
    it('creates, lists, describes and grows topics', async () => {
      const created = await admin.createTopics({
        topics: [{ topic: 'kjs-orders', numPartitions: 2, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '60000' }] }],
      });
      expect(created).toBe(true);
      expect(await admin.createTopics({ topics: [{ topic: 'kjs-orders', numPartitions: 2 }] })).toBe(false);
      expect(await admin.listTopics()).toContain('kjs-orders');

      const md = await admin.fetchTopicMetadata({ topics: ['kjs-orders'] });
      expect(md.topics).toHaveLength(1);
      expect(md.topics[0].name).toBe('kjs-orders');
      expect(md.topics[0].partitions.map((p) => [p.partitionId, p.leader, p.replicas, p.isr, p.partitionErrorCode]).sort()).toEqual([
        [0, 1, [1], [1], 0],
        [1, 1, [1], [1], 0],
      ]);

      await admin.createPartitions({ topicPartitions: [{ topic: 'kjs-orders', count: 4 }] });
      const grown = await admin.fetchTopicMetadata({ topics: ['kjs-orders'] });
      expect(grown.topics[0].partitions).toHaveLength(4);
      await expect(admin.createPartitions({ topicPartitions: [{ topic: 'kjs-orders', count: 2 }] })).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });
    });

    it('describes and alters topic and broker configs', async () => {
      await admin.createTopics({ topics: [{ topic: 'kjs-configs', numPartitions: 1 }] });
      const before = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-configs', configNames: ['retention.ms'] }], includeSynonyms: false });
      expect(before.resources[0].configEntries).toEqual([expect.objectContaining({ configName: 'retention.ms', configValue: '604800000', isDefault: true })]);

      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-configs', configEntries: [{ name: 'retention.ms', value: '120000' }] }] });
      const after = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-configs', configNames: ['retention.ms'] }], includeSynonyms: true });
      expect(after.resources[0].configEntries[0]).toMatchObject({ configName: 'retention.ms', configValue: '120000', isDefault: false });
      expect(tb.broker.services.logs.getLog({ topic: 'kjs-configs', partition: 0 })!.config['retention.ms']).toBe(120000);

      await expect(
        admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'kjs-configs', configEntries: [{ name: 'retention.ms', value: 'x' }] }] }),
      ).rejects.toMatchObject({ type: 'INVALID_CONFIG' });

      const broker = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.BROKER, name: '1', configNames: ['num.partitions', 'log.cleaner.threads'] }], includeSynonyms: false });
      const entries = new Map(broker.resources[0].configEntries.map((e) => [e.configName, e]));
      expect(entries.get('num.partitions')).toMatchObject({ configValue: '1', readOnly: true });
      expect(entries.get('log.cleaner.threads')).toMatchObject({ readOnly: false });
    });

    it('describes the cluster', async () => {
      expect(await admin.describeCluster()).toEqual({ brokers: [{ nodeId: 1, host: '127.0.0.1', port: tb.port }], controller: 1, clusterId: tb.broker.clusterId });
    });

    it('deletes topics', async () => {
      await admin.createTopics({ topics: [{ topic: 'kjs-doomed', numPartitions: 1 }] });
      await admin.deleteTopics({ topics: ['kjs-doomed'] });
      expect(await admin.listTopics()).not.toContain('kjs-doomed');
      expect(tb.broker.services.logs.getLog({ topic: 'kjs-doomed', partition: 0 })).toBeUndefined();
    });
  });

  describe('with raw frames at the lowest and highest version of each API', () => {
    it('serves every API at the versions ApiVersions advertises', async () => {
      const av = await raw.request(18, 3, { clientSoftwareName: 'raw', clientSoftwareVersion: '1' });
      const ranges = new Map(av.apiKeys.map((k: { apiKey: number; minVersion: number; maxVersion: number }) => [k.apiKey, [k.minVersion, k.maxVersion]]));
      expect(ranges.get(METADATA)).toEqual([0, 13]);
      expect(ranges.get(CREATE_TOPICS)).toEqual([0, 7]);
      expect(ranges.get(DELETE_TOPICS)).toEqual([0, 6]);
      expect(ranges.get(DESCRIBE_CONFIGS)).toEqual([0, 4]);
      expect(ranges.get(ALTER_CONFIGS)).toEqual([0, 2]);
      expect(ranges.get(DESCRIBE_LOG_DIRS)).toEqual([0, 5]);
      expect(ranges.get(CREATE_PARTITIONS)).toEqual([0, 3]);
      expect(ranges.get(INCREMENTAL_ALTER_CONFIGS)).toEqual([0, 1]);
      expect(ranges.get(DESCRIBE_CLUSTER)).toEqual([0, 2]);
      expect(ranges.get(DESCRIBE_TOPIC_PARTITIONS)).toEqual([0, 0]);
    });

    it('CreateTopics v0 and v7', async () => {
      const v0 = await raw.request(CREATE_TOPICS, 0, { topics: [newTopic('raw-v0', 2)], timeoutMs: 5000, validateOnly: false });
      expect(v0.topics).toEqual([expect.objectContaining({ name: 'raw-v0', errorCode: 0 })]);
      const v7 = await raw.request(CREATE_TOPICS, 7, { topics: [newTopic('raw-v7', 3, { 'cleanup.policy': 'compact' }), newTopic('raw-v0')], timeoutMs: 5000, validateOnly: false });
      expect(v7.topics[0]).toMatchObject({ name: 'raw-v7', errorCode: 0, numPartitions: 3, replicationFactor: 1, topicId: tb.broker.services.metadata.topic('raw-v7')!.topicId });
      expect(v7.topics[0].configs.find((c: { name: string }) => c.name === 'cleanup.policy')).toMatchObject({ value: 'compact', configSource: 1 });
      expect(v7.topics[1]).toMatchObject({ name: 'raw-v0', errorCode: ErrorCode.TOPIC_ALREADY_EXISTS, errorMessage: expect.any(String) });
    });

    it('Metadata v0 and v13', async () => {
      const v0 = await raw.request(METADATA, 0, metadataRequest([]));
      expect(v0.topics.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['raw-v0', 'raw-v7']));
      expect(v0.brokers).toEqual([{ nodeId: 1, host: '127.0.0.1', port: tb.port, rack: null }]);
      const v13 = await raw.request(METADATA, 13, metadataRequest(['raw-v7'], { includeTopicAuthorizedOperations: true }));
      expect(v13).toMatchObject({ errorCode: 0, clusterId: tb.broker.clusterId, controllerId: 1 });
      expect(v13.topics[0]).toMatchObject({ name: 'raw-v7', errorCode: 0, topicAuthorizedOperations: 3576, topicId: tb.broker.services.metadata.topic('raw-v7')!.topicId });
      expect(v13.topics[0].partitions).toHaveLength(3);
    });

    it('Metadata auto-creates over the wire and closes nothing on errors', async () => {
      const first = await raw.request(METADATA, 9, metadataRequest(['raw-auto'], { allowAutoTopicCreation: true }));
      expect(first.topics[0]).toMatchObject({ name: 'raw-auto', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
      const second = await raw.request(METADATA, 9, metadataRequest(['raw-auto']));
      expect(second.topics[0]).toMatchObject({ name: 'raw-auto', errorCode: 0 });
      const invalid = await raw.request(METADATA, 11, { ...metadataRequest(null), topics: [{ name: 'raw-auto', topicId: tb.broker.services.metadata.topic('raw-auto')!.topicId }] });
      expect(invalid).toMatchObject({ brokers: [], controllerId: -1 });
      expect(invalid.topics[0].errorCode).toBe(ErrorCode.INVALID_REQUEST);
      expect(raw.isOpen).toBe(true);
    });

    it('CreatePartitions v0 and v3', async () => {
      const v0 = await raw.request(CREATE_PARTITIONS, 0, { topics: [{ name: 'raw-v0', count: 3, assignments: null }], timeoutMs: 5000, validateOnly: false });
      expect(v0.results).toEqual([{ name: 'raw-v0', errorCode: 0, errorMessage: null }]);
      const v3 = await raw.request(CREATE_PARTITIONS, 3, { topics: [{ name: 'raw-v0', count: 3, assignments: null }], timeoutMs: 5000, validateOnly: false });
      expect(v3.results[0]).toMatchObject({ errorCode: ErrorCode.INVALID_PARTITIONS });
    });

    it('DescribeConfigs v0 and v4', async () => {
      const resources = [{ resourceType: 2, resourceName: 'raw-v7', configurationKeys: ['cleanup.policy', 'retention.ms'] }];
      const v0 = await raw.request(DESCRIBE_CONFIGS, 0, { resources, includeSynonyms: false, includeDocumentation: false });
      const v0Entries = new Map(v0.results[0].configs.map((c: { name: string }) => [c.name, c]));
      expect(v0Entries.get('cleanup.policy')).toMatchObject({ value: 'compact', isDefault: false });
      expect(v0Entries.get('retention.ms')).toMatchObject({ value: '604800000', isDefault: true });
      const v4 = await raw.request(DESCRIBE_CONFIGS, 4, { resources, includeSynonyms: true, includeDocumentation: true });
      const v4Entries = new Map(v4.results[0].configs.map((c: { name: string }) => [c.name, c]));
      expect(v4Entries.get('cleanup.policy')).toMatchObject({ configSource: 1, configType: 7, documentation: expect.any(String) });
      expect((v4Entries.get('cleanup.policy') as { synonyms: unknown[] }).synonyms.length).toBe(2);
    });

    it('AlterConfigs v0 and v2', async () => {
      const v0 = await raw.request(ALTER_CONFIGS, 0, { resources: [{ resourceType: 2, resourceName: 'raw-v0', configs: [{ name: 'retention.ms', value: '1000' }] }], validateOnly: false });
      expect(v0.responses).toEqual([{ errorCode: 0, errorMessage: null, resourceType: 2, resourceName: 'raw-v0' }]);
      const v2 = await raw.request(ALTER_CONFIGS, 2, { resources: [{ resourceType: 4, resourceName: '1', configs: [{ name: 'num.io.threads', value: '4' }] }], validateOnly: true });
      expect(v2.responses[0].errorCode).toBe(0);
      expect(tb.broker.services.metadata.topic('raw-v0')!.configs).toEqual({ 'retention.ms': '1000' });
    });

    it('IncrementalAlterConfigs v0 and v1', async () => {
      const v0 = await raw.request(INCREMENTAL_ALTER_CONFIGS, 0, {
        resources: [{ resourceType: 2, resourceName: 'raw-v0', configs: [{ name: 'cleanup.policy', configOperation: 2, value: 'compact' }] }],
        validateOnly: false,
      });
      expect(v0.responses[0].errorCode).toBe(0);
      const v1 = await raw.request(INCREMENTAL_ALTER_CONFIGS, 1, {
        resources: [{ resourceType: 2, resourceName: 'raw-v0', configs: [{ name: 'retention.ms', configOperation: 1, value: null }] }],
        validateOnly: false,
      });
      expect(v1.responses[0].errorCode).toBe(0);
      expect(tb.broker.services.metadata.topic('raw-v0')!.configs).toEqual({ 'cleanup.policy': 'delete,compact' });
    });

    it('DescribeCluster v0 and v2', async () => {
      const v0 = await raw.request(DESCRIBE_CLUSTER, 0, { includeClusterAuthorizedOperations: true, endpointType: 1, includeFencedBrokers: false });
      expect(v0).toMatchObject({ errorCode: 0, clusterId: tb.broker.clusterId, controllerId: 1, clusterAuthorizedOperations: 8096 });
      const v2 = await raw.request(DESCRIBE_CLUSTER, 2, { includeClusterAuthorizedOperations: false, endpointType: 2, includeFencedBrokers: true });
      expect(v2.errorCode).toBe(ErrorCode.MISMATCHED_ENDPOINT_TYPE);
    });

    it('DescribeLogDirs v0 and v5', async () => {
      const v0 = await raw.request(DESCRIBE_LOG_DIRS, 0, { topics: [{ topic: 'raw-v7', partitions: [0, 1, 2] }] });
      expect(v0.results).toHaveLength(1);
      expect(v0.results[0].logDir).toBe(tb.dir);
      expect(v0.results[0].topics).toEqual([{ name: 'raw-v7', partitions: [0, 1, 2].map((partitionIndex) => ({ partitionIndex, partitionSize: 0n, offsetLag: 0n, isFutureKey: false })) }]);
      const v5 = await raw.request(DESCRIBE_LOG_DIRS, 5, { topics: null });
      expect(v5.errorCode).toBe(0);
      expect(v5.results[0].totalBytes).toBeGreaterThan(0n);
      expect(v5.results[0].usableBytes).toBeGreaterThan(0n);
      expect(v5.results[0].isCordoned).toBe(false);
      expect(v5.results[0].topics.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['raw-v0', 'raw-v7']));
    });

    it('DescribeTopicPartitions v0, paging with the cursor', async () => {
      const first = await raw.request(DESCRIBE_TOPIC_PARTITIONS, 0, { topics: [{ name: 'raw-v7' }, { name: 'raw-v0' }], responsePartitionLimit: 4, cursor: null });
      expect(first.topics.map((t: { name: string; partitions: unknown[] }) => [t.name, t.partitions.length])).toEqual([
        ['raw-v0', 3],
        ['raw-v7', 1],
      ]);
      expect(first.nextCursor).toEqual({ topicName: 'raw-v7', partitionIndex: 1 });
      const next = await raw.request(DESCRIBE_TOPIC_PARTITIONS, 0, { topics: [{ name: 'raw-v7' }, { name: 'raw-v0' }], responsePartitionLimit: 4, cursor: first.nextCursor });
      expect(next.topics.map((t: { name: string; partitions: { partitionIndex: number }[] }) => [t.name, t.partitions.map((p) => p.partitionIndex)])).toEqual([['raw-v7', [1, 2]]]);
      expect(next.nextCursor).toBeNull();
    });

    it('DeleteTopics v0 and v6', async () => {
      await raw.request(CREATE_TOPICS, 7, { topics: [newTopic('raw-del-0'), newTopic('raw-del-6')], timeoutMs: 5000, validateOnly: false });
      const v0 = await raw.request(DELETE_TOPICS, 0, { topics: [], topicNames: ['raw-del-0', 'raw-missing'], timeoutMs: 5000 });
      expect(v0.responses.map((r: { name: string; errorCode: number }) => [r.name, r.errorCode])).toEqual([
        ['raw-del-0', 0],
        ['raw-missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
      ]);
      const id = tb.broker.services.metadata.topic('raw-del-6')!.topicId;
      const v6 = await raw.request(DELETE_TOPICS, 6, { topics: [{ name: null, topicId: id }], topicNames: [], timeoutMs: 5000 });
      expect(v6.responses).toEqual([{ name: 'raw-del-6', topicId: id, errorCode: 0, errorMessage: null }]);
    });
  });

  it('answers a client still using a deleted topic with the right errors', async () => {
    await raw.request(CREATE_TOPICS, 7, { topics: [newTopic('in-use', 2)], timeoutMs: 5000, validateOnly: false });
    const id = tb.broker.services.metadata.topic('in-use')!.topicId;
    await admin.deleteTopics({ topics: ['in-use'] });

    const byName = await raw.request(METADATA, 12, metadataRequest(['in-use']));
    expect(byName.topics[0]).toMatchObject({ name: 'in-use', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, partitions: [] });
    const byId = await raw.request(METADATA, 12, { ...metadataRequest(null), topics: [{ name: null, topicId: id }] });
    expect(byId.topics[0]).toMatchObject({ topicId: id, errorCode: ErrorCode.UNKNOWN_TOPIC_ID });
    const configs = await raw.request(DESCRIBE_CONFIGS, 4, { resources: [{ resourceType: 2, resourceName: 'in-use', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false });
    expect(configs.results[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const alter = await raw.request(INCREMENTAL_ALTER_CONFIGS, 1, {
      resources: [{ resourceType: 2, resourceName: 'in-use', configs: [{ name: 'retention.ms', configOperation: 0, value: '1' }] }],
      validateOnly: false,
    });
    expect(alter.responses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const grow = await raw.request(CREATE_PARTITIONS, 3, { topics: [{ name: 'in-use', count: 5, assignments: null }], timeoutMs: 5000, validateOnly: false });
    expect(grow.results[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const describe = await raw.request(DESCRIBE_TOPIC_PARTITIONS, 0, { topics: [{ name: 'in-use' }], responsePartitionLimit: 10, cursor: null });
    expect(describe.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const again = await raw.request(DELETE_TOPICS, 6, { topics: [{ name: null, topicId: id }], topicNames: [], timeoutMs: 5000 });
    expect(again.responses[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_ID);
    const logDirs = await raw.request(DESCRIBE_LOG_DIRS, 4, { topics: null });
    expect(logDirs.results[0].topics.map((t: { name: string }) => t.name)).not.toContain('in-use');
  });
});

describe('topic metadata survives a restart', () => {
  it('keeps topic, id, partitions and configs', async () => {
    const dir = tempDir();
    const first = await startBroker([], dir);
    let raw = await RawClient.connect(first.host, first.port);
    await raw.request(CREATE_TOPICS, 7, { topics: [newTopic('durable', 3, { 'retention.ms': '86400000', 'cleanup.policy': 'compact' })], timeoutMs: 5000, validateOnly: false });
    await raw.request(CREATE_PARTITIONS, 3, { topics: [{ name: 'durable', count: 4, assignments: null }], timeoutMs: 5000, validateOnly: false });
    await raw.request(INCREMENTAL_ALTER_CONFIGS, 1, {
      resources: [{ resourceType: 2, resourceName: 'durable', configs: [{ name: 'segment.bytes', configOperation: 0, value: '1048576' }] }],
      validateOnly: false,
    });
    await raw.request(INCREMENTAL_ALTER_CONFIGS, 1, {
      resources: [{ resourceType: 4, resourceName: '1', configs: [{ name: 'log.cleaner.threads', configOperation: 0, value: '2' }] }],
      validateOnly: false,
    });
    const before = await raw.request(METADATA, 12, metadataRequest(['durable']));
    const clusterId = first.broker.clusterId;
    await raw.close();
    await first.stop(true);

    const second = await startBroker([], dir);
    try {
      raw = await RawClient.connect(second.host, second.port);
      const after = await raw.request(METADATA, 12, metadataRequest(['durable']));
      expect(second.broker.clusterId).toBe(clusterId);
      expect(after.clusterId).toBe(clusterId);
      expect(after.topics[0]).toEqual(before.topics[0]);
      expect(after.topics[0].partitions).toHaveLength(4);
      const configs = await raw.request(DESCRIBE_CONFIGS, 4, {
        resources: [
          { resourceType: 2, resourceName: 'durable', configurationKeys: ['retention.ms', 'cleanup.policy', 'segment.bytes'] },
          { resourceType: 4, resourceName: '1', configurationKeys: ['log.cleaner.threads'] },
        ],
        includeSynonyms: false,
        includeDocumentation: false,
      });
      const values = (i: number) => Object.fromEntries(configs.results[i].configs.map((c: { name: string; value: string; configSource: number }) => [c.name, [c.value, c.configSource]]));
      expect(values(0)).toEqual({ 'retention.ms': ['86400000', 1], 'cleanup.policy': ['compact', 1], 'segment.bytes': ['1048576', 1] });
      expect(values(1)).toEqual({ 'log.cleaner.threads': ['2', 2] });
      for (let p = 0; p < 4; p++) expect(second.broker.services.logs.getLog({ topic: 'durable', partition: p })).toBeDefined();
      expect(second.broker.services.logs.getLog({ topic: 'durable', partition: 0 })!.config['segment.bytes']).toBe(1048576);
      await raw.close();
    } finally {
      await second.stop();
    }
  });
});
