// @platformatic/kafka Producer and Consumer (classic group): keys, headers, explicit partitions,
// every compression codec the client can use here, and offsets by timestamp.
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import zlib from 'node:zlib';
import { clientOptions, collect, runScenario, uniqueName, waitForTopicReady } from './lib.mjs';

// The client's zstd codec is node:zlib's, which Node gained in 22.15; on older Node it refuses.
const codecs = ['none', 'gzip', 'snappy', 'lz4', ...(typeof zlib.zstdCompressSync === 'function' ? ['zstd'] : [])];

runScenario(async () => {
  const topic = uniqueName('plt-produce');
  const admin = new Admin(clientOptions('compat-platformatic-produce-admin'));
  const producer = new Producer({ ...clientOptions('compat-platformatic-producer'), serializers: stringSerializers });
  const consumer = new Consumer({
    ...clientOptions('compat-platformatic-consumer'),
    groupId: uniqueName('plt-produce-group'),
    deserializers: stringDeserializers,
    maxWaitTime: 200,
  });
  try {
    await admin.createTopics({ topics: [topic], partitions: 2, replicas: 1 });
    await waitForTopicReady(admin, topic, 2);
    const base = Date.now() - 60_000;
    const sent = [];
    let n = 0;
    for (const compression of codecs) {
      const messages = [0, 1, 2].map((i) => ({
        topic,
        partition: n % 2,
        key: `${compression}-k${i}`,
        value: `${compression} value ${i} `.repeat(4),
        headers: { codec: compression, index: String(i) },
        timestamp: BigInt(base + 1000 * n++),
      }));
      const result = await producer.send({ messages, compression, acks: -1 });
      sent.push({ compression, offsets: result.offsets.map((o) => ({ partition: o.partition, offset: o.offset.toString() })) });
    }

    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: 100, sessionTimeout: 10_000, heartbeatInterval: 500 });
    const received = await collect(stream, codecs.length * 3);
    await stream.close();

    // ListOffsets by timestamp: the first record at or after the third message's timestamp.
    const byTime = await consumer.listOffsets({ topics: [topic], timestamp: BigInt(base + 2000) });
    const latest = await consumer.listOffsets({ topics: [topic] });

    return {
      codecs,
      sent,
      received: received.sort((a, b) => a.partition - b.partition || Number(a.offset) - Number(b.offset)),
      offsetsByTimestamp: byTime.get(topic).map(String),
      latestOffsets: latest.get(topic).map(String),
    };
  } finally {
    await consumer.close(true);
    await producer.close();
    await admin.close();
  }
});
