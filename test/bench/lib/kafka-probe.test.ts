import { createServer, Server, Socket } from 'node:net';
import { parseMetadataV4, probeMetadata, waitReady } from '../../../bench/lib/kafka-probe';

/** A Metadata v4 response body (after the correlation id). */
function metadataBody(brokers: number, topics: { name: string; error?: number; leaders: number[] }[]): Buffer {
  const parts: Buffer[] = [];
  const i16 = (v: number): void => void parts.push(Buffer.from([(v >> 8) & 0xff, v & 0xff]));
  const i32 = (v: number): void => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    parts.push(b);
  };
  const str = (s: string | null): void => {
    if (s === null) return i16(-1);
    i16(Buffer.byteLength(s));
    parts.push(Buffer.from(s));
  };
  i32(0); // throttle
  i32(brokers);
  for (let b = 0; b < brokers; b++) {
    i32(b + 1);
    str('127.0.0.1');
    i32(9092);
    str(null);
  }
  str('cluster');
  i32(1);
  i32(topics.length);
  for (const t of topics) {
    i16(t.error ?? 0);
    str(t.name);
    parts.push(Buffer.from([0]));
    i32(t.leaders.length);
    t.leaders.forEach((leader, p) => {
      i16(0);
      i32(p);
      i32(leader);
      i32(1);
      i32(1); // replicas [1]
      i32(1);
      i32(1); // isr [1]
    });
  }
  return Buffer.concat(parts);
}

describe('parseMetadataV4', () => {
  it('counts brokers and the led partitions of the named topic', () => {
    const body = metadataBody(1, [
      { name: 'other', leaders: [1] },
      { name: 'bench-p3', leaders: [1, -1, 1] },
    ]);
    expect(parseMetadataV4(body, 'bench-p3')).toEqual({ brokers: 1, ledPartitions: 2, topicError: 0 });
  });

  it('reports a missing topic as error -1 and a topic error as given', () => {
    expect(parseMetadataV4(metadataBody(2, []), 'absent')).toEqual({ brokers: 2, ledPartitions: 0, topicError: -1 });
    expect(parseMetadataV4(metadataBody(1, [{ name: 't', error: 3, leaders: [] }]), 't').topicError).toBe(3);
  });

  it('throws on a truncated answer', () => {
    const body = metadataBody(1, [{ name: 't', leaders: [1, 1] }]);
    expect(() => parseMetadataV4(body.subarray(0, body.length - 3), 't')).toThrow(RangeError);
  });
});

describe('probeMetadata / waitReady against a fake broker', () => {
  let server: Server;
  let port: number;
  let requests: Buffer[];
  let answerTopic: boolean;

  beforeEach(async () => {
    requests = [];
    answerTopic = false;
    server = createServer((sock: Socket) => {
      let buf = Buffer.alloc(0);
      sock.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return;
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        requests.push(frame);
        const body = metadataBody(1, answerTopic ? [{ name: 'ready-p2', leaders: [1, 1] }] : []);
        const head = Buffer.alloc(8);
        head.writeInt32BE(4 + body.length, 0);
        head.writeInt32BE(frame.readInt32BE(4), 4);
        sock.end(Buffer.concat([head, body]));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });

  afterEach(async () => {
    await new Promise((r) => server.close(r));
  });

  it('sends a Metadata v4 request naming the topic, without auto-creation', async () => {
    const m = await probeMetadata('127.0.0.1', port, 'ready-p2');
    expect(m.brokers).toBe(1);
    const req = requests[0];
    expect(req.readInt16BE(0)).toBe(3); // api key
    expect(req.readInt16BE(2)).toBe(4); // version
    const clientIdLen = req.readInt16BE(8);
    let o = 10 + clientIdLen;
    expect(req.readInt32BE(o)).toBe(1);
    o += 4;
    const nameLen = req.readInt16BE(o);
    expect(req.toString('utf8', o + 2, o + 2 + nameLen)).toBe('ready-p2');
    expect(req[o + 2 + nameLen]).toBe(0); // allow_auto_topic_creation false
    expect(req.length).toBe(o + 3 + nameLen);
  });

  it('waits until the topic has every partition led', async () => {
    setTimeout(() => (answerTopic = true), 150);
    const t0 = performance.now();
    const ms = await waitReady({ host: '127.0.0.1', port, topic: 'ready-p2', partitions: 2, sinceMs: t0, timeoutMs: 5000, everyMs: 10, alive: () => true });
    expect(ms).toBeGreaterThanOrEqual(140);
    expect(requests.length).toBeGreaterThan(1);
  });

  it('gives up when the process has exited', async () => {
    await expect(waitReady({ host: '127.0.0.1', port, topic: 'never', sinceMs: performance.now(), timeoutMs: 5000, alive: () => false })).rejects.toThrow(/exited/);
  });
});
