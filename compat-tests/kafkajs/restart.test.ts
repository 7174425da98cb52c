/**
 * kafkajs against a broker restart: a running consumer group member and a producer reconnect
 * on their own and carry on from the committed offsets, with data and offsets kept on disk.
 * Against an external broker (KAFKA_BOOTSTRAP) Target.restart() does nothing and the scenario
 * checks the same flow without the restart.
 */
import { Kafka } from 'kafkajs';
import { startTarget, Target, uniqueName } from '../support/target';
import { kafkaFor, MessageSink, quickGroup } from './support/kafka';

let target: Target;
let kafka: Kafka;

beforeAll(async () => {
  target = await startTarget();
  kafka = kafkaFor(target, 'compat-kafkajs-restart', { retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 15 } });
});
afterAll(() => target?.stop());

test('a consumer resumes after a broker restart without losing or repeating committed messages', async () => {
  const topic = uniqueName('kjs-restart');
  const groupId = uniqueName('kjs-restart-group');
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
  await admin.disconnect();

  const producer = kafka.producer();
  await producer.connect();
  const batch = (tag: string) => Array.from({ length: 10 }, (_, i) => ({ partition: i % 2, key: `${tag}${i}`, value: `${tag}-${i}` }));
  await producer.send({ topic, acks: -1, messages: batch('before') });

  const consumer = kafka.consumer({ groupId, ...quickGroup, retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 15 } });
  const sink = new MessageSink();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: sink.eachMessage, autoCommitInterval: 50 });
    await sink.until(10);
    // Give the auto-commit a moment so the restart finds the offsets committed.
    const admin2 = kafka.admin();
    await admin2.connect();
    for (let i = 0; i < 50; i++) {
      const [res] = await admin2.fetchOffsets({ groupId, topics: [topic] });
      if (res.partitions.every((p) => p.offset === '5')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await admin2.disconnect();

    await target.restart();

    await producer.send({ topic, acks: -1, messages: batch('after') });
    const got = await sink.until(20, 30_000);
    expect(got.filter((m) => m.value?.startsWith('before')).map((m) => m.value).sort()).toEqual(batch('before').map((m) => m.value).sort());
    expect(got.filter((m) => m.value?.startsWith('after')).map((m) => m.value).sort()).toEqual(batch('after').map((m) => m.value).sort());
    // Offsets continue where they were: the data written before the restart is still there.
    const afterOffsets = got.filter((m) => m.value?.startsWith('after')).map((m) => m.offset).sort();
    expect(afterOffsets).toEqual(['5', '5', '6', '6', '7', '7', '8', '8', '9', '9']);
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }

  // A new member of the group starts from the committed offsets: nothing is read twice.
  const again = kafka.consumer({ groupId, ...quickGroup });
  const sink2 = new MessageSink();
  await again.connect();
  try {
    await producer.connect();
    await producer.send({ topic, messages: [{ partition: 0, value: 'last' }] });
    await producer.disconnect();
    await again.subscribe({ topics: [topic], fromBeginning: true });
    await again.run({ eachMessage: sink2.eachMessage });
    await sink2.until(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink2.messages.map((m) => m.value)).toEqual(['last']);
  } finally {
    await again.disconnect();
  }
});
