/**
 * A small Kafka wire client for the differential runner: one TCP connection, requests encoded
 * with the project's own codec (src/protocol/frame.ts), responses decoded at the version asked.
 *
 * Unlike test/support/raw-client.ts, every exchange ends in an outcome rather than a rejection:
 * the runner must record "Kafka closed the connection" or "no answer within 10 s" as a result
 * to compare, not crash on it. After a close the client reconnects on the next request, since
 * Kafka closes the connection on a request it cannot parse and later steps still need a socket.
 */
import * as net from 'node:net';
import { decodeResponse, encodeRequest } from '../../../src/protocol/frame';

export type Outcome =
  | { kind: 'response'; body: unknown; elapsedMs: number }
  /** The broker closed the connection instead of answering (Kafka's answer to an unsupported version or a malformed request). */
  | { kind: 'closed'; elapsedMs: number }
  | { kind: 'timeout'; elapsedMs: number }
  /** The response frame could not be decoded at the version asked. */
  | { kind: 'undecodable'; error: string; elapsedMs: number }
  /** No connection could be opened (the broker is gone). */
  | { kind: 'unreachable'; error: string; elapsedMs: number };

interface Pending {
  correlationId: number;
  apiKey: number;
  apiVersion: number;
  started: number;
  timer: NodeJS.Timeout;
  settle: (o: Outcome) => void;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

export class WireClient {
  private socket: net.Socket | null = null;
  private buffered: Buffer = Buffer.alloc(0);
  private pending: Pending[] = [];
  private nextCorrelationId = 1;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly clientId: string = 'tributary-differential',
  ) {}

  static fromBootstrap(bootstrap: string, clientId?: string): WireClient {
    const i = bootstrap.lastIndexOf(':');
    if (i < 0) throw new Error(`bootstrap "${bootstrap}" is not host:port`);
    return new WireClient(bootstrap.slice(0, i).replace(/^\[|\]$/g, ''), Number(bootstrap.slice(i + 1)), clientId);
  }

  /** Sends one request and waits for its outcome. */
  async send(apiKey: number, apiVersion: number, body: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Outcome> {
    return this.sendFrame(apiKey, apiVersion, encodeRequest(apiKey, apiVersion, this.nextCorrelationId, this.clientId, body), timeoutMs);
  }

  /**
   * Sends an already encoded request frame (no size prefix) whose correlation id must be the
   * next one (`peekCorrelationId`). Used by steps that corrupt bytes after encoding.
   */
  async sendFrame(apiKey: number, apiVersion: number, frame: Buffer, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Outcome> {
    let socket: net.Socket;
    try {
      socket = await this.connected();
    } catch (e) {
      return { kind: 'unreachable', error: (e as Error).message, elapsedMs: 0 };
    }
    const correlationId = this.nextCorrelationId++;
    const size = Buffer.alloc(4);
    size.writeInt32BE(frame.length);
    return new Promise<Outcome>((resolve) => {
      const started = performance.now();
      const p: Pending = {
        correlationId,
        apiKey,
        apiVersion,
        started,
        timer: setTimeout(() => {
          this.pending = this.pending.filter((x) => x !== p);
          // The connection's ordering is now unknown: drop it so later requests start clean.
          this.drop();
          resolve({ kind: 'timeout', elapsedMs: Math.round(performance.now() - started) });
        }, timeoutMs),
        settle: resolve,
      };
      this.pending.push(p);
      socket.write(Buffer.concat([size, frame]));
    });
  }

  get peekCorrelationId(): number {
    return this.nextCorrelationId;
  }

  async close(): Promise<void> {
    const s = this.socket;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.once('close', () => resolve());
      s.end();
      setTimeout(() => s.destroy(), 1000).unref();
    });
  }

  private connected(): Promise<net.Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: this.host, port: this.port });
      socket.setNoDelay(true);
      const onError = (e: Error): void => reject(new Error(`cannot connect to ${this.host}:${this.port}: ${e.message}`));
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        this.buffered = Buffer.alloc(0);
        socket.on('data', (chunk: Buffer) => this.onData(socket, chunk));
        socket.on('close', () => this.onClose(socket));
        socket.on('error', () => undefined); // 'close' follows and settles what is pending
        this.socket = socket;
        resolve(socket);
      });
    });
  }

  /** Abandons the current connection; what was pending on it counts as closed. */
  private drop(): void {
    const s = this.socket;
    if (s) this.onClose(s);
    s?.destroy();
  }

  private onClose(socket: net.Socket): void {
    // A late 'close' of a connection already dropped must not fail the requests of its successor.
    if (this.socket !== socket) return;
    this.socket = null;
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.settle({ kind: 'closed', elapsedMs: Math.round(performance.now() - p.started) });
    }
  }

  private onData(socket: net.Socket, chunk: Buffer): void {
    if (this.socket !== socket) return;
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) return;
      const frame = this.buffered.subarray(4, 4 + size);
      this.buffered = this.buffered.subarray(4 + size);
      const p = this.pending.shift();
      if (!p) {
        this.drop();
        return;
      }
      clearTimeout(p.timer);
      const elapsedMs = Math.round(performance.now() - p.started);
      try {
        const { correlationId, body } = decodeResponse(p.apiKey, p.apiVersion, frame);
        if (correlationId !== p.correlationId) throw new Error(`correlation id ${correlationId}, expected ${p.correlationId}`);
        p.settle({ kind: 'response', body, elapsedMs });
      } catch (e) {
        p.settle({ kind: 'undecodable', error: (e as Error).message, elapsedMs });
      }
    }
  }
}
