// @platformatic/kafka Admin: metadata, create/list/delete topics, partitions, configs.
import { Admin, ConfigResourceTypes, IncrementalAlterConfigOperationTypes } from '@platformatic/kafka';
import { clientOptions, describeError, runScenario, uniqueName, waitFor } from './lib.mjs';

runScenario(async () => {
  const admin = new Admin(clientOptions('compat-platformatic-admin'));
  try {
    const cluster = await admin.metadata({});
    const topic = uniqueName('plt-admin');
    const created = await admin.createTopics({
      topics: [topic],
      partitions: 3,
      replicas: 1,
      configs: [{ name: 'cleanup.policy', value: 'compact' }],
    });
    const listed = await admin.listTopics();

    let duplicate = null;
    try {
      await admin.createTopics({ topics: [topic], partitions: 3, replicas: 1 });
    } catch (e) {
      duplicate = describeError(e);
    }

    const meta = await admin.metadata({ topics: [topic], forceUpdate: true });
    const tmeta = meta.topics.get(topic);

    await admin.createPartitions({ topics: [{ name: topic, count: 5 }] });
    const grown = await waitFor('5 partitions', async () => {
      const m = await admin.metadata({ topics: [topic], forceUpdate: true });
      return m.topics.get(topic).partitionsCount === 5 && m.topics.get(topic);
    });

    const describe = async () => {
      const [res] = await admin.describeConfigs({
        resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: topic, configurationKeys: ['cleanup.policy', 'retention.ms'] }],
      });
      return Object.fromEntries(res.configs.map((c) => [c.name, c.value]));
    };
    const configsBefore = await describe();
    await admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: ConfigResourceTypes.TOPIC,
          resourceName: topic,
          configs: [{ name: 'retention.ms', configOperation: IncrementalAlterConfigOperationTypes.SET, value: '7200000' }],
        },
      ],
    });
    // Kafka applies config changes through its metadata log: DescribeConfigs sees them shortly after.
    const configsAfter = await waitFor('the altered config', async () => {
      const c = await describe();
      return c['retention.ms'] === '7200000' && c;
    });

    await admin.deleteTopics({ topics: [topic] });
    await waitFor('the topic to disappear', async () => !(await admin.listTopics()).includes(topic));

    return {
      brokers: [...cluster.brokers.values()].map((b) => ({ host: b.host, port: b.port })),
      controllerId: cluster.controllerId,
      clusterId: cluster.id,
      created: created.map((c) => ({ name: c.name, partitions: c.partitions, replicas: c.replicas, hasId: typeof c.id === 'string' && c.id.length > 0 })),
      listedCreated: listed.includes(topic),
      duplicate,
      partitions: tmeta.partitionsCount,
      leaders: tmeta.partitions.map((p) => p.leader),
      topicIdFromMetadata: typeof tmeta.id === 'string' && tmeta.id.length > 0,
      partitionsAfterGrow: grown.partitionsCount,
      configsBefore,
      configsAfter,
      deleted: true,
    };
  } finally {
    await admin.close();
  }
});
