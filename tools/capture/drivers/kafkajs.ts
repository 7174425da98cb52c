/**
 * Drives kafkajs through the capture proxy: admin (create/delete topics, metadata, configs,
 * offsets, groups), a gzip and an uncompressed producer, and a consumer group.
 *   CAPTURE_BOOTSTRAP=127.0.0.1:39192 npx tsx tools/capture/drivers/kafkajs.ts
 */
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';

const bootstrap = process.env.CAPTURE_BOOTSTRAP ?? '127.0.0.1:39192';
const TOPIC = 'capture-kafkajs';
const TMP_TOPIC = 'capture-kafkajs-tmp';
const GROUP = 'capture-kafkajs-group';
const MESSAGES = 6;

async function main(): Promise<void> {
  const kafka = new Kafka({ clientId: 'capture-kafkajs', brokers: [bootstrap], logLevel: logLevel.WARN });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: TOPIC, numPartitions: 2, configEntries: [{ name: 'retention.ms', value: '3600000' }] },
      { topic: TMP_TOPIC, numPartitions: 1 },
    ],
  });
  await admin.fetchTopicMetadata({ topics: [TOPIC] });

  const producer = kafka.producer();
  await producer.connect();
  const before = Date.now();
  await producer.send({
    topic: TOPIC,
    compression: CompressionTypes.GZIP,
    messages: Array.from({ length: MESSAGES / 2 }, (_, i) => ({
      key: `key-${i}`, value: `gzip value ${i} `.repeat(8), headers: { source: 'kafkajs', seq: String(i) }, partition: 0,
    })),
  });
  await producer.send({
    topic: TOPIC,
    messages: Array.from({ length: MESSAGES / 2 }, (_, i) => ({ key: null, value: `plain value ${i}`, partition: 1 })),
  });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: GROUP, sessionTimeout: 10000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed only ${seen} of ${MESSAGES} messages`)), 30000);
    consumer.run({
      eachMessage: async () => {
        seen++;
        if (seen >= MESSAGES) { clearTimeout(timer); resolve(); }
      },
    }).catch(reject);
  });
  await consumer.disconnect();

  await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2 /* TOPIC */, name: TOPIC }] });
  await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: 4 /* BROKER */, name: '1' }] });
  await admin.fetchTopicOffsets(TOPIC);
  await admin.fetchTopicOffsetsByTimestamp(TOPIC, before);
  await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
  await admin.describeGroups([GROUP]);
  await admin.listGroups();
  await admin.deleteTopics({ topics: [TMP_TOPIC] });
  await admin.disconnect();
  process.stderr.write(`kafkajs driver: produced and consumed ${seen} messages\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`kafkajs driver failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
