/**
 * Idempotent and transactional producers end to end against an in-process broker: kafkajs
 * idempotent and transactional producers, read_committed vs read_uncommitted consumers,
 * consume-transform-produce with sendOffsets, a producer that dies mid-transaction (fenced by
 * its successor, or aborted by the coordinator after its timeout), producer retries stored once
 * (raw frames), and the state surviving a restart.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { loadBrokerConfig } from '../../src/config';
import { Broker } from '../../src/server/broker';
import { ErrorCode } from '../../src/protocol/error-codes';
import { buildRecordBatch } from '../../src/protocol/records';
import { RawClient } from '../support/raw-client';

jest.setTimeout(90_000);

const OVERRIDES = [
  'transaction.state.log.num.partitions=3',
  'offsets.topic.num.partitions=3',
  'transaction.abort.timed.out.transaction.cleanup.interval.ms=300',
];

function startBroker(dir: string, extra: string[] = []): Promise<Broker> {
  return Broker.start({
    config: loadBrokerConfig({ profile: 'development', env: {}, overrides: ['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${dir}`, ...OVERRIDES, ...extra] }),
  });
}

function client(broker: Broker, clientId: string): Kafka {
  return new Kafka({ brokers: [broker.bootstrap], clientId, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100 } });
}

async function waitFor(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every value of `topic` a fresh group consumer with this isolation reads, once `expected` arrived. */
async function readAll(kafka: Kafka, topic: string, readCommitted: boolean, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${readCommitted}-${Math.random()}`, readUncommitted: !readCommitted, maxWaitTimeInMs: 100 });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
  await waitFor(`${expected} records of ${topic}`, () => values.length >= expected);
  // Anything that should not be there would have arrived with the rest.
  await new Promise((r) => setTimeout(r, 300));
  await consumer.disconnect();
  return values.sort();
}

describe('transactions end to end', () => {
  let dir: string;
  let broker: Broker;
  let kafka: Kafka;
  const producers: Producer[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-txn-e2e-'));
    broker = await startBroker(dir);
    kafka = client(broker, 'txn-e2e');
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: ['idem', 'txn', 'in', 'out', 'zombie', 'timeout'].map((topic) => ({ topic, numPartitions: 2 })) });
    await admin.disconnect();
  });
  afterAll(async () => {
    for (const p of producers) await p.disconnect().catch(() => undefined);
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const producer = async (opts: Parameters<Kafka['producer']>[0] = {}): Promise<Producer> => {
    const p = kafka.producer({ maxInFlightRequests: 1, ...opts });
    producers.push(p);
    await p.connect();
    return p;
  };

  it('idempotent producer: every record once, in order', async () => {
    const p = await producer({ idempotent: true });
    for (let i = 0; i < 5; i++) await p.send({ topic: 'idem', messages: [{ key: 'k', value: `m${i}`, partition: 0 }] });
    expect(await readAll(kafka, 'idem', true, 5)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
  });

  it('read_committed sees committed transactions once and aborted ones never; read_uncommitted sees both', async () => {
    const p = await producer({ transactionalId: 'e2e-txn', idempotent: true });
    let t = await p.transaction();
    await t.send({ topic: 'txn', messages: [{ value: 'c1', partition: 0 }, { value: 'c2', partition: 1 }] });
    await t.commit();
    t = await p.transaction();
    await t.send({ topic: 'txn', messages: [{ value: 'a1', partition: 0 }, { value: 'a2', partition: 1 }] });
    await t.abort();
    t = await p.transaction();
    await t.send({ topic: 'txn', messages: [{ value: 'c3', partition: 0 }] });
    await t.commit();
    expect(await readAll(kafka, 'txn', true, 3)).toEqual(['c1', 'c2', 'c3']);
    expect(await readAll(kafka, 'txn', false, 5)).toEqual(['a1', 'a2', 'c1', 'c2', 'c3']);
  });

  it('consume-transform-produce: output and consumed offsets commit together', async () => {
    const plain = await producer();
    await plain.send({ topic: 'in', messages: [{ value: 'x', partition: 0 }, { value: 'y', partition: 0 }] });
    const p = await producer({ transactionalId: 'e2e-ctp', idempotent: true });
    const admin = kafka.admin();
    await admin.connect();
    const committed = async (): Promise<string> => (await admin.fetchOffsets({ groupId: 'ctp-group', topics: ['in'] }))[0]!.partitions.find((x) => x.partition === 0)!.offset;
    let t = await p.transaction();
    await t.send({ topic: 'out', messages: [{ value: 'X-aborted', partition: 0 }] });
    await t.sendOffsets({ consumerGroupId: 'ctp-group', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '1' }] }] });
    await t.abort();
    expect(await committed()).toBe('-1');
    t = await p.transaction();
    await t.send({ topic: 'out', messages: [{ value: 'X', partition: 0 }, { value: 'Y', partition: 1 }] });
    await t.sendOffsets({ consumerGroupId: 'ctp-group', topics: [{ topic: 'in', partitions: [{ partition: 0, offset: '2' }] }] });
    expect(await committed()).toBe('-1'); // pending until the commit
    await t.commit();
    await waitFor('offsets to commit', async () => (await committed()) === '2');
    await admin.disconnect();
    expect(await readAll(kafka, 'out', true, 2)).toEqual(['X', 'Y']);
  });

  it('a producer that dies mid-transaction is fenced by its successor, and its transaction aborted', async () => {
    const zombie = await producer({ transactionalId: 'e2e-zombie', idempotent: true });
    const zt = await zombie.transaction();
    await zt.send({ topic: 'zombie', messages: [{ value: 'from-zombie', partition: 0 }] });
    // A new instance with the same transactional id takes over (kafkajs retries CONCURRENT_TRANSACTIONS).
    const successor = await producer({ transactionalId: 'e2e-zombie', idempotent: true });
    const st = await successor.transaction();
    await st.send({ topic: 'zombie', messages: [{ value: 'from-successor', partition: 0 }] });
    await st.commit();
    await expect(zt.commit()).rejects.toThrow();
    expect(await readAll(kafka, 'zombie', true, 1)).toEqual(['from-successor']);
  });

  it('a transaction left open past its timeout is aborted by the coordinator', async () => {
    const p = await producer({ transactionalId: 'e2e-timeout', idempotent: true, transactionTimeout: 1000 });
    const t = await p.transaction();
    await t.send({ topic: 'timeout', messages: [{ value: 'never', partition: 0 }] });
    const part = broker.services.partitions.leaderPartition('timeout', 0);
    expect(part.lastStableOffset).toBeLessThan(part.logEndOffset);
    await waitFor('the timeout abort', async () => (await broker.services.transactions.describeTransaction('e2e-timeout')).state === 'CompleteAbort', 10_000);
    expect(part.lastStableOffset).toBe(part.logEndOffset);
    // The epoch was bumped: the abandoned producer is fenced.
    await expect(t.commit()).rejects.toThrow();
    const plain = await producer();
    await plain.send({ topic: 'timeout', messages: [{ value: 'after', partition: 0 }] });
    expect(await readAll(kafka, 'timeout', true, 1)).toEqual(['after']);
  });

  it('a retried batch is stored once and answered with its original offset (raw frames)', async () => {
    const raw = await RawClient.connect('127.0.0.1', broker.listeners[0]!.port, 'raw-retry');
    const init = await raw.request(22, 4, { transactionalId: null, transactionTimeoutMs: 0, producerId: -1n, producerEpoch: -1 });
    const batch = (seq: number) =>
      buildRecordBatch({ producerId: init.producerId, producerEpoch: 0, baseSequence: seq, records: [{ key: null, value: Buffer.from(`r${seq}`), timestamp: Date.now() }] });
    const send = async (records: Buffer) =>
      (await raw.request(0, 9, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'idem', topicId: '', partitionData: [{ index: 1, records }] }] })).responses[0].partitionResponses[0];
    const first = await send(batch(0));
    const second = await send(batch(1));
    expect((await send(batch(0))).baseOffset).toBe(first.baseOffset);
    expect((await send(batch(1))).baseOffset).toBe(second.baseOffset);
    expect((await send(batch(5))).errorCode).toBe(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    expect(broker.services.partitions.leaderPartition('idem', 1).logEndOffset).toBe(Number(second.baseOffset) + 1);
    await raw.close();
  });

  it('ListOffsets with read_committed stops at the last stable offset', async () => {
    const p = await producer({ transactionalId: 'e2e-lso', idempotent: true });
    const t = await p.transaction();
    await t.send({ topic: 'txn', messages: [{ value: 'open', partition: 1 }] });
    const admin = kafka.admin();
    await admin.connect();
    const raw = await RawClient.connect('127.0.0.1', broker.listeners[0]!.port, 'raw-lso');
    const latest = async (isolationLevel: number): Promise<bigint> =>
      (await raw.request(2, 5, { replicaId: -1, isolationLevel, topics: [{ name: 'txn', partitions: [{ partitionIndex: 1, currentLeaderEpoch: -1, timestamp: -1n, maxNumOffsets: 1 }] }] })).topics[0].partitions[0].offset;
    const part = broker.services.partitions.leaderPartition('txn', 1);
    expect(await latest(1)).toBe(BigInt(part.lastStableOffset));
    expect(await latest(0)).toBe(BigInt(part.highWatermark));
    expect(await latest(1)).toBeLessThan(await latest(0));
    await t.abort();
    await waitFor('the abort', () => part.lastStableOffset === part.highWatermark);
    expect(await latest(1)).toBe(await latest(0));
    await raw.close();
    await admin.disconnect();
  });

  it('transaction state, committed offsets and producer ids survive a restart', async () => {
    const before = await broker.services.transactions.describeTransaction('e2e-txn');
    const idsBefore = await broker.services.transactions.initProducerId(null, 0, null);
    for (const p of producers.splice(0)) await p.disconnect().catch(() => undefined);
    await broker.stop();
    broker = await startBroker(dir);
    kafka = client(broker, 'txn-e2e-2');
    expect(await broker.services.transactions.describeTransaction('e2e-txn')).toMatchObject({ state: before.state, producerId: before.producerId, producerEpoch: before.producerEpoch });
    expect((await broker.services.transactions.initProducerId(null, 0, null)).producerId).toBeGreaterThan(idsBefore.producerId);
    const admin = kafka.admin();
    await admin.connect();
    expect((await admin.fetchOffsets({ groupId: 'ctp-group', topics: ['in'] }))[0]!.partitions.find((x) => x.partition === 0)!.offset).toBe('2');
    await admin.disconnect();
    // The same transactional id continues with the next epoch.
    const p = await producer({ transactionalId: 'e2e-txn', idempotent: true });
    const t = await p.transaction();
    await t.send({ topic: 'txn', messages: [{ value: 'c4', partition: 0 }] });
    await t.commit();
    expect((await broker.services.transactions.describeTransaction('e2e-txn')).producerEpoch).toBe(before.producerEpoch + 1);
    expect(await readAll(kafka, 'txn', true, 4)).toEqual(['c1', 'c2', 'c3', 'c4']);
  });
});
