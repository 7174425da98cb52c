/**
 * One accepted TCP connection: reads frames, hands them to the request
 * handler, and writes responses back strictly in request order.
 *
 * Ordering: requests may be handled concurrently, but responses are written
 * in request order (ResponseOrder); an early response waits for earlier ones.
 *
 * Back-pressure (reading stops, so memory stays bounded) while:
 * - this connection has `maxInFlight` requests unanswered, or requests of
 *   `maxInFlightBytes` or more whose handlers are still running, or
 * - the broker-wide budget (`queued.max.requests`) is used up, or
 * - more than `writeHighWaterMark` response bytes wait in the socket (slow reader).
 * Frames already read stay in the decoder and are dispatched when reading resumes.
 *
 * Life cycle: OPEN → (DRAINING: no more reads, answering what was read) →
 * CLOSING (socket ended, flushing) → CLOSED ('close' event seen).
 */
import type { Socket } from 'node:net';
import type { BufferPool } from '../util/buffer-pool';
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { invariant } from '../util/invariant';
import { InvalidFrameSizeError, InvalidResponseError } from './errors';
import { CopyingFrameDecoder } from './copying-frame-decoder';
import { FrameDecoder, type FrameSource } from './frame-decoder';
import type { ReadDelivery } from './listener';
import type { BudgetWaiter, InFlightBudget } from './in-flight-budget';
import type { SecurityProtocol } from './listener-config';
import type { ListenerMetrics } from './network-metrics';
import { REQUEST_HEADER_PREFIX_BYTES } from './request-header';
import { ResponseOrder, type ResponseSlot } from './response-order';
import {
  describeNonPayload,
  isResponsePayload,
  MAX_RESPONSE_PAYLOAD_BYTES,
  payloadLength,
  writeResponseFrame,
} from './response-frame';
import {
  ConnectionCloseReason,
  takeRelease,
  type ConnectionContext,
  type RequestHandler,
  type ResponsePayload,
} from './request-handler';

export const ConnectionState = {
  OPEN: 'open',
  DRAINING: 'draining',
  CLOSING: 'closing',
  CLOSED: 'closed',
} as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

export interface ConnectionSettings {
  readonly listenerName: string;
  readonly securityProtocol: SecurityProtocol;
  readonly maxFrameBytes: number;
  /** Where assembled request frames come from and recycled ones return (recycleFrame). */
  readonly framePool?: BufferPool;
  readonly maxInFlight: number;
  /** Request bytes whose handlers are still running before reading pauses (one request always fits). */
  readonly maxInFlightBytes?: number;
  readonly writeHighWaterMark: number;
  readonly budget: InFlightBudget;
  readonly metrics: ListenerMetrics;
  readonly clock: Clock;
  readonly log: Logger;
  readonly handler: RequestHandler;
  /** Called once after the socket has closed. */
  readonly onClosed: (c: Connection) => void;
}

export class Connection implements ConnectionContext, BudgetWaiter {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  readonly connectionId: string;

  private stateValue: ConnectionState = ConnectionState.OPEN;
  private closeReason: ConnectionCloseReason = ConnectionCloseReason.PEER_CLOSED;
  private readonly decoder: FrameSource;
  private readonly responses = new ResponseOrder();
  private writeBlocked = false;
  private waitingForBudget = false;
  private pumping = false;
  /** Bytes of the request frames whose handlers are still running. */
  private inFlightBytes = 0;
  private pumpAgain = false;
  /** The peer has shut down its sending side ('end' seen). */
  private peerEnded = false;
  private lastActivityMs: number;
  private closingSinceMs = 0;
  private readonly log: Logger;

  constructor(
    private readonly socket: Socket,
    index: number,
    private readonly s: ConnectionSettings,
    /** Set when the socket reads into the listener's shared buffer (listener.ts): bytes are copied out as they arrive. */
    private readonly reads: ReadDelivery | null = null,
  ) {
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.localAddress = socket.localAddress ?? '';
    this.localPort = socket.localPort ?? 0;
    this.connectionId = `${this.localAddress}:${this.localPort}-${this.remoteAddress}:${this.remotePort}-${index}`;
    this.decoder = reads
      ? new CopyingFrameDecoder(s.maxFrameBytes, s.framePool ?? null)
      : new FrameDecoder(s.maxFrameBytes, s.framePool ?? null);
    this.lastActivityMs = s.clock.monotonic();
    this.log = s.log.child({ connectionId: this.connectionId });
  }

  get listenerName(): string {
    return this.s.listenerName;
  }

  get securityProtocol(): SecurityProtocol {
    return this.s.securityProtocol;
  }

