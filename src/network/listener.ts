/**
 * Binds one listener's TCP server socket. Accepted sockets are passed to
 * `onConnection`; everything per connection happens in Connection.
 */
import * as net from 'node:net';
import { ListenerBindError } from './errors';
import { normalizeHost, type BoundListener, type ListenerConfig, type SecurityProtocol } from './listener-config';

export class BoundTcpListener {
  private closed = false;

  private constructor(
    readonly config: ListenerConfig,
    readonly bound: BoundListener,
    private readonly server: net.Server,
  ) {}

  /** Listens on the configured host/port; rejects with ListenerBindError if the OS refuses. */
  static async bind(config: ListenerConfig, onConnection: (socket: net.Socket) => void): Promise<BoundTcpListener> {
    const host = normalizeHost(config.host);
    const server = net.createServer({
      // Half-open: when a client shuts down its sending side, the responses
      // to requests it already sent can still be written.
      allowHalfOpen: true,
      noDelay: true,
      keepAlive: true,
    });
    server.on('connection', onConnection);
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(new ListenerBindError(config.name, host, config.port, err));
      server.once('error', onError);
      // An empty host binds every interface (:: with IPv4-mapped addresses, or 0.0.0.0).
      const opts: net.ListenOptions = host === '' ? { port: config.port } : { host, port: config.port };
      server.listen(opts, () => {
        server.off('error', onError);
        resolve();
      });
    });
    const addr = server.address() as net.AddressInfo;
    const bound: BoundListener = {
      name: config.name,
      host: addr.address,
      port: addr.port,
      family: addr.family === 'IPv6' ? 'IPv6' : 'IPv4',
      securityProtocol: config.securityProtocol as SecurityProtocol,
    };
    return new BoundTcpListener(config, bound, server);
  }

  /** Late server errors (after listening) go to `handler`. */
  onError(handler: (err: Error) => void): void {
    this.server.on('error', handler);
  }

  /**
   * Stops accepting new connections. Resolves when the server socket is
   * closed and, as Node does, every connection it accepted has closed too.
   */
  stopAccepting(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
