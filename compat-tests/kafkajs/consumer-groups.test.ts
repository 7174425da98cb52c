/**
 * kafkajs consumer groups (classic protocol): partition sharing and rebalances, committed
 * offsets and resuming from them, and the group admin APIs (list, describe, offsets, delete).
 */
import { Admin, Kafka, Producer } from 'kafkajs';
import { startTarget, Target, uniqueName } from '../support/target';
import { joined, kafkaFor, MessageSink, quickGroup, waitFor } from './support/kafka';

let target: Target;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  target = await startTarget();
  kafka = kafkaFor(target, 'compat-kafkajs-groups');
  admin = kafka.admin();
  producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
});
afterAll(async () => {
  await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  await target?.stop();
});

async function topicWith(prefix: string, partitions: number, messagesPerPartition: number): Promise<string> {
  const topic = uniqueName(prefix);
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  const messages = [];
  for (let p = 0; p < partitions; p++) for (let i = 0; i < messagesPerPartition; i++) messages.push({ partition: p, value: `p${p}-m${i}` });
  if (messages.length) await producer.send({ topic, messages });
  return topic;
}

const committedOf = async (groupId: string, topic: string) => {
  const [res] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return Object.fromEntries(res.partitions.map((p) => [p.partition, p.offset]));
};

test('two members share the partitions, and the survivor takes all of them when one leaves', async () => {
  const topic = await topicWith('kjs-share', 4, 0);
  const groupId = uniqueName('kjs-share-group');
  const a = kafka.consumer({ groupId, ...quickGroup });
  const b = kafka.consumer({ groupId, ...quickGroup });
  const sinkA = new MessageSink();
  const sinkB = new MessageSink();
  await Promise.all([a.connect(), b.connect()]);
  try {
    await a.subscribe({ topics: [topic], fromBeginning: true });
    await b.subscribe({ topics: [topic], fromBeginning: true });
    const aJoinedAlone = joined(a);
    await a.run({ eachMessage: sinkA.eachMessage });
    expect((await aJoinedAlone)[topic]).toHaveLength(4);

    // b joining makes a rejoin: the four partitions are split two and two.
    const aRejoined = joined(a);
    const bJoined = joined(b);
    await b.run({ eachMessage: sinkB.eachMessage });
    const [assignA, assignB] = await Promise.all([aRejoined, bJoined]);
    expect(assignA[topic]).toHaveLength(2);
    expect(assignB[topic]).toHaveLength(2);
    expect([...assignA[topic], ...assignB[topic]].sort()).toEqual([0, 1, 2, 3]);

    const described = await admin.describeGroups([groupId]);
    expect(described.groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(described.groups[0].members).toHaveLength(2);

    await producer.send({ topic, messages: [0, 1, 2, 3].map((p) => ({ partition: p, value: `x${p}` })) });
    await sinkA.until(2);
    await sinkB.until(2);
    expect(sinkA.messages.map((m) => m.partition).sort()).toEqual([...assignA[topic]].sort());

    // b leaves (LeaveGroup): a gets everything back.
    const aAlone = joined(a);
    await b.disconnect();
    expect((await aAlone)[topic]).toHaveLength(4);
    await producer.send({ topic, messages: [0, 1, 2, 3].map((p) => ({ partition: p, value: `y${p}` })) });
    const all = await sinkA.until(6);
    expect(all.filter((m) => m.value?.startsWith('y')).map((m) => m.partition).sort()).toEqual([0, 1, 2, 3]);
  } finally {
    await Promise.all([a.disconnect(), b.disconnect()]);
  }
});

test('commits offsets and a new member of the group resumes after them', async () => {
  const topic = await topicWith('kjs-resume', 2, 5);
  const groupId = uniqueName('kjs-resume-group');

  const first = kafka.consumer({ groupId, ...quickGroup });
  const sink1 = new MessageSink();
  await first.connect();
  await first.subscribe({ topics: [topic], fromBeginning: true });
  await first.run({ eachMessage: sink1.eachMessage, autoCommitInterval: 100 });
  expect((await sink1.until(10)).length).toBe(10);
  await first.disconnect(); // commits what it consumed before leaving

  expect(await committedOf(groupId, topic)).toEqual({ 0: '5', 1: '5' });
  const [listed] = (await admin.listGroups()).groups.filter((g) => g.groupId === groupId);
  expect(listed).toMatchObject({ groupId, protocolType: 'consumer' });

  await producer.send({ topic, messages: [{ partition: 0, value: 'new-0' }, { partition: 1, value: 'new-1' }] });
  const second = kafka.consumer({ groupId, ...quickGroup });
  const sink2 = new MessageSink();
  await second.connect();
  try {
    await second.subscribe({ topics: [topic], fromBeginning: true });
    await second.run({ eachMessage: sink2.eachMessage });
    const got = await sink2.until(2);
    await new Promise((r) => setTimeout(r, 300)); // nothing else may arrive
    expect(got.map((m) => m.value).sort()).toEqual(['new-0', 'new-1']);
    expect(sink2.messages).toHaveLength(2);
  } finally {
    await second.disconnect();
  }
  expect(await committedOf(groupId, topic)).toEqual({ 0: '6', 1: '6' });
});

test('manual commits with metadata-free offsets, and seek', async () => {
  const topic = await topicWith('kjs-manual', 1, 10);
  const groupId = uniqueName('kjs-manual-group');
  const consumer = kafka.consumer({ groupId, ...quickGroup });
  const sink = new MessageSink();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const isJoined = joined(consumer);
    await consumer.run({
      autoCommit: false,
      eachMessage: async (payload) => {
        await sink.eachMessage(payload);
        if (payload.message.offset === '3') await consumer.commitOffsets([{ topic, partition: 0, offset: '4' }]);
      },
    });
    await isJoined;
    await sink.until(10);
    expect(await committedOf(groupId, topic)).toEqual({ 0: '4' });

    consumer.seek({ topic, partition: 0, offset: '7' });
    const got = await sink.until(13);
    expect(got.slice(10).map((m) => m.offset)).toEqual(['7', '8', '9']);
  } finally {
    await consumer.disconnect();
  }
});

