/**
 * The broker's network front: one TCP listener per configured listener, the
 * connections they accept, the broker-wide in-flight bound, idle expiry, and
 * shutdown. It knows frames, not APIs: every request frame goes to the
 * RequestHandler given at construction.
 */
import type { Socket } from 'node:net';
import { systemClock, type Clock, type TimerHandle } from '../util/clock';
import { logger as componentLogger, type Logger } from '../util/logger';
import { BufferPool } from '../util/buffer-pool';
import { Connection, type ConnectionSettings, type ConnectionState } from './connection';
import type { ReadDelivery } from './listener';
import { SocketServerStateError } from './errors';
import { InFlightBudget } from './in-flight-budget';
import { BoundTcpListener } from './listener';
import { validateListeners, type BoundListener, type SecurityProtocol } from './listener-config';
import { newListenerMetrics, type ListenerMetrics } from './network-metrics';
import { resolveNetworkOptions, type NetworkOptions, type ResolvedNetworkOptions } from './network-options';
import { ConnectionCloseReason, type RequestHandler } from './request-handler';

/** How long a closing connection may take to flush and see the peer's close before it is destroyed. */
export const CLOSE_LINGER_MS = 30_000;

export const DEFAULT_SHUTDOWN_DEADLINE_MS = 30_000;

export interface ShutdownReport {
  /** Connections open when shutdown began. */
  readonly connections: number;
  /** Connections that answered everything they had read and closed before the deadline. */
  readonly closedGracefully: number;
  /** Connections destroyed at the deadline. */
  readonly forceClosed: number;
  /** Requests read but unanswered when shutdown began. */
  readonly inFlightAtStart: number;
  /** Requests still unanswered at the deadline (their responses were never sent). */
  readonly abandonedRequests: number;
  readonly durationMs: number;
}

/** A read-only view of one connection, for operators and tests. */
export interface ConnectionInfo {
  readonly connectionId: string;
  readonly listenerName: string;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly state: ConnectionState;
  readonly inFlight: number;
  readonly readingPaused: boolean;
}

const ServerState = { NEW: 'new', STARTING: 'starting', RUNNING: 'running', STOPPING: 'stopping', STOPPED: 'stopped' } as const;
type ServerState = (typeof ServerState)[keyof typeof ServerState];

/**
 * Recycled frame memory kept for reuse (BufferPool); a few 1-2 MiB Produce frames per busy
 * connection. Beyond it, recycled frames are left to the garbage collector.
 */
const FRAME_POOL_RETAINED_BYTES = 32 * 1024 * 1024;
/** Size of the shared socket read buffer: up to this much is read per read call. */
const SHARED_READ_BUFFER_BYTES = 256 * 1024;

export class SocketServer {
  /** Memory of request frames assembled from several socket reads, shared by all connections. */
  private readonly framePool = new BufferPool(FRAME_POOL_RETAINED_BYTES);
  /** The one buffer every connection reads into (listener.ts), unless disabled. */
  private readonly sharedReadBuffer: Buffer | undefined;
  private readonly opts: ResolvedNetworkOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly budget: InFlightBudget;
  private readonly metricsByListener = new Map<string, ListenerMetrics>();
  private readonly listeners: BoundTcpListener[] = [];
  private readonly connections = new Set<Connection>();
  private state: ServerState = ServerState.NEW;
  private nextConnectionIndex = 0;
  private sweepTimer: TimerHandle | undefined;
  private onConnectionsGone: (() => void) | undefined;

  constructor(
    private readonly handler: RequestHandler,
    private readonly options: NetworkOptions,
  ) {
    this.opts = resolveNetworkOptions(options);
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? componentLogger('network');
    this.budget = new InFlightBudget(this.opts.queuedMaxRequests);
    this.sharedReadBuffer = this.opts.sharedReadBuffer ? Buffer.alloc(SHARED_READ_BUFFER_BYTES) : undefined;
    for (const l of options.listeners) this.metricsByListener.set(l.name, newListenerMetrics());
  }

  /**
   * Checks the listeners, then binds every one; resolves with the addresses
   * actually bound (port 0 becomes the port the OS picked). Rejects with
   * UnsupportedSecurityProtocolError / InvalidNetworkConfigError before
   * binding anything, or with ListenerBindError after closing the listeners
   * already bound.
   */
  async start(): Promise<BoundListener[]> {
    if (this.state !== ServerState.NEW) throw new SocketServerStateError(`start() called while the server is ${this.state}`);
    validateListeners(this.options.listeners);
    this.state = ServerState.STARTING;
    try {
      for (const config of this.options.listeners) {
        const metrics = this.metricsByListener.get(config.name) as ListenerMetrics;
        const settings = this.connectionSettings(config.name, config.securityProtocol as SecurityProtocol, metrics);
        const listener = await BoundTcpListener.bind(config, (socket, reads) => this.accept(socket, reads, settings), this.sharedReadBuffer);
        if (this.sharedReadBuffer && !listener.sharedReads) {
          this.log.warn({ listener: config.name, node: process.version }, 'this Node version does not let accepted sockets read into a shared buffer; using a buffer per read');
        }
        listener.onError((err) => this.log.error({ err, listener: config.name }, 'listener error'));
        this.listeners.push(listener);
        this.log.info({ listener: config.name, host: listener.bound.host, port: listener.bound.port }, 'listening');
      }
    } catch (err) {
      await Promise.all(this.listeners.map((l) => l.stopAccepting()));
      this.listeners.length = 0;
      this.state = ServerState.STOPPED;
      throw err;
    }
    this.state = ServerState.RUNNING;
    this.scheduleSweep();
    return this.boundListeners();
  }

