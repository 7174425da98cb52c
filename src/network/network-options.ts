/**
 * Options of the socket server, with Kafka's names and defaults where Kafka
 * has the setting. The config layer maps broker properties onto these.
 */
import type { Clock } from '../util/clock';
import type { Logger } from '../util/logger';
import { InvalidNetworkConfigError } from './errors';
import type { ListenerConfig } from './listener-config';

export interface NetworkOptions {
  readonly listeners: readonly ListenerConfig[];
  /** `socket.request.max.bytes`: largest request frame accepted. */
  readonly socketRequestMaxBytes?: number;
  /**
   * `queued.max.requests`: requests read but not yet answered, across all
   * connections; reading stops everywhere while the server is at this bound.
   */
  readonly queuedMaxRequests?: number;
  /** Requests read but not yet answered on one connection before its reading pauses. */
  readonly maxInFlightRequestsPerConnection?: number;
  /**
   * Request bytes read and still being handled on one connection before its reading pauses (a
   * request larger than this is still read, alone). Kafka reads one request per connection at a
   * time; pipelining a few lets consecutive Produce requests share log writes, and this bound
   * keeps a producer's pipeline of 1 MiB batches from filling memory with requests the log
   * cannot take yet (they wait in the socket instead, as with Kafka).
   */
  readonly maxInFlightRequestBytesPerConnection?: number;
  /**
   * `connections.max.idle.ms`: close connections with no request/response
   * activity for this long. Negative disables idle expiry, as in Kafka's Selector.
   */
  readonly connectionsMaxIdleMs?: number;
  /** How often idle connections are looked for; defaults to a tenth of the idle time, within [100 ms, 10 s]. */
  readonly idleSweepIntervalMs?: number;
  /**
   * Reading from a connection pauses while more than this many response bytes
   * wait in its socket's write buffer (a slow consumer), and resumes once the
   * buffer has drained.
   */
  readonly socketWriteHighWaterMarkBytes?: number;
  /**
   * Accepted sockets read into one buffer shared by all connections, and frames are copied out
   * of it (listener.ts), instead of Node allocating a buffer per read. Default true.
   */
  readonly sharedReadBuffer?: boolean;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export const NETWORK_DEFAULTS = {
  socketRequestMaxBytes: 104_857_600,
  queuedMaxRequests: 500,
  maxInFlightRequestsPerConnection: 100,
  maxInFlightRequestBytesPerConnection: 4 * 1024 * 1024,
  connectionsMaxIdleMs: 600_000,
  socketWriteHighWaterMarkBytes: 4 * 1024 * 1024,
} as const;

/** Options after defaults, checked. */
export interface ResolvedNetworkOptions {
  readonly socketRequestMaxBytes: number;
  readonly queuedMaxRequests: number;
  readonly maxInFlightRequestsPerConnection: number;
  readonly maxInFlightRequestBytesPerConnection: number;
  readonly connectionsMaxIdleMs: number;
  readonly idleSweepIntervalMs: number;
  readonly socketWriteHighWaterMarkBytes: number;
  readonly sharedReadBuffer: boolean;
}

export function resolveNetworkOptions(o: NetworkOptions): ResolvedNetworkOptions {
  const idle = o.connectionsMaxIdleMs ?? NETWORK_DEFAULTS.connectionsMaxIdleMs;
  const resolved: ResolvedNetworkOptions = {
    socketRequestMaxBytes: o.socketRequestMaxBytes ?? NETWORK_DEFAULTS.socketRequestMaxBytes,
    queuedMaxRequests: o.queuedMaxRequests ?? NETWORK_DEFAULTS.queuedMaxRequests,
    maxInFlightRequestsPerConnection: o.maxInFlightRequestsPerConnection ?? NETWORK_DEFAULTS.maxInFlightRequestsPerConnection,
    maxInFlightRequestBytesPerConnection: o.maxInFlightRequestBytesPerConnection ?? NETWORK_DEFAULTS.maxInFlightRequestBytesPerConnection,
    connectionsMaxIdleMs: idle,
    idleSweepIntervalMs: o.idleSweepIntervalMs ?? Math.min(10_000, Math.max(100, Math.floor(Math.abs(idle) / 10))),
    socketWriteHighWaterMarkBytes: o.socketWriteHighWaterMarkBytes ?? NETWORK_DEFAULTS.socketWriteHighWaterMarkBytes,
    sharedReadBuffer: o.sharedReadBuffer ?? true,
  };
  checkInt('socketRequestMaxBytes', resolved.socketRequestMaxBytes, 1, 0x7fffffff);
  checkInt('queuedMaxRequests', resolved.queuedMaxRequests, 1, Number.MAX_SAFE_INTEGER);
  checkInt('maxInFlightRequestsPerConnection', resolved.maxInFlightRequestsPerConnection, 1, Number.MAX_SAFE_INTEGER);
  checkInt('maxInFlightRequestBytesPerConnection', resolved.maxInFlightRequestBytesPerConnection, 1, Number.MAX_SAFE_INTEGER);
  checkInt('connectionsMaxIdleMs', resolved.connectionsMaxIdleMs, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  checkInt('idleSweepIntervalMs', resolved.idleSweepIntervalMs, 1, 0x7fffffff);
  checkInt('socketWriteHighWaterMarkBytes', resolved.socketWriteHighWaterMarkBytes, 1, Number.MAX_SAFE_INTEGER);
  return resolved;
}

function checkInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new InvalidNetworkConfigError(`${name} must be an integer in [${min}, ${max}], got ${v}`);
  }
}
