/**
 * The data path end to end: a broker in-process, kafkajs (producer, admin offsets) and raw
 * frames for what kafkajs cannot show (long polls, sessions, old versions, acks=0 ordering).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { loadBrokerConfig } from '../../src/config';
import { ErrorCode } from '../../src/protocol/error-codes';
import { decodeResponse, encodeRequest } from '../../src/protocol/frame';
import { buildMessageSet, buildRecordBatch, decodeMessageSet, readBatchHeader, readRecords, scanBatches } from '../../src/protocol/records';
import { Broker } from '../../src/server/broker';
import { RawClient } from '../support/raw-client';
import { fetchRequest, produceRequest } from './handlers/data-path-support';

const sizePrefix = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const batchOf = (values: string[], timestamp = Date.now()) => buildRecordBatch({ records: values.map((v) => ({ key: null, value: Buffer.from(v), timestamp })) });

describe('data path end to end', () => {
  let dir: string;
  let broker: Broker;
  let port: number;
  let kafka: Kafka;
  let raw: RawClient;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-dp-e2e-'));
    broker = await Broker.start({ config: loadBrokerConfig({ profile: 'development', env: {}, overrides: ['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${dir}`] }) });
    port = broker.listeners[0]!.port;
    kafka = new Kafka({ brokers: [`127.0.0.1:${port}`], clientId: 'e2e', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: 'events', numPartitions: 2 },
        { topic: 'poll', numPartitions: 1 },
        { topic: 'lat', numPartitions: 1, configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }] },
        { topic: 'small', numPartitions: 1, configEntries: [{ name: 'max.message.bytes', value: '1000' }] },
        { topic: 'legacy', numPartitions: 1 },
        { topic: 'acks0', numPartitions: 1 },
      ],
    });
    await admin.disconnect();
    raw = await RawClient.connect('127.0.0.1', port);
  });

  afterAll(async () => {
    await raw.close();
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('kafkajs produces, and lists offsets by position and by timestamp', async () => {
    const producer = kafka.producer();
    await producer.connect();
    const t0 = Date.now() - 10_000;
    const sent = await producer.send({
      topic: 'events',
      messages: [
        { partition: 0, value: 'a', timestamp: String(t0) },
        { partition: 0, value: 'b', timestamp: String(t0 + 1000) },
        { partition: 1, value: 'c', timestamp: String(t0 + 2000) },
      ],
    });
    expect(sent.map((r) => [r.partition, r.errorCode, r.baseOffset]).sort()).toEqual([
      [0, 0, '0'],
      [1, 0, '0'],
    ]);
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('events');
    expect(offsets.sort((a, b) => a.partition - b.partition)).toEqual([
      { partition: 0, offset: '2', high: '2', low: '0' },
      { partition: 1, offset: '1', high: '1', low: '0' },
    ]);
    const byTime = await admin.fetchTopicOffsetsByTimestamp('events', t0 + 500);
    expect(byTime.sort((a, b) => a.partition - b.partition)).toEqual([
      { partition: 0, offset: '1' },
      { partition: 1, offset: '0' },
    ]);
    await admin.disconnect();
  });

  it('wakes a long poll with a produce, and times a long poll out with an empty answer', async () => {
    const waiter = await RawClient.connect('127.0.0.1', port);
    const started = Date.now();
    const polled = waiter.request(1, 12, fetchRequest([['poll', 0, 0]], { maxWaitMs: 10_000, minBytes: 1 }));
    await new Promise((r) => setTimeout(r, 100));
    await raw.request(0, 9, produceRequest('poll', 0, batchOf(['wake'])));
    const woken = await polled;
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(readRecords(woken.responses[0].partitions[0].records).map((r) => r.value!.toString())).toEqual(['wake']);

    const t = Date.now();
    const timedOut = await waiter.request(1, 12, fetchRequest([['poll', 0, 1]], { maxWaitMs: 300, minBytes: 1 }));
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
    expect(timedOut.responses[0].partitions[0]).toMatchObject({ errorCode: 0, highWatermark: 1n });
    expect(timedOut.responses[0].partitions[0].records.length).toBe(0);
    await waiter.close();
  });

  it('returns a first batch larger than the limits whole, and whole batches from mid-batch offsets', async () => {
    await raw.request(0, 9, produceRequest('events', 1, buildRecordBatch({ records: [{ value: Buffer.alloc(4000, 1) }, { value: Buffer.alloc(10) }] })));
    const res = await raw.request(1, 12, fetchRequest([['events', 1, 1, 100]], { maxBytes: 100 }));
    const records = res.responses[0].partitions[0].records;
    expect(scanBatches(records).batches).toHaveLength(1);
    expect(readBatchHeader(records).baseOffset).toBe(1n);
    expect(records.length).toBeGreaterThan(4000);
    const mid = await raw.request(1, 12, fetchRequest([['events', 1, 2]]));
    expect(readBatchHeader(mid.responses[0].partitions[0].records).baseOffset).toBe(1n);
    const oor = await raw.request(1, 12, fetchRequest([['events', 1, 99]]));
    expect(oor.responses[0].partitions[0]).toMatchObject({ errorCode: ErrorCode.OFFSET_OUT_OF_RANGE, highWatermark: -1n });
  });

  it('keeps an incremental fetch session: full, then only changed partitions', async () => {
    const full = await raw.request(1, 12, fetchRequest([['events', 0, 2], ['events', 1, 3]], { sessionId: 0, sessionEpoch: 0 }));
    expect(full.sessionId).toBeGreaterThan(0);
    expect(full.responses[0].partitions).toHaveLength(2);
    await raw.request(0, 9, produceRequest('events', 0, batchOf(['new'])));
    const inc = await raw.request(1, 12, fetchRequest([], { sessionId: full.sessionId, sessionEpoch: 1 }));
    expect(inc.errorCode).toBe(0);
    expect(inc.responses[0].partitions.map((p: any) => p.partitionIndex)).toEqual([0]);
    expect(readRecords(inc.responses[0].partitions[0].records).map((r) => r.value!.toString())).toEqual(['new']);
  });

  it('up-converts a Produce v2 magic-1 message set and down-converts it for Fetch v1', async () => {
    const set = buildMessageSet({
      magic: 1,
      messages: [
        { offset: 0n, timestamp: 1111, key: Buffer.from('k'), value: Buffer.from('one') },
        { offset: 1n, timestamp: 2222, key: null, value: Buffer.from('two') },
      ],
    });
    const produced = await raw.request(0, 2, produceRequest('legacy', 0, set));
    expect(produced.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n, logAppendTimeMs: -1n });
    const modern = await raw.request(1, 12, fetchRequest([['legacy', 0, 0]]));
    expect(readBatchHeader(modern.responses[0].partitions[0].records).magic).toBe(2);
    const old = await raw.request(1, 1, fetchRequest([['legacy', 0, 0]]));
    const messages = decodeMessageSet(old.responses[0].partitions[0].records);
    expect(messages.map((m) => [m.magic, Number(m.offset), m.key?.toString() ?? null, m.value!.toString()])).toEqual([
      [0, 0, 'k', 'one'],
      [0, 1, null, 'two'],
    ]);
  });

  it('sends no response for acks=0 and answers later pipelined requests in order', async () => {
    const sock = net.connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const frames = [
      encodeRequest(0, 9, 1, 'p', produceRequest('acks0', 0, batchOf(['fire-and-forget']), { acks: 0 })),
      encodeRequest(0, 9, 2, 'p', produceRequest('acks0', 0, batchOf(['acked']), { acks: 1 })),
      encodeRequest(0, 9, 3, 'p', produceRequest('acks0', 0, batchOf(['acked too']), { acks: -1 })),
    ];
    sock.write(Buffer.concat(frames.flatMap((f) => [sizePrefix(f.length), f])));
    const received: Buffer[] = [];
    let pending = Buffer.alloc(0);
    await new Promise<void>((resolve) => {
      sock.on('data', (d: Buffer) => {
        pending = Buffer.concat([pending, d]);
        while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
          received.push(pending.subarray(4, 4 + pending.readInt32BE(0)));
          pending = pending.subarray(4 + pending.readInt32BE(0));
        }
        if (received.length === 2) resolve();
      });
    });
    sock.destroy();
    expect(received.map((f) => f.readInt32BE(0))).toEqual([2, 3]);
    const acked = decodeResponse(0, 9, received[0]!).body as any;
    expect(acked.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 1n });
    const third = decodeResponse(0, 9, received[1]!).body as any;
    expect(third.responses[0].partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 2n });
  });

  it('stamps LogAppendTime and returns it', async () => {
    const before = Date.now();
    const res = await raw.request(0, 9, produceRequest('lat', 0, batchOf(['x'], 5)));
    const p = res.responses[0].partitionResponses[0];
    expect(p.errorCode).toBe(0);
    expect(Number(p.logAppendTimeMs)).toBeGreaterThanOrEqual(before);
    const fetched = await raw.request(1, 12, fetchRequest([['lat', 0, 0]]));
    const header = readBatchHeader(fetched.responses[0].partitions[0].records);
    expect(header.attributes & 0x08).toBe(0x08);
    expect(header.maxTimestamp).toBe(p.logAppendTimeMs);
    expect(readRecords(fetched.responses[0].partitions[0].records)[0]!.timestamp).toBe(Number(p.logAppendTimeMs));
  });

  it('refuses a batch larger than max.message.bytes with MESSAGE_TOO_LARGE', async () => {
    const res = await raw.request(0, 9, produceRequest('small', 0, buildRecordBatch({ records: [{ value: Buffer.alloc(2000) }] })));
    expect(res.responses[0].partitionResponses[0]).toMatchObject({ errorCode: ErrorCode.MESSAGE_TOO_LARGE, baseOffset: -1n, logStartOffset: -1n });
    const producer = kafka.producer({ retry: { retries: 0 } });
    await producer.connect();
    await expect(producer.send({ topic: 'small', messages: [{ value: Buffer.alloc(2000) }] })).rejects.toThrow(/too large|larger/i);
    await producer.disconnect();
  });
});
