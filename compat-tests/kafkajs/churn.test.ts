/**
 * Exactly-once-in-order check under membership churn (classic protocol): N messages over 6
 * partitions are consumed by a group whose members join and leave while it runs. Every message
 * is processed at least once, within each partition messages are seen in offset order by
 * whoever owns it, and after the final commit the committed offsets equal the log end offsets.
 */
import { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { startTarget, Target, uniqueName } from '../support/target';
import { kafkaFor, quickGroup, waitFor } from './support/kafka';

const PARTITIONS = 6;
const PER_PARTITION = 100;

let target: Target;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  target = await startTarget();
  kafka = kafkaFor(target, 'compat-kafkajs-churn');
  admin = kafka.admin();
  producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
});
afterAll(async () => {
  await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  await target?.stop();
});

test('a churning group processes every message, each partition in order, and commits the end offsets', async () => {
  const topic = uniqueName('kjs-churn');
  const groupId = uniqueName('kjs-churn-group');
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });

  const seen = new Map<number, Set<number>>(); // partition -> offsets processed
  const outOfOrder: string[] = [];
  const members: Consumer[] = [];

  const startMember = async (name: string): Promise<Consumer> => {
    const c = kafka.consumer({ groupId, ...quickGroup });
    const lastByPartition = new Map<number, number>();
    await c.connect();
    await c.subscribe({ topic, fromBeginning: true });
    // A new assignment may restart a partition from its last commit: order is checked per run.
    c.on(c.events.GROUP_JOIN, () => lastByPartition.clear());
    await c.run({
      eachMessage: async ({ partition, message }) => {
        const offset = Number(message.offset);
        const last = lastByPartition.get(partition);
        if (last !== undefined && offset <= last) outOfOrder.push(`${name} p${partition}: ${offset} after ${last}`);
        lastByPartition.set(partition, offset);
        if (!seen.has(partition)) seen.set(partition, new Set());
        seen.get(partition)!.add(offset);
      },
    });
    members.push(c);
    return c;
  };
  const total = (): number => [...seen.values()].reduce((n, s) => n + s.size, 0);
  const produceRound = async (round: number): Promise<void> => {
    const messages = [];
    for (let p = 0; p < PARTITIONS; p++) for (let i = 0; i < PER_PARTITION / 4; i++) messages.push({ partition: p, value: `r${round}-p${p}-${i}` });
    await producer.send({ topic, messages });
  };

  const a = await startMember('a');
  await produceRound(0);
  const b = await startMember('b');
  await produceRound(1);
  await waitFor('half of the messages processed', async () => total() >= (PARTITIONS * PER_PARTITION) / 2 || undefined, 30_000);
  await a.disconnect(); // a leaves mid-stream
  const c = await startMember('c');
  await produceRound(2);
  await b.disconnect(); // b leaves too; c takes everything, then d joins
  await startMember('d');
  await produceRound(3);

  await waitFor('every message processed', async () => total() === PARTITIONS * PER_PARTITION || undefined, 60_000);
  for (const m of members.slice(2)) await m.disconnect(); // final commits happen on leave
  void c;

  expect(outOfOrder).toEqual([]);
  for (let p = 0; p < PARTITIONS; p++) expect(seen.get(p)?.size).toBe(PER_PARTITION);
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const committedBy = Object.fromEntries(committed.partitions.map((x) => [x.partition, x.offset]));
  for (const e of ends) expect(committedBy[e.partition]).toBe(e.high);
}, 120_000);
