/**
 * End-to-end throughput of the data path: a broker started in-process, one raw TCP connection,
 * 1 KiB records in 16 KiB uncompressed batches.
 *
 *  - produce (acks=1): Produce v9 requests, one batch each, pipelined with a window of
 *    in-flight requests; MB/s of record batches acknowledged.
 *  - fetch catch-up: Fetch v12 from offset 0 to the end, 1 MiB per request (the Java
 *    consumer's max.partition.fetch.bytes); MB/s of record batches received.
 *
 * Run: npx tsx bench/e2e/produce-fetch.bench.ts [MiB to produce, default 64] [window, default 32]
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadBrokerConfig } from '../../src/config';
import { decodeResponse, encodeRequest } from '../../src/protocol/frame';
import type { FetchResponse } from '../../src/protocol/generated/fetch';
import type { ProduceResponse } from '../../src/protocol/generated/produce';
import { buildRecordBatch, readBatchHeader, scanBatches } from '../../src/protocol/records';
import { Broker } from '../../src/server/broker';

const RECORD_BYTES = 1024;
const RECORDS_PER_BATCH = 16;
const TOTAL_MIB = Number(process.argv[2] ?? 64);
const WINDOW = Number(process.argv[3] ?? 32);
const TOPIC = 'bench';
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

/** A connection that writes frames and hands back response frames in order. */
class Conn {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiters: Array<(frame: Buffer) => void> = [];
  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => this.onData(d));
  }
  static open(port: number): Promise<Conn> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Conn(s)));
      s.once('error', reject);
    });
  }
  send(frame: Buffer): void {
    const size = Buffer.allocUnsafe(4);
    size.writeInt32BE(frame.length);
    this.sock.write(size);
    this.sock.write(frame);
  }
  next(): Promise<Buffer> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.drain();
    });
  }
  close(): void {
    this.sock.destroy();
  }
  private onData(d: Buffer): void {
    this.chunks.push(d);
    this.buffered += d.length;
    this.drain();
  }
  private drain(): void {
    while (this.waiters.length > 0 && this.buffered >= 4) {
      const head = this.peek(4);
      const size = head.readInt32BE(0);
      if (this.buffered < 4 + size) return;
      const all = this.take(4 + size);
      this.waiters.shift()!(all.subarray(4));
    }
  }
  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!;
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!;
  }
  private take(n: number): Buffer {
    const first = this.peek(n);
    const out = first.subarray(0, n);
    if (first.length === n) this.chunks.shift();
    else this.chunks[0] = first.subarray(n);
    this.buffered -= n;
    return out;
  }
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-'));
  const config = loadBrokerConfig({ profile: 'development', env: {}, overrides: ['listeners=PLAINTEXT://127.0.0.1:0', `log.dirs=${dir}`, 'log.segment.bytes=268435456'] });
  const broker = await Broker.start({ config });
  try {
    await broker.services.topics.createTopic({ name: TOPIC, numPartitions: 1, replicationFactor: 1, configs: {} });
    const port = broker.listeners[0]!.port;
    const value = Buffer.alloc(RECORD_BYTES, 0x61);
    const batch = buildRecordBatch({ records: Array.from({ length: RECORDS_PER_BATCH }, () => ({ key: null, value, timestamp: Date.now() })) });
    const requests = Math.ceil((TOTAL_MIB * 1024 * 1024) / batch.length);
    const frames = Array.from({ length: requests }, (_, i) =>
      encodeRequest(0, 9, i + 1, 'bench', {
        transactionalId: null,
        acks: 1,
        timeoutMs: 30_000,
        topicData: [{ name: TOPIC, topicId: ZERO_UUID, partitionData: [{ index: 0, records: batch }] }],
      }),
    );

    // ---- produce, pipelined ----
    const producer = await Conn.open(port);
    let sent = 0;
    let acked = 0;
    const t0 = performance.now();
    while (sent < Math.min(WINDOW, requests)) producer.send(frames[sent++]!);
    while (acked < requests) {
      const res = decodeResponse(0, 9, await producer.next()).body as ProduceResponse;
      const code = res.responses[0]!.partitionResponses[0]!.errorCode;
      if (code !== 0) throw new Error(`produce failed with error ${code}`);
      acked++;
      if (sent < requests) producer.send(frames[sent++]!);
    }
    const produceMs = performance.now() - t0;
    producer.close();
    const producedBytes = requests * batch.length;
    report('produce acks=1', producedBytes, requests * RECORDS_PER_BATCH, produceMs);

    // ---- fetch catch-up ----
    const consumer = await Conn.open(port);
    let offset = 0n;
    let fetchedBytes = 0;
    let fetches = 0;
    const end = BigInt(requests * RECORDS_PER_BATCH);
    const t1 = performance.now();
    while (offset < end) {
      consumer.send(encodeRequest(1, 12, ++fetches, 'bench', fetchBody(offset)));
      const res = decodeResponse(1, 12, await consumer.next()).body as FetchResponse;
      const p = res.responses[0]!.partitions[0]!;
      if (p.errorCode !== 0) throw new Error(`fetch failed with error ${p.errorCode}`);
      const records = p.records!;
      const scan = scanBatches(records);
      const last = scan.batches[scan.batches.length - 1]!;
      const h = readBatchHeader(records, last.offset);
      offset = h.baseOffset + BigInt(h.lastOffsetDelta) + 1n;
      fetchedBytes += scan.validBytes;
    }
    const fetchMs = performance.now() - t1;
    consumer.close();
    report(`fetch catch-up (${fetches} fetches)`, fetchedBytes, Number(end), fetchMs);
  } finally {
    await broker.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function fetchBody(offset: bigint): unknown {
  return {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 500,
    minBytes: 1,
    maxBytes: 50 * 1024 * 1024,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [
      {
        topic: TOPIC,
        topicId: ZERO_UUID,
        partitions: [
          { partition: 0, currentLeaderEpoch: -1, fetchOffset: offset, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1024 * 1024, replicaDirectoryId: ZERO_UUID, highWatermark: -1n },
        ],
      },
    ],
    forgottenTopicsData: [],
    rackId: '',
  };
}

function report(label: string, bytes: number, records: number, ms: number): void {
  const mb = bytes / (1024 * 1024);
  process.stdout.write(
    `${label.padEnd(34)} ${(mb / (ms / 1000)).toFixed(1).padStart(8)} MB/s  ${((records / ms) * 1000).toFixed(0).padStart(9)} records/s  (${mb.toFixed(1)} MiB in ${ms.toFixed(0)} ms)\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
