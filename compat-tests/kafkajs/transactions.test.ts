/**
 * kafkajs idempotent and transactional producers (InitProducerId, AddPartitionsToTxn,
 * AddOffsetsToTxn, TxnOffsetCommit, EndTxn) and read_committed consumers.
 */
import { Kafka } from 'kafkajs';
import { startTarget, Target, uniqueName } from '../support/target';
import { kafkaFor, MessageSink, quickGroup } from './support/kafka';

let target: Target;
let kafka: Kafka;

beforeAll(async () => {
  target = await startTarget();
  kafka = kafkaFor(target, 'compat-kafkajs-txn');
});
afterAll(() => target?.stop());

async function createTopic(topic: string, numPartitions = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function readValues(topic: string, count: number, readUncommitted: boolean): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('kjs-txn-reader'), readUncommitted, ...quickGroup });
  const sink = new MessageSink();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ eachMessage: sink.eachMessage });
    await sink.until(count);
    await new Promise((r) => setTimeout(r, 300)); // nothing more may arrive
    return sink.messages.map((m) => m.value ?? '');
  } finally {
    await consumer.disconnect();
  }
}

test('an idempotent producer writes each message once, in order', async () => {
  const topic = uniqueName('kjs-idempotent');
  await createTopic(topic);
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < 5; i++) {
      const [res] = await producer.send({ topic, acks: -1, messages: [{ value: `a${i}` }, { value: `b${i}` }] });
      expect(res).toMatchObject({ errorCode: 0, baseOffset: String(i * 2) });
    }
  } finally {
    await producer.disconnect();
  }
  expect(await readValues(topic, 10, false)).toEqual([0, 1, 2, 3, 4].flatMap((i) => [`a${i}`, `b${i}`]));
});

test('committed transactions are visible to read_committed consumers, aborted ones are not', async () => {
  const topic = uniqueName('kjs-txn');
  await createTopic(topic, 2);
  const producer = kafka.producer({ transactionalId: uniqueName('kjs-txn-id'), idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ partition: 0, value: 'c1' }, { partition: 1, value: 'c2' }] });
    await committed.commit();

    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ partition: 0, value: 'x1' }, { partition: 1, value: 'x2' }] });
    await aborted.abort();

    const again = await producer.transaction();
    await again.send({ topic, messages: [{ partition: 0, value: 'c3' }] });
    await again.commit();
  } finally {
    await producer.disconnect();
  }
  // read_committed (kafkajs' default) skips the aborted records; read_uncommitted sees them all.
  expect((await readValues(topic, 3, false)).sort()).toEqual(['c1', 'c2', 'c3']);
  expect((await readValues(topic, 5, true)).sort()).toEqual(['c1', 'c2', 'c3', 'x1', 'x2']);
});

test('consume-transform-produce: offsets sent to the transaction are committed with it', async () => {
  const input = uniqueName('kjs-ctp-in');
  const output = uniqueName('kjs-ctp-out');
  const groupId = uniqueName('kjs-ctp-group');
  await createTopic(input);
  await createTopic(output);
  const plain = kafka.producer();
  await plain.connect();
  await plain.send({ topic: input, messages: [{ value: 'one' }, { value: 'two' }, { value: 'three' }] });
  await plain.disconnect();

  const producer = kafka.producer({ transactionalId: uniqueName('kjs-ctp-id'), idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const txn = await producer.transaction();
    await txn.send({ topic: output, messages: ['one', 'two', 'three'].map((v) => ({ value: v.toUpperCase() })) });
    await txn.sendOffsets({ consumerGroupId: groupId, topics: [{ topic: input, partitions: [{ partition: 0, offset: '3' }] }] });
    await txn.commit();
  } finally {
    await producer.disconnect();
  }

  const admin = kafka.admin();
  await admin.connect();
  try {
    const [res] = await admin.fetchOffsets({ groupId, topics: [input] });
    expect(res.partitions).toEqual([expect.objectContaining({ partition: 0, offset: '3' })]);
  } finally {
    await admin.disconnect();
  }
  expect(await readValues(output, 3, false)).toEqual(['ONE', 'TWO', 'THREE']);
});

test('a second producer with the same transactional id fences the first and aborts its open transaction', async () => {
  const topic = uniqueName('kjs-fence');
  await createTopic(topic);
  const transactionalId = uniqueName('kjs-fence-id');
  const first = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, initialRetryTime: 50 } });
  const second = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  await first.connect();
  try {
    const open = await first.transaction();
    await open.send({ topic, messages: [{ value: 'from-first' }] });

    await second.connect(); // InitProducerId bumps the epoch and aborts the first one's transaction
    const txn = await second.transaction();
    await txn.send({ topic, messages: [{ value: 'from-second' }] });
    await txn.commit();

    const fenced = await open.commit().then(
      () => 'committed',
      (e: { type?: string }) => e.type,
    );
    expect(['INVALID_PRODUCER_EPOCH', 'PRODUCER_FENCED']).toContain(fenced);
  } finally {
    await first.disconnect();
    await second.disconnect();
  }
  expect(await readValues(topic, 1, false)).toEqual(['from-second']);
});
