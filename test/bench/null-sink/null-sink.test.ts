/**
 * The null sink (bench/null-sink, C) is compiled with gcc and spoken to over TCP: the answers
 * librdkafka needs (ApiVersions, Metadata, Produce) and nothing more.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMetadataV4 } from '../../../bench/lib/kafka-probe';

const SRC = join(__dirname, '..', '..', '..', 'bench', 'null-sink', 'null-sink.c');

function frame(apiKey: number, version: number, corr: number, body: Buffer, flexibleHeader = false): Buffer {
  const clientId = Buffer.from('t');
  const head = Buffer.alloc(12);
  head.writeInt16BE(apiKey, 4);
  head.writeInt16BE(version, 6);
  head.writeInt32BE(corr, 8);
  const idLen = Buffer.alloc(2);
  idLen.writeInt16BE(clientId.length);
  const parts = [head, idLen, clientId, ...(flexibleHeader ? [Buffer.from([0])] : []), body];
  const all = Buffer.concat(parts);
  all.writeInt32BE(all.length - 4, 0);
  return all;
}

const i16 = (v: number): Buffer => Buffer.from([(v >> 8) & 0xff, v & 0xff]);
const i32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(v);
  return b;
};
const str = (s: string): Buffer => Buffer.concat([i16(s.length), Buffer.from(s)]);

/** A record batch header whose last offset delta says it holds `records` records. */
function batch(records: number): Buffer {
  const b = Buffer.alloc(61 + 10);
  b.writeInt32BE(b.length - 12, 8);
  b[16] = 2;
  b.writeInt32BE(records - 1, 23);
  b.writeInt32BE(records, 57);
  return b;
}

function produceV7(topic: string, partition: number, acks: number, records: Buffer): Buffer {
  return Buffer.concat([i16(-1), i16(acks), i32(30000), i32(1), str(topic), i32(1), i32(partition), i32(records.length), records]);
}

class Client {
  private buf = Buffer.alloc(0);
  private waiters: ((f: Buffer) => void)[] = [];
  closed = false;
  constructor(readonly sock: Socket) {
    sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const f = this.buf.subarray(4, 4 + this.buf.readInt32BE(0));
        this.buf = this.buf.subarray(4 + f.length);
        this.waiters.shift()?.(f);
      }
    });
    sock.on('close', () => (this.closed = true));
  }
  next(): Promise<Buffer> {
    return new Promise((r) => this.waiters.push(r));
  }
  async ask(f: Buffer): Promise<Buffer> {
    const p = this.next();
    this.sock.write(f);
    return p;
  }
}

describe('null sink', () => {
  let dir: string;
  let proc: ChildProcess;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'null-sink-test-'));
    execFileSync('gcc', ['-O2', '-Wall', '-Werror', '-Wextra', '-o', join(dir, 'null-sink'), SRC]);
    proc = spawn(join(dir, 'null-sink'), ['--port', '0', '--partitions', '2']);
    port = await new Promise<number>((resolve) => {
      proc.stdout!.once('data', (d: Buffer) => resolve(Number(/port (\d+)/.exec(d.toString())![1])));
    });
  });

  afterAll(() => {
    proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = async (): Promise<Client> => {
    const s = new Socket();
    await new Promise<void>((r) => s.connect(port, '127.0.0.1', r));
    return new Client(s);
  };

  it('answers ApiVersions v3 with the ranges librdkafka needs for record batches v2 and LZ4', async () => {
    const c = await connect();
    // body: client_software_name, client_software_version (compact strings), tagged fields
    const res = await c.ask(frame(18, 3, 7, Buffer.from([2, 0x61, 2, 0x31, 0]), true));
    expect(res.readInt32BE(0)).toBe(7);
    expect(res.readInt16BE(4)).toBe(0);
    const n = res[6] - 1;
    const apis = new Map<number, [number, number]>();
    for (let i = 0; i < n; i++) {
      const o = 7 + i * 7;
      apis.set(res.readInt16BE(o), [res.readInt16BE(o + 2), res.readInt16BE(o + 4)]);
    }
    expect(apis.get(0)?.[1]).toBeGreaterThanOrEqual(3); // Produce v3+
    expect(apis.get(1)?.[1]).toBeGreaterThanOrEqual(4); // Fetch v4+ (MsgVer2)
    expect(apis.has(10)).toBe(true); // FindCoordinator (LZ4)
    expect(apis.get(3)?.[1]).toBeGreaterThanOrEqual(4); // Metadata v4
    c.sock.destroy();
  });

  it('answers Metadata with the partition count named by a -pN suffix, or the default', async () => {
    const c = await connect();
    const ask = async (topic: string): Promise<number> => {
      const res = await c.ask(frame(3, 4, 1, Buffer.concat([i32(1), str(topic), Buffer.from([0])])));
      return parseMetadataV4(res.subarray(4), topic).ledPartitions;
    };
    expect(await ask('bench-p16')).toBe(16);
    expect(await ask('plain')).toBe(2);
    c.sock.destroy();
  });

  it('answers Produce with success and base offsets that advance by the records received', async () => {
    const c = await connect();
    const first = await c.ask(frame(0, 7, 11, produceV7('acks-p4', 3, 1, Buffer.concat([batch(5), batch(2)]))));
    const second = await c.ask(frame(0, 7, 12, produceV7('acks-p4', 3, -1, batch(1))));
    const read = (res: Buffer): { corr: number; topic: string; partition: number; error: number; base: bigint } => {
      let o = 4;
      expect(res.readInt32BE(o)).toBe(1);
      o += 4;
      const len = res.readInt16BE(o);
      const topic = res.toString('utf8', o + 2, o + 2 + len);
      o += 2 + len + 4;
      return { corr: res.readInt32BE(0), topic, partition: res.readInt32BE(o), error: res.readInt16BE(o + 4), base: res.readBigInt64BE(o + 6) };
    };
    const a = read(first);
    const b = read(second);
    expect(a).toMatchObject({ corr: 11, topic: 'acks-p4', partition: 3, error: 0 });
    expect(b.corr).toBe(12);
    expect(b.base - a.base).toBe(7n);
    c.sock.destroy();
  });

  it('sends nothing for acks=0 and closes the connection on an API it does not serve', async () => {
    const c = await connect();
    c.sock.write(frame(0, 7, 21, produceV7('t', 0, 0, batch(1))));
    const res = await c.ask(frame(3, 4, 22, Buffer.concat([i32(0), Buffer.from([0])])));
    expect(res.readInt32BE(0)).toBe(22);
    c.sock.write(frame(1, 4, 23, Buffer.alloc(20)));
    await new Promise((r) => c.sock.once('close', r));
    expect(c.closed).toBe(true);
  });
});