  get isOpen(): boolean {
    return this.stateValue === ConnectionState.OPEN || this.stateValue === ConnectionState.DRAINING;
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Requests read and not yet answered (their responses not yet handed to the socket). */
  get inFlight(): number {
    return this.responses.size;
  }

  get readingPaused(): boolean {
    return this.socket.isPaused();
  }

  /** Attaches socket events and starts reading. */
  start(): void {
    const sock = this.socket;
    sock.setNoDelay(true);
    // Kafka's acceptor sets SO_KEEPALIVE on accepted sockets.
    sock.setKeepAlive(true);
    if (this.reads) {
      const decoder = this.decoder as CopyingFrameDecoder;
      this.reads.deliver = (chunk) => this.onData(chunk);
      this.reads.directTarget = () => (this.stateValue === ConnectionState.OPEN ? decoder.directTarget() : null);
      this.reads.deliverDirect = (region, n) => this.onDirectData(decoder, region, n);
    } else {
      sock.on('data', (chunk: Buffer) => this.onData(chunk));
    }
    sock.on('end', () => this.onPeerEnd());
    sock.on('drain', () => this.onDrain());
    sock.on('error', (err) => this.onSocketError(err));
    sock.on('close', () => this.onSocketClose());
    try {
      this.s.handler.connectionOpened?.(this);
    } catch (err) {
      this.s.metrics.handlerErrors++;
      this.log.error({ err }, 'connectionOpened callback failed; closing connection');
      this.destroy(ConnectionCloseReason.HANDLER_ERROR);
    }
    // A socket reading into the shared buffer is created paused (listener.ts): start it now.
    if (this.reads && this.stateValue === ConnectionState.OPEN) sock.resume();
  }

  close(): void {
    this.closeNow(ConnectionCloseReason.REQUESTED);
  }

  closeAfterResponses(): void {
    this.drainAndClose(ConnectionCloseReason.REQUESTED);
  }

  recycleFrame(frame: Buffer): void {
    this.decoder.recycle(frame);
  }

  /** Stops reading; closes once every request already read has been answered. */
  drainAndClose(reason: ConnectionCloseReason): void {
    if (this.stateValue !== ConnectionState.OPEN) return;
    this.stateValue = ConnectionState.DRAINING;
    this.closeReason = reason;
    this.decoder.clear(); // frames received but not dispatched are dropped, as on any close
    this.stopWaitingForBudget();
    this.socket.pause();
    if (this.inFlight === 0) this.endSocket();
  }

  /** Stops reading, drops unanswered requests, flushes what was written, then closes. */
  closeNow(reason: ConnectionCloseReason): void {
    if (this.stateValue === ConnectionState.CLOSING || this.stateValue === ConnectionState.CLOSED) return;
    this.closeReason = reason;
    this.dropAll();
    this.endSocket();
  }

  /** Closes the socket at once, discarding unwritten bytes (abrupt shutdown, stuck peers). */
  destroy(reason: ConnectionCloseReason): void {
    if (this.stateValue === ConnectionState.CLOSED) return;
    if (this.stateValue !== ConnectionState.CLOSING) {
      this.closeReason = reason;
      this.closingSinceMs = this.s.clock.monotonic();
    }
    this.dropAll();
    this.stateValue = ConnectionState.CLOSING;
    this.socket.destroy();
  }

  /**
   * Periodic check from the server: closes the connection if it has had no
   * request/response activity for `idleMs` (and nothing is in flight: a long
   * poll is not idleness), and destroys one whose close has not completed
   * within `lingerMs` (a peer that stopped reading).
   */
  sweep(nowMs: number, idleMs: number, lingerMs: number): void {
    if (this.stateValue === ConnectionState.OPEN) {
      if (idleMs >= 0 && this.inFlight === 0 && nowMs - this.lastActivityMs >= idleMs) {
        this.log.debug({ idleMs: nowMs - this.lastActivityMs }, 'closing idle connection');
        this.s.metrics.idleConnectionsClosed++;
        this.closeNow(ConnectionCloseReason.IDLE);
      }
    } else if (this.stateValue === ConnectionState.CLOSING && nowMs - this.closingSinceMs >= lingerMs) {
      this.log.debug('close did not complete in time; destroying socket');
      this.socket.destroy();
    }
  }

  onBudgetAvailable(): void {
    this.waitingForBudget = false;
    this.pump();
  }

  private onData(chunk: Buffer): void {
    this.s.metrics.bytesIn += chunk.length;
    if (this.stateValue !== ConnectionState.OPEN) return;
    this.decoder.push(chunk);
    this.pump();
  }

  /** `n` bytes read straight into a frame's memory (ReadDelivery.directTarget). */
  private onDirectData(decoder: CopyingFrameDecoder, region: Buffer, n: number): void {
    this.s.metrics.bytesIn += n;
    if (this.stateValue !== ConnectionState.OPEN) return;
    decoder.filledDirect(region, n);
    this.pump();
  }

  /**
   * Dispatches buffered frames while nothing holds reading back, then pauses
   * or resumes the socket to match. Re-entrant calls (a handler answering
   * synchronously frees capacity) are folded into the running loop. Responses
   * produced during one pass are corked into a single writev.
   */
  private pump(): void {
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    let starved = false; // the decoder holds no further whole frame
    this.socket.cork();
    try {
      do {
        this.pumpAgain = false;
        starved = false;
        while (this.canDispatch()) {
          if (this.s.budget.available === 0) {
            this.waitingForBudget = true;
            this.s.budget.wait(this);
            break;
          }
          let frame: Buffer | null;
          try {
            frame = this.decoder.next();
          } catch (err) {
            this.rejectFrame(err);
            break;
          }
          if (frame === null) {
            starved = true;
            break;
          }
          this.dispatch(frame);
        }
      } while (this.pumpAgain && this.canDispatch());
    } finally {
      this.pumping = false;
      this.socket.uncork();
    }
    // Every whole frame the peer sent before shutting down its side is dispatched: answer them, then close.
    if (this.peerEnded && starved) this.drainAndClose(ConnectionCloseReason.PEER_CLOSED);
    else this.updateReading();
  }

  private canDispatch(): boolean {
    return (
      this.stateValue === ConnectionState.OPEN &&
      !this.writeBlocked &&
      !this.waitingForBudget &&
      this.inFlight < this.s.maxInFlight &&
      this.inFlightBytes < (this.s.maxInFlightBytes ?? Infinity)
    );
  }

  private updateReading(): void {
    // Closing connections manage the socket themselves (endSocket keeps reading to see the peer's FIN).
    if (this.stateValue !== ConnectionState.OPEN) return;
    const read = this.canDispatch();
    const paused = this.socket.isPaused();
    if (read && paused) this.socket.resume();
    else if (!read && !paused) this.socket.pause();
  }

  private dispatch(frame: Buffer): void {
    const metrics = this.s.metrics;
    metrics.requestsReceived++;
    this.lastActivityMs = this.s.clock.monotonic();
    if (frame.length < REQUEST_HEADER_PREFIX_BYTES) {
      // Kafka fails to parse such a header and closes the connection.
      metrics.invalidFrames++;
      this.log.warn({ remote: this.remoteAddress, size: frame.length }, 'request shorter than a request header; closing connection');
      this.closeNow(ConnectionCloseReason.INVALID_FRAME);
      return;
    }
    // pump() checked that the budget has room and nothing has run since.
    const acquired = this.s.budget.tryAcquire();
    invariant(acquired, () => `in-flight budget full (${this.s.budget.inUse}/${this.s.budget.limit}) right after it had room`);
    const slot = this.responses.add(frame.readInt16BE(0), frame.readInt32BE(4));
    slot.requestBytes = frame.length;
    this.inFlightBytes += frame.length;
    let result: ReturnType<RequestHandler['handle']>;
    try {
      result = this.s.handler.handle(frame, this);
    } catch (err) {
      this.handlerFailed(slot, err);
      return;
    }
    if (!isPromiseLike(result)) {
      this.complete(slot, result);
      return;
    }
    try {
      result.then(
        (r) => this.complete(slot, r),
        (err: unknown) => this.handlerFailed(slot, err),
      );
    } catch (err) {
      this.handlerFailed(slot, err); // a thenable whose then() throws
    }
  }

  /** The handler of `slot` has finished: its request bytes no longer count against the bound. */
  private handled(slot: ResponseSlot): void {
    if (slot.requestBytes === 0) return;
    if (!this.isOpen) {
      slot.requestBytes = 0; // dropAll already forgot every in-flight byte
      return;
    }
    const limited = this.inFlightBytes >= (this.s.maxInFlightBytes ?? Infinity);
    this.inFlightBytes -= slot.requestBytes;
    slot.requestBytes = 0;
    // Reading paused on the byte bound resumes now, even if this response waits for earlier ones.
    if (limited && this.stateValue === ConnectionState.OPEN && this.canDispatch()) this.pump();
  }

  private complete(slot: ResponseSlot, response: ResponsePayload): void {
    this.handled(slot);
    if (!this.isOpen) {
      takeRelease(response)?.(); // closed meanwhile: the response has nowhere to go
      return;
    }
    if (!isResponsePayload(response)) {
      takeRelease(response)?.();
      const got = describeNonPayload(response);
      this.handlerFailed(slot, new InvalidResponseError(`handler returned ${got}, not a Buffer, Buffer[] or null`));
      return;
    }
    const length = response === null ? 0 : payloadLength(response);
    if (length > MAX_RESPONSE_PAYLOAD_BYTES) {
      takeRelease(response)?.();
      this.handlerFailed(slot, new InvalidResponseError(`response of ${length} bytes exceeds the 2^31-1 frame limit`));
      return;
    }
    if (this.responses.settle(slot, response, length)) this.flush();
  }

  /** Writes every settled response at the head of the queue, in order, in one corked batch. */
  private flush(): void {
    const sock = this.socket;
    sock.cork();
    const released = this.responses.takeReady(this.writeResponse);
    sock.uncork();
    if (released === 0) return;
    this.lastActivityMs = this.s.clock.monotonic();
    if (sock.writableLength > this.s.writeHighWaterMark) this.writeBlocked = true;
    this.s.budget.release(released);
    if (this.stateValue === ConnectionState.DRAINING) {
      if (this.inFlight === 0) this.endSocket();
    } else {
      this.pump();
    }
  }

  private readonly writeResponse = (payload: Buffer | readonly Buffer[], length: number): void => {
    this.s.metrics.bytesOut += writeResponseFrame(this.socket, payload, length, takeRelease(payload));
    this.s.metrics.responsesSent++;
  };

  private handlerFailed(slot: ResponseSlot, err: unknown): void {
    this.handled(slot);
    if (!this.isOpen) {
      this.log.debug({ err, apiKey: slot.apiKey, correlationId: slot.correlationId }, 'request handler failed after the connection closed');
      return;
    }
    this.s.metrics.handlerErrors++;
    this.log.error(
      { err, apiKey: slot.apiKey, correlationId: slot.correlationId, remote: this.remoteAddress },
      'request handler failed; closing connection',
    );
    this.closeNow(ConnectionCloseReason.HANDLER_ERROR);
  }

  private rejectFrame(err: unknown): void {
    this.s.metrics.invalidFrames++;
    if (err instanceof InvalidFrameSizeError) {
      this.log.warn(
        { remote: `${this.remoteAddress}:${this.remotePort}`, size: err.size, maxSize: err.maxSize, listener: this.s.listenerName },
        'invalid request frame size; closing connection',
      );
    } else {
      this.log.error({ err, remote: this.remoteAddress }, 'frame decoding failed; closing connection');
    }
    // The peer does not speak the protocol (or is hostile): nothing worth
    // flushing, and it may keep sending, so close at once.
    this.destroy(ConnectionCloseReason.INVALID_FRAME);
  }

  private onDrain(): void {
    if (!this.writeBlocked || this.socket.writableLength > this.s.writeHighWaterMark) return;
    this.writeBlocked = false;
    this.pump();
  }

  private onPeerEnd(): void {
    // The peer shut down its side. Requests it sent before that are still
    // dispatched (as back-pressure allows) and answered, then the connection
    // closes; sockets are half-open capable so those responses can be written.
    if (this.stateValue !== ConnectionState.OPEN) return;
    this.peerEnded = true;
    this.pump();
  }

  private onSocketError(err: Error): void {
    const code = (err as NodeJS.ErrnoException).code;
    this.log.debug({ err, code }, 'socket error');
    if (this.stateValue !== ConnectionState.CLOSING) this.closeReason = ConnectionCloseReason.SOCKET_ERROR;
    this.dropAll();
    this.stateValue = ConnectionState.CLOSING; // Node destroys the socket after 'error'; 'close' follows
  }

  private onSocketClose(): void {
    if (this.stateValue === ConnectionState.CLOSED) return;
    this.dropAll();
    this.stateValue = ConnectionState.CLOSED;
    const m = this.s.metrics;
    m.connectionsActive--;
    m.connectionsClosed++;
    this.log.debug({ reason: this.closeReason }, 'connection closed');
    try {
      this.s.handler.connectionClosed?.(this, this.closeReason);
    } catch (err) {
      this.log.error({ err }, 'connectionClosed callback failed');
    }
    this.s.onClosed(this);
  }

  private endSocket(): void {
    if (this.stateValue === ConnectionState.CLOSING || this.stateValue === ConnectionState.CLOSED) return;
    this.stateValue = ConnectionState.CLOSING;
    this.closingSinceMs = this.s.clock.monotonic();
    this.socket.pause();
    // end() flushes what was written, then sends FIN; 'close' follows once the
    // peer has closed too. Peers that never do are destroyed by the sweep.
    this.socket.end();
    if (this.socket.readableEnded) return;
    // Keep reading (and discarding) so the peer's FIN is seen and 'close' can fire.
    this.socket.resume();
  }

  /** Forgets every unanswered request and buffered frame, returning their budget. */
  private dropAll(): void {
    this.inFlightBytes = 0;
    const n = this.responses.clear();
    if (n > 0) this.s.budget.release(n);
    this.decoder.clear();
    this.stopWaitingForBudget();
  }

  private stopWaitingForBudget(): void {
    if (!this.waitingForBudget) return;
    this.waitingForBudget = false;
    this.s.budget.cancelWait(this);
  }
}

function isPromiseLike(v: unknown): v is PromiseLike<ResponsePayload> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
