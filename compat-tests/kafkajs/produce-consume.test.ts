/**
 * kafkajs producer and consumer: keys, headers, timestamps, explicit and key-hashed
 * partitioning, every compression codec, and large values.
 */
import { CompressionTypes, Kafka } from 'kafkajs';
import { startTarget, Target, uniqueName } from '../support/target';
import { registerCodecs } from './support/codecs';
import { kafkaFor, MessageSink, quickGroup } from './support/kafka';

let target: Target;
let kafka: Kafka;

beforeAll(async () => {
  registerCodecs();
  target = await startTarget();
  kafka = kafkaFor(target, 'compat-kafkajs-produce');
});
afterAll(() => target?.stop());

async function createTopic(topic: string, numPartitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

/** Reads `count` messages of `topic` from the beginning with a fresh consumer group. */
async function readAll(topic: string, count: number) {
  const consumer = kafka.consumer({ groupId: uniqueName('kjs-reader'), ...quickGroup });
  const sink = new MessageSink();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: sink.eachMessage });
    return await sink.until(count);
  } finally {
    await consumer.disconnect();
  }
}

test('keys, headers and timestamps survive the round trip', async () => {
  const topic = uniqueName('kjs-roundtrip');
  await createTopic(topic, 1);
  const producer = kafka.producer();
  await producer.connect();
  const ts = Date.now() - 5000;
  const [meta] = await producer.send({
    topic,
    acks: -1,
    messages: [
      { key: 'k1', value: 'hello', headers: { h1: 'x', h2: Buffer.from([0xff, 0x00]) }, timestamp: String(ts) },
      { key: null, value: 'no key' },
      { key: 'k3', value: null }, // a tombstone
      { key: 'k4', value: '' },
    ],
  });
  await producer.disconnect();
  expect(meta).toMatchObject({ topicName: topic, partition: 0, errorCode: 0, baseOffset: '0' });

  const got = await readAll(topic, 4);
  expect(got.map((m) => [m.offset, m.key, m.value])).toEqual([
    ['0', 'k1', 'hello'],
    ['1', null, 'no key'],
    ['2', 'k3', null],
    ['3', 'k4', ''], // empty is not null
  ]);
  expect(got[0].headers.h1).toBe('x');
  expect(got[0].timestamp).toBe(String(ts));
  expect(Number(got[1].timestamp)).toBeGreaterThan(ts);
});

test('routes by explicit partition and by key hash, consistently', async () => {
  const topic = uniqueName('kjs-routing');
  await createTopic(topic, 3);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [0, 1, 2].map((p) => ({ partition: p, value: `explicit-${p}` })) });
  const keyed = Array.from({ length: 30 }, (_, i) => ({ key: `key-${i % 5}`, value: `keyed-${i}` }));
  await producer.send({ topic, messages: keyed });
  await producer.disconnect();

  const got = await readAll(topic, 33);
  for (const p of [0, 1, 2]) expect(got.find((m) => m.value === `explicit-${p}`)?.partition).toBe(p);
  // Every message with the same key lands in the same partition, in order.
  const byKey = new Map<string, Set<number>>();
  for (const m of got.filter((m) => m.key)) byKey.set(m.key!, (byKey.get(m.key!) ?? new Set()).add(m.partition));
  expect([...byKey.values()].every((s) => s.size === 1)).toBe(true);
  for (const p of [0, 1, 2]) {
    const offsets = got.filter((m) => m.partition === p).map((m) => Number(m.offset));
    expect(offsets).toEqual(offsets.map((_, i) => i));
  }
});

test('a producer creates a missing topic through metadata auto-creation', async () => {
  const topic = uniqueName('kjs-auto');
  const producer = kafka.producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    // The first Metadata answer for a topic being auto-created carries an error (kafkajs retries).
    const [meta] = await producer.send({ topic, messages: [{ value: 'first' }] });
    expect(meta).toMatchObject({ topicName: topic, errorCode: 0, baseOffset: '0' });
  } finally {
    await producer.disconnect();
  }
  expect((await readAll(topic, 1)).map((m) => m.value)).toEqual(['first']);
});

const codecs = [
  ['none', CompressionTypes.None],
  ['gzip', CompressionTypes.GZIP],
  ['snappy', CompressionTypes.Snappy],
  ['lz4', CompressionTypes.LZ4],
  ['zstd', CompressionTypes.ZSTD],
] as const;

test.each(codecs)('produces and consumes %s-compressed batches', async (name, compression) => {
  const topic = uniqueName(`kjs-${name}`);
  await createTopic(topic, 1);
  const producer = kafka.producer();
  await producer.connect();
  const values = Array.from({ length: 50 }, (_, i) => `${name} message ${i} `.repeat(20));
  // Two batches, so the consumer also has to walk from one compressed batch to the next.
  await producer.send({ topic, compression, messages: values.slice(0, 25).map((value, i) => ({ key: `k${i}`, value })) });
  await producer.send({ topic, compression, messages: values.slice(25).map((value, i) => ({ key: `k${i + 25}`, value, headers: { codec: name } })) });
  await producer.disconnect();

  const got = await readAll(topic, 50);
  expect(got.map((m) => m.value)).toEqual(values);
  expect(got.map((m) => m.offset)).toEqual(values.map((_, i) => String(i)));
  expect(got[49].headers.codec).toBe(name);
});

test('carries a 900 KB value', async () => {
  const topic = uniqueName('kjs-large');
  await createTopic(topic, 1);
  const producer = kafka.producer();
  await producer.connect();
  const big = Buffer.alloc(900 * 1024, 'x');
  await producer.send({ topic, messages: [{ value: big }, { value: 'after' }] });
  await producer.disconnect();
  const got = await readAll(topic, 2);
  expect(got[0].value?.length).toBe(big.length);
  expect(got[1].value).toBe('after');
});

test('rejects a value larger than max.message.bytes with MESSAGE_TOO_LARGE', async () => {
  const topic = uniqueName('kjs-too-large');
  await createTopic(topic, 1);
  const producer = kafka.producer({ retry: { retries: 0 } });
  await producer.connect();
  try {
    await expect(producer.send({ topic, messages: [{ value: Buffer.alloc(2 * 1024 * 1024, 'y') }] })).rejects.toMatchObject({
      type: 'MESSAGE_TOO_LARGE',
    });
  } finally {
    await producer.disconnect();
  }
});