  boundListeners(): BoundListener[] {
    return this.listeners.map((l) => l.bound);
  }

  /** The address a listener is bound to; throws if there is no such bound listener. */
  boundListener(name: string): BoundListener {
    const l = this.listeners.find((x) => x.bound.name === name);
    if (!l) throw new SocketServerStateError(`no bound listener named '${name}'`);
    return l.bound;
  }

  /** Live counters per listener name (the same objects every call). */
  metrics(): ReadonlyMap<string, Readonly<ListenerMetrics>> {
    return this.metricsByListener;
  }

  /** Requests read and not yet answered, across all connections. */
  get inFlightRequests(): number {
    return this.budget.inUse;
  }

  connectionInfos(): ConnectionInfo[] {
    return [...this.connections].map((c) => ({
      connectionId: c.connectionId,
      listenerName: c.listenerName,
      remoteAddress: c.remoteAddress,
      remotePort: c.remotePort,
      state: c.state,
      inFlight: c.inFlight,
      readingPaused: c.readingPaused,
    }));
  }

  /**
   * Graceful stop: stop accepting, stop reading, let requests already read be
   * answered and their responses flushed, then close. Connections still open
   * at the deadline are destroyed.
   */
  async shutdown(opts: { deadlineMs?: number } = {}): Promise<ShutdownReport> {
    if (this.state === ServerState.STOPPING || this.state === ServerState.STOPPED) {
      throw new SocketServerStateError(`shutdown() called while the server is ${this.state}`);
    }
    const deadlineMs = opts.deadlineMs ?? DEFAULT_SHUTDOWN_DEADLINE_MS;
    const started = this.clock.monotonic();
    this.state = ServerState.STOPPING;
    this.cancelSweep();
    const accepting = this.listeners.map((l) => l.stopAccepting());
    const connections = this.connections.size;
    const inFlightAtStart = this.budget.inUse;
    for (const c of [...this.connections]) c.drainAndClose(ConnectionCloseReason.SHUTDOWN);

    if (this.connections.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = this.clock.setTimeout(resolve, deadlineMs);
        timer.unref?.();
        this.onConnectionsGone = () => {
          this.clock.clearTimeout(timer);
          resolve();
        };
      });
      this.onConnectionsGone = undefined;
    }
    const forceClosed = this.connections.size;
    const abandonedRequests = this.budget.inUse;
    for (const c of [...this.connections]) c.destroy(ConnectionCloseReason.SHUTDOWN);
    await Promise.all(accepting);
    this.state = ServerState.STOPPED;
    const report: ShutdownReport = {
      connections,
      closedGracefully: connections - forceClosed,
      forceClosed,
      inFlightAtStart,
      abandonedRequests,
      durationMs: this.clock.monotonic() - started,
    };
    this.log.info(report, 'network shut down');
    return report;
  }

  /** Abrupt stop (tests, fatal errors): closes listeners and destroys every connection at once. */
  async close(): Promise<void> {
    if (this.state === ServerState.STOPPED) return;
    this.state = ServerState.STOPPING;
    this.cancelSweep();
    const accepting = this.listeners.map((l) => l.stopAccepting());
    for (const c of [...this.connections]) c.destroy(ConnectionCloseReason.SHUTDOWN);
    await Promise.all(accepting);
    this.state = ServerState.STOPPED;
  }

  /** Runs one idle/linger sweep now (the timer does this periodically). */
  sweepNow(): void {
    const now = this.clock.monotonic();
    for (const c of [...this.connections]) c.sweep(now, this.opts.connectionsMaxIdleMs, CLOSE_LINGER_MS);
  }

  private accept(socket: Socket, reads: ReadDelivery | null, settings: ConnectionSettings): void {
    // Connections are served only once every listener is bound (a failed start
    // must not leave connections behind) and until shutdown begins.
    if (this.state !== ServerState.RUNNING) {
      socket.destroy();
      return;
    }
    const conn = new Connection(socket, this.nextConnectionIndex++, settings, reads);
    this.connections.add(conn);
    settings.metrics.connectionsAccepted++;
    settings.metrics.connectionsActive++;
    conn.start();
  }

  private connectionSettings(listenerName: string, securityProtocol: SecurityProtocol, metrics: ListenerMetrics): ConnectionSettings {
    return {
      listenerName,
      securityProtocol,
      maxFrameBytes: this.opts.socketRequestMaxBytes,
      framePool: this.framePool,
      maxInFlight: this.opts.maxInFlightRequestsPerConnection,
      maxInFlightBytes: this.opts.maxInFlightRequestBytesPerConnection,
      writeHighWaterMark: this.opts.socketWriteHighWaterMarkBytes,
      budget: this.budget,
      metrics,
      clock: this.clock,
      log: this.log.child({ listener: listenerName }),
      handler: this.handler,
      onClosed: (c) => this.connectionClosed(c),
    };
  }

  private connectionClosed(c: Connection): void {
    this.connections.delete(c);
    if (this.connections.size === 0) this.onConnectionsGone?.();
  }

  private scheduleSweep(): void {
    this.sweepTimer = this.clock.setTimeout(() => {
      this.sweepNow();
      if (this.state === ServerState.RUNNING) this.scheduleSweep();
    }, this.opts.idleSweepIntervalMs);
    this.sweepTimer.unref?.();
  }

  private cancelSweep(): void {
    if (this.sweepTimer) this.clock.clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
  }
}
