// @platformatic/kafka consumer group (classic protocol): two members share a topic, commit,
// a new member resumes from the committed offsets, and the group admin APIs see it all.
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { clientOptions, collect, describeError, runScenario, sleep, uniqueName, waitFor, waitForTopicReady } from './lib.mjs';

const groupOptions = { sessionTimeout: 10_000, rebalanceTimeout: 10_000, heartbeatInterval: 300 };

runScenario(async () => {
  const topic = uniqueName('plt-group');
  const groupId = uniqueName('plt-group-id');
  const admin = new Admin(clientOptions('compat-platformatic-group-admin'));
  const producer = new Producer({ ...clientOptions('compat-platformatic-group-producer'), serializers: stringSerializers });
  const newConsumer = (name) =>
    new Consumer({ ...clientOptions(name), groupId, deserializers: stringDeserializers, maxWaitTime: 200, ...groupOptions });
  const a = newConsumer('compat-platformatic-a');
  const b = newConsumer('compat-platformatic-b');
  const c = newConsumer('compat-platformatic-c');
  try {
    await admin.createTopics({ topics: [topic], partitions: 4, replicas: 1 });
    await waitForTopicReady(admin, topic, 4);

    const streamA = await a.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false, ...groupOptions });
    const streamB = await b.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: false, ...groupOptions });
    const assigned = (consumer) => (consumer.assignments ?? []).flatMap((x) => x.partitions).sort();
    await waitFor('both members to hold two partitions', async () => assigned(a).length === 2 && assigned(b).length === 2);
    const assignments = { a: assigned(a), b: assigned(b) };
    // Produce only now, so that no member reads before the group settled (A alone owned all four
    // partitions for a moment, and a stream buffers what it fetched).
    await producer.send({ messages: [0, 1, 2, 3].map((p) => ({ topic, partition: p, key: `k${p}`, value: `first-${p}` })) });

    const described = await admin.describeGroups({ groups: [groupId] });
    const group = described.get(groupId);
    const listed = await admin.listGroups();

    // Each member consumes (from the earliest offset, nothing committed yet) and commits.
    const gotA = collect(streamA, 2);
    const gotB = collect(streamB, 2);
    const [receivedA, receivedB] = await Promise.all([gotA, gotB]);
    for (const [consumer, received] of [[a, receivedA], [b, receivedB]]) {
      await consumer.commit({
        offsets: received.map((m) => ({ topic, partition: m.partition, offset: BigInt(m.offset) + 1n, leaderEpoch: 0 })),
      });
    }
    const committedSeen = await a.listCommittedOffsets({ topics: [{ topic, partitions: [0, 1, 2, 3] }] });

    await streamA.close();
    await streamB.close();
    await a.close(true);
    await b.close(true);

    // A new member resumes after the committed offsets: it sees only the second round.
    await producer.send({ messages: [0, 1, 2, 3].map((p) => ({ topic, partition: p, key: `k${p}`, value: `second-${p}` })) });
    const streamC = await c.consume({ topics: [topic], mode: 'committed', fallbackMode: 'earliest', autocommit: 100, ...groupOptions });
    const receivedC = await collect(streamC, 4);
    await sleep(300);
    await streamC.close();
    await c.close(true);

    const offsets = await admin.listConsumerGroupOffsets({ groups: [groupId] });
    await admin.deleteGroups({ groups: [groupId] });
    let afterDelete = null;
    try {
      afterDelete = (await admin.describeGroups({ groups: [groupId] })).get(groupId)?.state ?? null;
    } catch (e) {
      afterDelete = describeError(e);
    }

    return {
      assignments,
      group: {
        state: group.state,
        protocolType: group.protocolType,
        protocol: group.protocol,
        members: group.members.size,
        memberAssignments: [...group.members.values()].map((m) => [...(m.assignments?.values() ?? [])].flatMap((x) => x.partitions).sort()),
      },
      listed: listed.has(groupId) ? { protocolType: listed.get(groupId).protocolType, state: listed.get(groupId).state } : null,
      receivedFirst: [...receivedA, ...receivedB].map((m) => m.value).sort(),
      committedSeen: committedSeen.get(topic).map(String),
      receivedSecond: receivedC.map((m) => m.value).sort(),
      committedAfter: offsets[0].topics
        .find((t) => t.name === topic)
        .partitions.sort((x, y) => x.partitionIndex - y.partitionIndex)
        .map((p) => p.committedOffset.toString()),
      afterDelete,
    };
  } finally {
    for (const consumer of [a, b, c]) if (!consumer.closed) await consumer.close(true);
    await producer.close();
    await admin.close();
  }
});
