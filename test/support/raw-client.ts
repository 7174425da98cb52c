/**
 * A minimal Kafka client for tests: sends one request frame at a time over a TCP socket and
 * returns the decoded response body, using the codecs of src/protocol/frame.ts.
 *
 *   const c = await RawClient.connect('127.0.0.1', port);
 *   const body = await c.request(3, 12, { topics: null, ... });
 *   await c.close();
 *
 * Requests are pipelined in order; each waits for its own response (matched by correlation
 * id). A request the broker never answers (e.g. an unsupported version closes the connection)
 * rejects when the connection closes.
 */
import * as net from 'node:net';
import { decodeResponse, encodeRequest } from '../../src/protocol/frame';

interface Pending {
  correlationId: number;
  apiKey: number;
  apiVersion: number;
  resolve: (body: any) => void;
  reject: (e: Error) => void;
}

export class RawClient {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private nextCorrelationId = 1;
  private closed = false;

  private constructor(
    private readonly socket: net.Socket,
    readonly clientId: string | null,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.failAll(new Error('connection closed')));
    socket.on('error', (e) => this.failAll(e));
  }

  static connect(host: string, port: number, clientId: string | null = 'raw-client'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      const onError = (e: Error): void => reject(e);
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new RawClient(socket, clientId));
      });
    });
  }

  /** Sends a request and resolves with the decoded response body. */
  request<T = any>(apiKey: number, apiVersion: number, body: unknown): Promise<T> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const correlationId = this.nextCorrelationId++;
    const frame = encodeRequest(apiKey, apiVersion, correlationId, this.clientId, body);
    const size = Buffer.alloc(4);
    size.writeInt32BE(frame.length);
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ correlationId, apiKey, apiVersion, resolve, reject });
      this.socket.write(Buffer.concat([size, frame]));
    });
  }

  /** True until the broker (or close()) ends the connection. */
  get isOpen(): boolean {
    return !this.closed;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const p = this.pending.shift();
      if (!p) {
        this.failAll(new Error('response without a pending request'));
        return;
      }
      try {
        const { correlationId, body } = decodeResponse(p.apiKey, p.apiVersion, frame);
        if (correlationId !== p.correlationId) throw new Error(`correlation id ${correlationId}, expected ${p.correlationId}`);
        p.resolve(body);
      } catch (e) {
        p.reject(e as Error);
      }
    }
  }

  private failAll(e: Error): void {
    this.closed = true;
    for (const p of this.pending.splice(0)) p.reject(e);
  }
}

/** Shorthand matching the team's contract: connect(host, port). */
export const connect = (host: string, port: number, clientId?: string | null): Promise<RawClient> => RawClient.connect(host, port, clientId);
