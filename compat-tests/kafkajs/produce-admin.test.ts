/**
 * kafkajs (pinned in package.json) against the target broker: admin topic management and a
 * producer whose writes are visible through ListOffsets.
 */
import { Kafka, logLevel } from 'kafkajs';
import { startTarget, Target, uniqueName } from '../support/target';

let target: Target;
let kafka: Kafka;

beforeAll(async () => {
  target = await startTarget();
  kafka = new Kafka({ clientId: 'compat-kafkajs', brokers: [target.bootstrap], logLevel: logLevel.NOTHING });
});
afterAll(() => target.stop());

test('creates a topic, produces to it and sees the offsets advance', async () => {
  const topic = uniqueName('kjs-produce');
  const admin = kafka.admin();
  await admin.connect();
  try {
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
    const meta = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(meta.topics[0].partitions).toHaveLength(3);

    const producer = kafka.producer();
    await producer.connect();
    const sent = await producer.send({
      topic,
      acks: -1,
      messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, partition: i % 3 })),
    });
    await producer.disconnect();
    expect(sent.every((r) => r.errorCode === 0)).toBe(true);

    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets.map((o) => Number(o.high)).sort()).toEqual([10, 10, 10]);
    expect(offsets.every((o) => o.low === '0')).toBe(true);
  } finally {
    await admin.disconnect();
  }
});
