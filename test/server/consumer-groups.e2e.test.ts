/**
 * Consumer groups end to end with kafkajs against an in-process broker: several members sharing
 * a topic, members joining and leaving (rebalances), committed offsets, admin group views, and
 * consumers resuming from their committed offsets after the broker restarts on the same data
 * directory.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Consumer, EachMessagePayload, Kafka, logLevel } from 'kafkajs';
import { loadBrokerConfig } from '../../src/config';
import { Broker } from '../../src/server/broker';
import { RawClient } from '../support/raw-client';
import { decodeConsumerProtocolAssignment, encodeConsumerProtocolAssignment } from '../../src/protocol/generated/consumer-protocol-assignment';
import { encodeConsumerProtocolSubscription } from '../../src/protocol/generated/consumer-protocol-subscription';
import { Reader } from '../../src/protocol/primitives/reader';
import { Writer } from '../../src/protocol/primitives/writer';

jest.setTimeout(90_000);

const TOPIC = 'orders';
const PARTITIONS = 4;

function startBroker(dir: string): Promise<Broker> {
  return Broker.start({
    config: loadBrokerConfig({
      profile: 'development',
      env: {},
      overrides: ['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${dir}`, 'offsets.topic.num.partitions=5'],
    }),
  });
}

function client(broker: Broker, clientId: string): Kafka {
  return new Kafka({ brokers: [broker.bootstrap], clientId, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
}

async function waitFor(what: string, cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Member {
  consumer: Consumer;
  received: string[];
  assigned: () => number[];
}

async function member(kafka: Kafka, groupId: string): Promise<Member> {
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 300, rebalanceTimeout: 10_000, maxWaitTimeInMs: 100 });
  const received: string[] = [];
  let assignment: number[] = [];
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    assignment = [...(e.payload.memberAssignment[TOPIC] ?? [])].sort();
  });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    autoCommitInterval: 200,
    eachMessage: async ({ message }: EachMessagePayload) => {
      received.push(message.value!.toString());
    },
  });
  return { consumer, received, assigned: () => assignment };
}

async function produce(kafka: Kafka, from: number, count: number): Promise<string[]> {
  const producer = kafka.producer();
  await producer.connect();
  const values = Array.from({ length: count }, (_, i) => `m${from + i}`);
  await producer.send({ topic: TOPIC, messages: values.map((value, i) => ({ value, partition: (from + i) % PARTITIONS })) });
  await producer.disconnect();
  return values;
}

describe('consumer groups with kafkajs', () => {
  let dir: string;
  let broker: Broker;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-groups-e2e-'));
    broker = await startBroker(dir);
    const admin = client(broker, 'setup').admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
    await admin.disconnect();
  });

  afterAll(async () => {
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('members share the partitions, rebalance as they join and leave, commit, and resume after a broker restart', async () => {
    let kafka = client(broker, 'e2e');
    const first = await produce(kafka, 0, 20);

    // One member: it gets every partition and reads everything.
    const a = await member(kafka, 'g');
    await waitFor('a to read the first messages', () => a.received.length >= 20);
    expect([...a.received].sort()).toEqual([...first].sort());
    expect(a.assigned()).toEqual([0, 1, 2, 3]);

    // A second member joins: the partitions are split between the two.
    const b = await member(kafka, 'g');
    await waitFor('the rebalance to split the partitions', () => b.assigned().length > 0 && a.assigned().length + b.assigned().length === PARTITIONS && a.assigned().every((p) => !b.assigned().includes(p)));
    const second = await produce(kafka, 20, 20);
    await waitFor('both members to read the second batch', () => a.received.length + b.received.length >= 40);
    expect(b.received.length).toBeGreaterThan(0);
    expect([...a.received, ...b.received].filter((v) => second.includes(v)).sort()).toEqual([...second].sort());

    const admin = kafka.admin();
    await admin.connect();
    const described = await admin.describeGroups(['g']);
    expect(described.groups[0]).toMatchObject({ groupId: 'g', state: 'Stable', protocolType: 'consumer' });
    expect(described.groups[0]!.members).toHaveLength(2);
    expect((await admin.listGroups()).groups).toContainEqual({ groupId: 'g', protocolType: 'consumer' });

    // The first member leaves: the second takes every partition.
    await a.consumer.disconnect();
    await waitFor('b to own every partition', () => b.assigned().length === PARTITIONS);
    const third = await produce(kafka, 40, 8);
    await waitFor('b to read the third batch', () => third.every((v) => b.received.includes(v)));

    // Every message up to now gets committed (auto-commit), then the last member leaves too.
    let committed: string[] = [];
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const r = await admin.fetchOffsets({ groupId: 'g', topics: [TOPIC] });
      committed = r[0]!.partitions.sort((x, y) => x.partition - y.partition).map((p) => p.offset);
      if (committed.every((o) => o === '12')) break;
      await new Promise((r2) => setTimeout(r2, 100));
    }
    expect(committed).toEqual(['12', '12', '12', '12']);
    await b.consumer.disconnect();
    expect((await admin.describeGroups(['g'])).groups[0]).toMatchObject({ state: 'Empty', members: [] });
    await admin.disconnect();

    // The broker restarts on the same directory; a new member resumes from the committed offsets.
    await broker.stop();
    broker = await startBroker(dir);
    kafka = client(broker, 'e2e-after-restart');
    const fourth = await produce(kafka, 48, 8);
    const c = await member(kafka, 'g');
    await waitFor('the resumed member to read the new messages', () => fourth.every((v) => c.received.includes(v)));
    await new Promise((r) => setTimeout(r, 500));
    expect([...c.received].sort()).toEqual([...fourth].sort());
    await c.consumer.disconnect();
  });

  it('a standalone consumer (assign + commit: generation -1, no member id) commits, and its offsets are fetched', async () => {
    // What Java's KafkaConsumer.assign() + commitSync() sends: no group membership at all.
    const raw = await RawClient.connect('127.0.0.1', broker.listeners[0]!.port, 'standalone');
    await raw.request(10, 3, { key: 'manual', keyType: 0, coordinatorKeys: [] });
    const partition = (partitionIndex: number, committedOffset: bigint) => ({ partitionIndex, committedOffset, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null });
    const r = await raw.request(8, 8, {
      groupId: 'manual', generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1n,
      topics: [{ name: TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partitions: [partition(0, 3n), partition(2, 5n)] }],
    });
    expect(r.topics[0].partitions.map((p: { errorCode: number }) => p.errorCode)).toEqual([0, 0]);
    await raw.close();

    const admin = client(broker, 'standalone-admin').admin();
    await admin.connect();
    const fetched = await admin.fetchOffsets({ groupId: 'manual', topics: [TOPIC] });
    expect(fetched[0]!.partitions.map((p) => [p.partition, p.offset]).sort()).toEqual([
      [0, '3'],
      [1, '-1'],
      [2, '5'],
      [3, '-1'],
    ]);
    expect((await admin.describeGroups(['manual'])).groups[0]).toMatchObject({ state: 'Empty', protocolType: '', members: [] });
    await admin.deleteGroups(['manual']);
    expect((await admin.fetchOffsets({ groupId: 'manual', topics: [TOPIC] }))[0]!.partitions.every((p) => p.offset === '-1')).toBe(true);
    await admin.disconnect();
  });

  it('the cooperative (incremental) flow: consecutive rebalances carrying owned partitions (raw protocol)', async () => {
    // kafkajs has no cooperative assignor; this plays what Java's CooperativeStickyAssignor does
    // on the wire. The broker only has to run the rebalances back to back.
    const port = broker.listeners[0]!.port;
    const a = await RawClient.connect('127.0.0.1', port, 'coop-a');
    const b = await RawClient.connect('127.0.0.1', port, 'coop-b');
    const sub = (owned: number[]) => {
      const w = new Writer();
      w.int16(1);
      encodeConsumerProtocolSubscription(w, { topics: [TOPIC], userData: null, ownedPartitions: owned.length ? [{ topic: TOPIC, partitions: owned }] : [], generationId: -1, rackId: null }, 1);
      return w.toBuffer();
    };
    const assignment = (parts: number[]) => {
      const w = new Writer();
      w.int16(1);
      encodeConsumerProtocolAssignment(w, { assignedPartitions: parts.length ? [{ topic: TOPIC, partitions: parts }] : [], userData: null }, 1);
      return w.toBuffer();
    };
    const assignedOf = (bytes: Buffer) => {
      const r = new Reader(bytes);
      r.int16();
      return decodeConsumerProtocolAssignment(r, 1).assignedPartitions.flatMap((t) => t.partitions);
    };
    const join = (c: RawClient, memberId: string, owned: number[]) =>
      c.request(11, 9, { groupId: 'coop', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId, groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'cooperative-sticky', metadata: sub(owned) }], reason: null });
    const sync = (c: RawClient, memberId: string, generationId: number, assignments: Array<{ memberId: string; assignment: Buffer }> = []) =>
      c.request(14, 5, { groupId: 'coop', generationId, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'cooperative-sticky', assignments });
    const heartbeat = (c: RawClient, memberId: string, generationId: number) => c.request(12, 4, { groupId: 'coop', generationId, memberId, groupInstanceId: null });
    const rebalancing = async () => {
      for (let i = 0; i < 200; i++) {
        const [g] = await broker.services.groups.describeGroups(['coop'], 5);
        if (g!.groupState === 'PreparingRebalance') return;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error('the group never started rebalancing');
    };
    try {
      await a.request(10, 3, { key: 'coop', keyType: 0, coordinatorKeys: [] });
      const idA = (await join(a, '', [])).memberId;
      expect((await join(a, idA, [])).generationId).toBe(1);
      expect(assignedOf((await sync(a, idA, 1, [{ memberId: idA, assignment: assignment([0, 1, 2, 3]) }])).assignment)).toEqual([0, 1, 2, 3]);

      // B joins; A learns of the rebalance from its heartbeat and rejoins with what it owns.
      const idB = (await join(b, '', [])).memberId;
      const joinB = join(b, idB, []);
      await rebalancing();
      expect((await heartbeat(a, idA, 1)).errorCode).toBe(27);
      const ra = await join(a, idA, [0, 1, 2, 3]);
      const rb = await joinB;
      expect([ra.generationId, rb.generationId]).toEqual([2, 2]);
      expect(ra.leader).toBe(idA);
      // First cooperative round: A keeps 0-1 and gives up 2-3, which nobody gets yet.
      const syncB2 = sync(b, idB, 2);
      expect(assignedOf((await sync(a, idA, 2, [{ memberId: idA, assignment: assignment([0, 1]) }, { memberId: idB, assignment: assignment([]) }])).assignment)).toEqual([0, 1]);
      expect(assignedOf((await syncB2).assignment)).toEqual([]);

      // Having revoked partitions, A rejoins at once: the second rebalance hands 2-3 to B.
      const ra3 = join(a, idA, [0, 1]);
      await rebalancing();
      expect((await heartbeat(b, idB, 2)).errorCode).toBe(27);
      const rb3 = await join(b, idB, []);
      expect([(await ra3).generationId, rb3.generationId]).toEqual([3, 3]);
      const syncB3 = sync(b, idB, 3);
      await sync(a, idA, 3, [{ memberId: idA, assignment: assignment([0, 1]) }, { memberId: idB, assignment: assignment([2, 3]) }]);
      expect(assignedOf((await syncB3).assignment)).toEqual([2, 3]);
      expect((await heartbeat(a, idA, 3)).errorCode).toBe(0);
      expect((await heartbeat(b, idB, 3)).errorCode).toBe(0);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
