/**
 * Readiness probe for start-up timing: a hand-encoded Metadata v4 request (v4 is the oldest
 * version Kafka 4.x still accepts, KIP-896) over a fresh TCP connection. A broker is ready when it
 * answers with at least one broker and, if a topic is named, that topic with every partition led.
 */
import { Socket } from 'node:net';

export interface MetadataSummary {
  brokers: number;
  /** Partition count of the named topic with a leader and no error (0 when absent). */
  ledPartitions: number;
  topicError: number;
}

function metadataV4Request(correlationId: number, topic: string | undefined): Buffer {
  const clientId = Buffer.from('bench-probe');
  const name = topic === undefined ? undefined : Buffer.from(topic);
  const bodyLen = 4 + (name ? 2 + name.length : 0) + 1;
  const len = 2 + 2 + 4 + 2 + clientId.length + bodyLen;
  const b = Buffer.alloc(4 + len);
  let o = b.writeInt32BE(len, 0);
  o = b.writeInt16BE(3, o); // Metadata
  o = b.writeInt16BE(4, o);
  o = b.writeInt32BE(correlationId, o);
  o = b.writeInt16BE(clientId.length, o);
  o += clientId.copy(b, o);
  if (name) {
    o = b.writeInt32BE(1, o);
    o = b.writeInt16BE(name.length, o);
    o += name.copy(b, o);
  } else {
    o = b.writeInt32BE(-1, o); // all topics
  }
  b.writeUInt8(0, o); // allow_auto_topic_creation: false
  return b;
}

/** Parses a Metadata v4 response body (after the correlation id). Throws on truncation. */
export function parseMetadataV4(body: Buffer, topic: string | undefined): MetadataSummary {
  let o = 0;
  const need = (n: number): void => {
    if (o + n > body.length) throw new RangeError(`metadata response truncated at ${o} (+${n}) of ${body.length}`);
  };
  const i16 = (): number => (need(2), (o += 2), body.readInt16BE(o - 2));
  const i32 = (): number => (need(4), (o += 4), body.readInt32BE(o - 4));
  const str = (): string | null => {
    const n = i16();
    if (n < 0) return null;
    need(n);
    o += n;
    return body.toString('utf8', o - n, o);
  };
  i32(); // throttle
  const brokers = i32();
  for (let i = 0; i < brokers; i++) {
    i32();
    str();
    i32();
    str();
  }
  str(); // cluster id
  i32(); // controller
  const topics = i32();
  let ledPartitions = 0;
  let topicError = topic === undefined ? 0 : -1;
  for (let t = 0; t < topics; t++) {
    const err = i16();
    const name = str();
    need(1);
    o += 1; // is_internal
    const parts = i32();
    let led = 0;
    for (let p = 0; p < parts; p++) {
      const perr = i16();
      i32();
      const leader = i32();
      const replicas = i32();
      need(4 * Math.max(0, replicas));
      o += 4 * Math.max(0, replicas);
      const isr = i32();
      need(4 * Math.max(0, isr));
      o += 4 * Math.max(0, isr);
      if (perr === 0 && leader >= 0) led++;
    }
    if (name === topic) {
      topicError = err;
      ledPartitions = led;
    }
  }
  return { brokers, ledPartitions, topicError };
}

/** One probe: connect, ask, parse; rejects on any failure or after timeoutMs. */
export function probeMetadata(host: string, port: number, topic?: string, timeoutMs = 2000): Promise<MetadataSummary> {
  return new Promise((resolve, reject) => {
    const sock = new Socket();
    const chunks: Buffer[] = [];
    let got = 0;
    const done = (err: Error | null, v?: MetadataSummary): void => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(v as MetadataSummary);
    };
    const timer = setTimeout(() => done(new Error('metadata probe timed out')), timeoutMs);
    sock.once('error', (e) => done(e));
    sock.once('close', () => done(new Error('connection closed before the answer')));
    sock.connect(port, host, () => sock.write(metadataV4Request(0x7e57, topic)));
    sock.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      const all = Buffer.concat(chunks, got);
      if (all.length < 4) return;
      const len = all.readInt32BE(0);
      if (all.length < 4 + len) return;
      try {
        if (all.readInt32BE(4) !== 0x7e57) throw new Error('wrong correlation id');
        done(null, parseMetadataV4(all.subarray(8, 4 + len), topic));
      } catch (e) {
        done(e as Error);
      }
    });
  });
}

/**
 * Polls until the broker is ready (see the file header) and returns the time it took from
 * `sinceMs` (a performance.now() value), polling every `everyMs`. `alive` aborts the wait when the
 * process has exited.
 */
export async function waitReady(opts: {
  host: string;
  port: number;
  topic?: string;
  partitions?: number;
  sinceMs: number;
  timeoutMs: number;
  everyMs?: number;
  alive: () => boolean;
}): Promise<number> {
  const deadline = opts.sinceMs + opts.timeoutMs;
  let lastError = '';
  while (performance.now() < deadline) {
    if (!opts.alive()) throw new Error(`broker exited during start-up (${lastError})`);
    try {
      const m = await probeMetadata(opts.host, opts.port, opts.topic, 1000);
      const topicOk = opts.topic === undefined || (m.topicError === 0 && m.ledPartitions >= (opts.partitions ?? 1));
      if (m.brokers >= 1 && topicOk) return performance.now() - opts.sinceMs;
      lastError = `brokers=${m.brokers} topicError=${m.topicError} led=${m.ledPartitions}`;
    } catch (e) {
      lastError = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 5));
  }
  throw new Error(`broker not ready after ${opts.timeoutMs} ms (${lastError})`);
}
