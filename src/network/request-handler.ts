/**
 * The contract between the network layer (frames) and the server layer (APIs).
 *
 * The network layer hands each request frame, whole, to `RequestHandler.handle`
 * and writes back what it returns, prefixed with its 4-byte size. Requests on
 * one connection may be handled concurrently; responses are written in request
 * order whatever order the handlers finish in (Kafka clients match responses
 * to requests by order as well as correlation id).
 */
import type { SecurityProtocol } from './listener-config';

/**
 * A response payload without its size prefix (response header + body), or a
 * list of buffers written back to back without being concatenated (large Fetch
 * responses), or null to send nothing (Produce with acks=0).
 */
export type ResponsePayload = Buffer | readonly Buffer[] | null;

/**
 * A payload array may carry, under this key, a function the network layer calls exactly once
 * when it no longer needs the payload's memory: after the socket has taken the bytes (the write
 * callback), or when the response is dropped because the connection closed. Fetch responses
 * use it to give their read buffers back to the pool (attachRelease).
 */
export const RESPONSE_RELEASE: unique symbol = Symbol('tributary.responseRelease');

type ReleasablePayload = readonly Buffer[] & { [RESPONSE_RELEASE]?: () => void };

/** `payload` as an array carrying `release` (see RESPONSE_RELEASE). */
export function attachRelease(payload: Buffer | readonly Buffer[], release: () => void): readonly Buffer[] {
  const parts: ReleasablePayload = Buffer.isBuffer(payload) ? [payload] : payload;
  const earlier = parts[RESPONSE_RELEASE];
  (parts as { [RESPONSE_RELEASE]?: () => void })[RESPONSE_RELEASE] = earlier
    ? () => {
        earlier();
        release();
      }
    : release;
  return parts;
}

/** Takes the release function off `payload` (so it runs at most once); undefined if none. */
export function takeRelease(payload: ResponsePayload | unknown): (() => void) | undefined {
  if (!Array.isArray(payload)) return undefined;
  const parts = payload as { [RESPONSE_RELEASE]?: () => void };
  const release = parts[RESPONSE_RELEASE];
  if (release) parts[RESPONSE_RELEASE] = undefined;
  return release;
}

export interface RequestHandler {
  /**
   * Handles one request. `frame` is the request without its size prefix,
   * starting with the request header. Its memory is not reused by the
   * network layer unless the handler gives it back with
   * `ctx.recycleFrame(frame)`, so slices of it (record batches) may be kept
   * and written to disk asynchronously. A slice keeps the whole socket chunk
   * it came from alive, so copy small pieces that are kept for a long time.
   *
   * Throwing or rejecting is treated as a bug: it is logged and the
   * connection is closed. Protocol errors must be answered with error
   * responses instead.
   */
  handle(frame: Buffer, ctx: ConnectionContext): Promise<ResponsePayload> | ResponsePayload;
  /** Called once when a connection is accepted, before its first request. */
  connectionOpened?(ctx: ConnectionContext): void;
  /** Called once when a connection is gone, after which its context's `isOpen` is false. */
  connectionClosed?(ctx: ConnectionContext, reason: ConnectionCloseReason): void;
}

/** Why a connection ended; kept small and stable so that logs and metrics can group by it. */
export const ConnectionCloseReason = {
  PEER_CLOSED: 'peer-closed',
  SOCKET_ERROR: 'socket-error',
  INVALID_FRAME: 'invalid-frame',
  HANDLER_ERROR: 'handler-error',
  IDLE: 'idle',
  REQUESTED: 'requested',
  SHUTDOWN: 'shutdown',
} as const;
export type ConnectionCloseReason = (typeof ConnectionCloseReason)[keyof typeof ConnectionCloseReason];

export interface ConnectionContext {
  /** Unique per server: `localHost:localPort-remoteHost:remotePort-index`, as Kafka forms it. */
  readonly connectionId: string;
  readonly listenerName: string;
  readonly securityProtocol: SecurityProtocol;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** False once the connection is closing or closed; late responses are then dropped. */
  readonly isOpen: boolean;
  /**
   * Closes the connection now: stops reading, drops requests not yet answered,
   * lets bytes already handed to the socket flush, then closes it.
   */
  close(): void;
  /**
   * Stops reading new requests and closes the connection once every request
   * already read has been answered (e.g. a failed SASL handshake: the error
   * response is sent, then the connection ends, as Kafka does).
   */
  closeAfterResponses(): void;
  /**
   * The handler holds no reference to any byte of `frame` any more (nor will it): the network
   * layer may reuse its memory for a later request. Optional; a frame never given back is left
   * to the garbage collector.
   */
  recycleFrame?(frame: Buffer): void;
}