test('admin sets the offsets of an empty group, then deletes the group', async () => {
  const topic = await topicWith('kjs-admin-offsets', 2, 3);
  const groupId = uniqueName('kjs-admin-group');
  const consumer = kafka.consumer({ groupId, ...quickGroup });
  const sink = new MessageSink();
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({ eachMessage: sink.eachMessage, autoCommitInterval: 100 });
  await sink.until(6);
  await consumer.disconnect();
  expect(await committedOf(groupId, topic)).toEqual({ 0: '3', 1: '3' });

  // kafkajs implements setOffsets (and resetOffsets, which commits the -2/-1 sentinels the same
  // way) with a short-lived member of the group; it takes ~5 s, its fetch wait, on any broker.
  await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '1' }] });
  expect(await committedOf(groupId, topic)).toEqual({ 0: '1', 1: '3' });

  expect(await admin.deleteGroups([groupId])).toEqual([expect.objectContaining({ groupId, errorCode: 0 })]);
  await waitFor('the group to be gone', async () => !(await admin.listGroups()).groups.some((g) => g.groupId === groupId));
  expect(await committedOf(groupId, topic)).toEqual({ 0: '-1', 1: '-1' });
});

test('deleting a group that has members fails with NON_EMPTY_GROUP', async () => {
  const topic = await topicWith('kjs-busy', 1, 0);
  const groupId = uniqueName('kjs-busy-group');
  const consumer = kafka.consumer({ groupId, ...quickGroup });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic] });
    const isJoined = joined(consumer);
    await consumer.run({ eachMessage: async () => undefined });
    await isJoined;
    await expect(admin.deleteGroups([groupId])).rejects.toMatchObject({
      groups: [expect.objectContaining({ groupId, error: expect.objectContaining({ type: 'NON_EMPTY_GROUP' }) })],
    });
  } finally {
    await consumer.disconnect();
  }
});
