/** Test helpers for the network layer: a raw TCP client that speaks size-prefixed frames. */
import * as net from 'node:net';
import { SocketServer } from '../../src/network/socket-server';
import type { NetworkOptions } from '../../src/network/network-options';
import type { RequestHandler, ResponsePayload } from '../../src/network/request-handler';

/** Size-prefixes `payload`. */
export function frame(payload: Buffer): Buffer {
  const out = Buffer.alloc(4 + payload.length);
  out.writeInt32BE(payload.length, 0);
  payload.copy(out, 4);
  return out;
}

/** A request payload: the 8-byte header prefix (api key, version, correlation id) then `body`. */
export function requestPayload(correlationId: number, body: Buffer = Buffer.alloc(0), apiKey = 18, apiVersion = 3): Buffer {
  const h = Buffer.alloc(8);
  h.writeInt16BE(apiKey, 0);
  h.writeInt16BE(apiVersion, 2);
  h.writeInt32BE(correlationId, 4);
  return Buffer.concat([h, body]);
}

export function requestFrame(correlationId: number, body?: Buffer, apiKey?: number): Buffer {
  return frame(requestPayload(correlationId, body, apiKey));
}

export function correlationIdOf(requestFrame: Buffer): number {
  return requestFrame.readInt32BE(4);
}

/** A response echoing the correlation id, then the request body (bytes after the 8-byte prefix). */
export function echoResponse(req: Buffer): Buffer {
  const out = Buffer.alloc(4 + req.length - 8);
  out.writeInt32BE(req.readInt32BE(4), 0);
  req.copy(out, 4, 8);
  return out;
}

export const echoHandler: RequestHandler = { handle: (f) => echoResponse(f) };

/** A promise with its resolve/reject exposed. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A handler whose every request waits for the test to answer it. */
export class ControlledHandler implements RequestHandler {
  readonly requests: { frame: Buffer; answer: Deferred<ResponsePayload> }[] = [];

  handle(frame: Buffer): Promise<ResponsePayload> {
    const answer = deferred<ResponsePayload>();
    this.requests.push({ frame: Buffer.from(frame), answer });
    return answer.promise;
  }

  /** Answers request `i` (in arrival order) with an echo. */
  answer(i: number): void {
    this.requests[i].answer.resolve(echoResponse(this.requests[i].frame));
  }
}

export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Starts a server with one PLAINTEXT listener on 127.0.0.1:0. */
export async function startServer(
  handler: RequestHandler,
  options: Partial<NetworkOptions> = {},
): Promise<{ server: SocketServer; port: number }> {
  const server = new SocketServer(handler, {
    listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0, securityProtocol: 'PLAINTEXT' }],
    ...options,
  });
  const [bound] = await server.start();
  return { server, port: bound.port };
}

/** A raw client that collects response frames (with an independent, simple parser). */
export class TestClient {
  readonly frames: Buffer[] = [];
  private pending = Buffer.alloc(0);
  closed = false;
  readonly closedPromise: Promise<void>;
  bytesReceived = 0;

  private constructor(readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.bytesReceived += d.length;
      this.pending = Buffer.concat([this.pending, d]);
      while (this.pending.length >= 4) {
        const size = this.pending.readInt32BE(0);
        if (this.pending.length < 4 + size) break;
        this.frames.push(this.pending.subarray(4, 4 + size));
        this.pending = this.pending.subarray(4 + size);
      }
    });
    socket.on('error', () => undefined);
    // Like Kafka clients, treat the server's FIN as the end of the connection.
    socket.on('end', () => socket.end());
    this.closedPromise = new Promise((r) => socket.on('close', () => {
      this.closed = true;
      r();
    }));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host, allowHalfOpen: true }, () => resolve(new TestClient(s)));
      s.once('error', reject);
    });
  }

  write(b: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(b, (err) => (err ? reject(err) : resolve())));
  }

  /** Correlation ids of the echo responses received so far. */
  correlationIds(): number[] {
    return this.frames.map((f) => f.readInt32BE(0));
  }

  async waitForFrames(n: number, timeoutMs = 5000): Promise<Buffer[]> {
    await waitFor(() => this.frames.length >= n, timeoutMs, `${n} response frames (have ${this.frames.length})`);
    return this.frames;
  }

  async waitClosed(timeoutMs = 5000): Promise<void> {
    await waitFor(() => this.closed, timeoutMs, 'the connection to close');
  }

  destroy(): void {
    this.socket.destroy();
  }
}
