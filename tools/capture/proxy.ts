/**
 * Recording TCP proxy: sits between a real Kafka client and a real Kafka broker, forwards the
 * bytes unchanged, and records every request frame with the response frame of the same
 * correlation id, one JSON object per line.
 *
 *   npx tsx tools/capture/proxy.ts --listen 127.0.0.1:39192 --upstream 127.0.0.1:39092 \
 *     --client kafkajs --out /tmp/capture/kafkajs.jsonl
 *
 * Clients must keep talking through the proxy after their first Metadata request, so the broker
 * has to advertise the proxy's address (compat-tests/reference-kafka/kafka.sh start --advertise).
 * Stops on SIGINT/SIGTERM after flushing the file. A run-time tool, not library code: it prints.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { FrameSplitter } from './frame-splitter';

interface Options {
  listenHost: string;
  listenPort: number;
  upstreamHost: string;
  upstreamPort: number;
  client: string;
  out: string;
}

/** One line of the raw capture file. */
export interface CapturedExchange {
  client: string;
  connection: number;
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  /** Request header + body (no size prefix), hex. */
  request: string;
  /** Response header + body (no size prefix), hex; null when the request got no answer (acks=0). */
  response: string | null;
}

function parseHostPort(s: string, what: string): [string, number] {
  const i = s.lastIndexOf(':');
  const port = Number(s.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`${what} must be HOST:PORT, got ${s}`);
  return [s.slice(0, i), port];
}

function parseArgs(argv: string[]): Options {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    args.set(argv[i].slice(2), argv[i + 1]);
  }
  const need = (k: string): string => {
    const v = args.get(k);
    if (v === undefined) throw new Error(`missing --${k}`);
    return v;
  };
  const [listenHost, listenPort] = parseHostPort(need('listen'), '--listen');
  const [upstreamHost, upstreamPort] = parseHostPort(need('upstream'), '--upstream');
  return { listenHost, listenPort, upstreamHost, upstreamPort, client: need('client'), out: need('out') };
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const out = fs.createWriteStream(opts.out, { flags: 'a' });
  let connections = 0;
  let recorded = 0;
  const write = (e: CapturedExchange): void => {
    out.write(JSON.stringify(e) + '\n');
    recorded++;
  };

  const server = net.createServer((downstream) => {
    const connection = ++connections;
    const upstream = net.connect(opts.upstreamPort, opts.upstreamHost);
    // Requests waiting for their response, by correlation id (a connection may pipeline).
    const pending = new Map<number, { apiKey: number; apiVersion: number; request: Buffer }>();

    const requests = new FrameSplitter((frame) => {
      if (frame.length < 8) return;
      const apiKey = frame.readInt16BE(0);
      const apiVersion = frame.readInt16BE(2);
      const correlationId = frame.readInt32BE(4);
      pending.set(correlationId, { apiKey, apiVersion, request: frame });
    });
    const responses = new FrameSplitter((frame) => {
      if (frame.length < 4) return;
      const correlationId = frame.readInt32BE(0);
      const req = pending.get(correlationId);
      if (!req) {
        process.stderr.write(`capture: connection ${connection}: response to unknown correlation id ${correlationId}\n`);
        return;
      }
      pending.delete(correlationId);
      write({ client: opts.client, connection, apiKey: req.apiKey, apiVersion: req.apiVersion, correlationId,
        request: req.request.toString('hex'), response: frame.toString('hex') });
    });

    downstream.on('data', (chunk) => { requests.push(chunk); upstream.write(chunk); });
    upstream.on('data', (chunk) => { responses.push(chunk); downstream.write(chunk); });
    const close = (): void => {
      // Requests that never got an answer (Produce with acks=0) are still worth keeping.
      for (const [correlationId, req] of pending) {
        write({ client: opts.client, connection, apiKey: req.apiKey, apiVersion: req.apiVersion, correlationId,
          request: req.request.toString('hex'), response: null });
      }
      pending.clear();
      downstream.destroy();
      upstream.destroy();
    };
    downstream.on('close', close);
    upstream.on('close', close);
    downstream.on('error', () => close());
    upstream.on('error', () => close());
  });

  server.listen(opts.listenPort, opts.listenHost, () => {
    process.stderr.write(`capture: ${opts.client}: ${opts.listenHost}:${opts.listenPort} -> ${opts.upstreamHost}:${opts.upstreamPort}, recording to ${opts.out}\n`);
  });
  const stop = (): void => {
    server.close();
    out.end(() => {
      process.stderr.write(`capture: ${opts.client}: ${recorded} exchanges over ${connections} connections\n`);
      process.exit(0);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) main();
