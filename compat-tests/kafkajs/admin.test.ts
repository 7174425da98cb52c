/**
 * kafkajs admin client against the target broker: topic lifecycle, partitions, configs,
 * cluster metadata, offsets by timestamp and record deletion.
 */
import { Admin, ConfigResourceTypes, Kafka } from 'kafkajs';
import { startTarget, Target, uniqueName } from '../support/target';
import { kafkaFor, waitFor } from './support/kafka';

let target: Target;
let kafka: Kafka;
let admin: Admin;

beforeAll(async () => {
  target = await startTarget();
  kafka = kafkaFor(target, 'compat-kafkajs-admin');
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  await admin?.disconnect();
  await target?.stop();
});

test('describes the cluster: one broker that is the controller, and a cluster id', async () => {
  const cluster = await admin.describeCluster();
  expect(cluster.brokers.length).toBeGreaterThanOrEqual(1);
  expect(typeof cluster.clusterId).toBe('string');
  expect(cluster.clusterId.length).toBeGreaterThan(0);
  expect(cluster.brokers.map((b) => b.nodeId)).toContain(cluster.controller);
});

test('creates a topic, lists it, rejects a duplicate, deletes it', async () => {
  const topic = uniqueName('kjs-lifecycle');
  expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true })).toBe(true);
  expect(await admin.listTopics()).toContain(topic);
  // kafkajs reports an existing topic as "not created" rather than throwing.
  expect(await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] })).toBe(false);

  const meta = await admin.fetchTopicMetadata({ topics: [topic] });
  expect(meta.topics[0].name).toBe(topic);
  expect(meta.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1]);
  for (const p of meta.topics[0].partitions) {
    expect(p.partitionErrorCode).toBe(0);
    expect(p.leader).toBeGreaterThanOrEqual(0);
    expect(p.replicas).toEqual([p.leader]);
    expect(p.isr).toEqual([p.leader]);
  }

  await admin.deleteTopics({ topics: [topic], timeout: 10_000 });
  await waitFor('the topic to disappear', async () => !(await admin.listTopics()).includes(topic));
});

test('rejects invalid topic creation requests with Kafka error codes', async () => {
  await expect(admin.createTopics({ topics: [{ topic: 'bad/name', numPartitions: 1 }] })).rejects.toMatchObject({
    errors: [expect.objectContaining({ type: 'INVALID_TOPIC_EXCEPTION' })],
  });
  await expect(admin.createTopics({ topics: [{ topic: uniqueName('kjs-rf'), numPartitions: 1, replicationFactor: 3 }] })).rejects.toMatchObject({
    errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })],
  });
});

test('adds partitions to a topic and refuses to shrink it', async () => {
  const topic = uniqueName('kjs-partitions');
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.createPartitions({ topicPartitions: [{ topic, count: 4 }] });
  await waitFor('4 partitions in metadata', async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions.length === 4);

  await expect(admin.createPartitions({ topicPartitions: [{ topic, count: 2 }] })).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });
});

test('creates a topic with configs, describes and alters them', async () => {
  const topic = uniqueName('kjs-configs');
  await admin.createTopics({
    topics: [{ topic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    waitForLeaders: true,
  });
  const describe = async () => {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['cleanup.policy', 'retention.ms'] }],
    });
    return Object.fromEntries(resources[0].configEntries.map((e) => [e.configName, e]));
  };
  const before = await describe();
  expect(before['cleanup.policy'].configValue).toBe('compact');
  expect(before['cleanup.policy'].isDefault).toBe(false);
  expect(before['retention.ms'].isDefault).toBe(true);

  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: '3600000' }] }],
  });
  // Kafka applies config changes through its metadata log: DescribeConfigs sees them shortly after.
  const after = await waitFor('the altered config', async () => {
    const d = await describe();
    return d['retention.ms'].configValue === '3600000' && d;
  });
  expect(after['retention.ms'].configValue).toBe('3600000');
  expect(after['retention.ms'].isDefault).toBe(false);
  // AlterConfigs (non-incremental) replaces the whole set: cleanup.policy is back to its default.
  expect(after['cleanup.policy'].configValue).toBe('delete');

  await expect(
    admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: 'soon' }] }],
    }),
  ).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
});

test('describes broker configs', async () => {
  const cluster = await admin.describeCluster();
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.BROKER, name: String(cluster.controller), configNames: ['num.partitions', 'auto.create.topics.enable'] }],
  });
  const names = resources[0].configEntries.map((e) => e.configName).sort();
  expect(names).toEqual(['auto.create.topics.enable', 'num.partitions']);
});

test('finds offsets by timestamp and deletes records', async () => {
  const topic = uniqueName('kjs-times');
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  const base = Date.now() - 60_000;
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic,
    messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}`, timestamp: String(base + i * 1000) })),
  });
  await producer.disconnect();

  const at = async (ts?: number) => (await admin.fetchTopicOffsetsByTimestamp(topic, ts))[0].offset;
  expect(await at(base)).toBe('0');
  expect(await at(base + 4500)).toBe('5'); // the first record at or after the timestamp
  expect(await at(base + 9000)).toBe('9');
  expect(await at(base + 60_000)).toBe('10'); // later than every record: the log end offset
  expect(await at()).toBe('10'); // kafkajs asks for "latest" without a timestamp

  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '4' }] });
  const [offsets] = await admin.fetchTopicOffsets(topic);
  expect(offsets).toMatchObject({ partition: 0, low: '4', high: '10' });
  expect(await at(base)).toBe('4'); // records before the log start offset are gone
});
