/**
 * Memory reuse on the data path, end to end: Produce frames are given back to the network
 * layer's pool once their records are in the log (ProduceHandler.releasesRequestBytes), and
 * fetch read buffers go back to the log's read pool once the response is written
 * (RequestContext.onResponseDone). Reused memory must never show up in what is stored or
 * served: many large, distinct Produce requests, pipelined on several connections so that
 * frames are recycled while others are still being written, are read back byte for byte.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadBrokerConfig } from '../../src/config';
import { sharedReadBufferPool } from '../../src/log';
import { ErrorCode } from '../../src/protocol/error-codes';
import { buildRecordBatch, readRecords } from '../../src/protocol/records';
import { Broker } from '../../src/server/broker';
import { BufferPool } from '../../src/util/buffer-pool';
import { RawClient } from '../support/raw-client';
import { fetchRequest, produceRequest } from './handlers/data-path-support';

const RECORDS_PER_BATCH = 300;
const VALUE_BYTES = 4096; // ~1.2 MiB per batch: every request frame spans many socket reads

describe('buffer reuse on the data path', () => {
  let dir: string;
  let broker: Broker;
  let port: number;
  const clients: RawClient[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-reuse-e2e-'));
    broker = await Broker.start({ config: loadBrokerConfig({ profile: 'development', env: {}, overrides: ['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${dir}`] }) });
    port = broker.listeners[0]!.port;
    const admin = await RawClient.connect('127.0.0.1', port);
    clients.push(admin);
    const created = await admin.request(19, 5, {
      topics: [{ name: 'reuse', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [{ name: 'max.message.bytes', value: String(4 * 1024 * 1024) }] }],
      timeoutMs: 10_000,
      validateOnly: false,
    });
    expect(created.topics[0].errorCode).toBe(ErrorCode.NONE);
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores and serves every byte of recycled produce frames, and gives fetch reads back to the pool', async () => {
    const release = jest.spyOn(BufferPool.prototype, 'release');
    const producers = await Promise.all([0, 1, 2].map(() => RawClient.connect('127.0.0.1', port)));
    clients.push(...producers);
    // Each value names its producer and position, then random bytes: any reuse leaking into
    // the log shows up as a wrong or duplicated value.
    const sent = new Map<string, Buffer>();
    const requests: Array<Promise<any>> = [];
    for (let round = 0; round < 6; round++) {
      producers.forEach((c, p) => {
        const records = Array.from({ length: RECORDS_PER_BATCH }, (_, i) => {
          const id = `p${p}-r${round}-${i}`;
          const value = Buffer.concat([Buffer.from(`${id}:`), randomBytes(VALUE_BYTES)]);
          sent.set(id, value);
          return { key: Buffer.from(id), value, timestamp: Date.now() };
        });
        // Pipelined: the next request is sent before the previous one is answered.
        requests.push(c.request(0, 9, produceRequest('reuse', 0, buildRecordBatch({ records }), { acks: -1, timeoutMs: 10_000 })));
      });
    }
    const answers = await Promise.all(requests);
    for (const a of answers) expect(a.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE);
    // Produce frames went back to the frame pool (views of 2 MiB pooled buffers).
    expect(release.mock.calls.some(([b]) => (b as Buffer).length > 1024 * 1024)).toBe(true);

    const reader = await RawClient.connect('127.0.0.1', port);
    clients.push(reader);
    const got = new Map<string, Buffer>();
    let offset = 0;
    const retainedBefore = sharedReadBufferPool.retainedBytes;
    while (got.size < sent.size) {
      const res = await reader.request(1, 12, fetchRequest([['reuse', 0, offset, 4 * 1024 * 1024]], { maxBytes: 8 * 1024 * 1024 }));
      const part = res.responses[0].partitions[0];
      expect(part.errorCode).toBe(ErrorCode.NONE);
      const records = readRecords(part.records);
      expect(records.length).toBeGreaterThan(0);
      for (const r of records) {
        const id = r.key!.toString();
        expect(got.has(id)).toBe(false);
        got.set(id, Buffer.from(r.value!));
        offset = Number(r.offset) + 1;
      }
    }
    for (const [id, value] of sent) expect(got.get(id)?.equals(value)).toBe(true);
    // The fetch reads (64 KiB and larger) were given back once their responses were written.
    expect(sharedReadBufferPool.retainedBytes).toBeGreaterThan(retainedBefore);
    release.mockRestore();
  });
});
