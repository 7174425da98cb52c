/**
 * Binds one listener's TCP server socket. Accepted sockets are passed to
 * `onConnection`; everything per connection happens in Connection.
 *
 * Shared read buffer: Node reads a server socket into a fresh 64 KiB buffer
 * per read (garbage a moment later: at 1 GB/s, 16,000 buffers a second that
 * keep V8's collector busy). Node can instead read into a caller's buffer
 * (the `onread` option), but only for sockets it constructs from options, not
 * for those net.Server accepts. With `sharedReadBuffer`, the listener builds
 * accepted sockets itself: it takes over the server handle's accept callback
 * (`_handle.onconnection`, which net.Server installs when it listens) and makes
 * each socket with `onread` reading into one buffer shared by every
 * connection of the listener. Sharing is safe because Node calls the read
 * callback synchronously right after filling the buffer, one socket at a
 * time, and the callback copies what it needs (CopyingFrameDecoder); a large
 * frame's remaining bytes are read straight into its own memory (ReadDelivery).
 * When the
 * handle does not look as expected (another Node version), the listener keeps
 * Node's own accept path and says so: `sharedReads` is then false.
 */
import * as net from 'node:net';
import { getSystemErrorName } from 'node:util';
import { ListenerBindError } from './errors';
import { normalizeHost, type BoundListener, type ListenerConfig, type SecurityProtocol } from './listener-config';

/**
 * Where a socket built with the shared read buffer delivers what it reads. The chunk is a view
 * of the shared buffer, valid only during the call: copy what must be kept.
 *
 * A connection may instead offer memory of its own for the next read (`directTarget`, asked
 * after every read): the unfilled part of a large frame, so its bytes land in place and need no
 * copy. Bytes read there arrive through `deliverDirect` with the region they were read into.
 */
export class ReadDelivery {
  deliver: (chunk: Buffer) => void = () => undefined;
  directTarget: () => Buffer | null = () => null;
  deliverDirect: (region: Buffer, n: number) => void = () => undefined;
}

/** A connection accepted by a listener: the socket, and its read delivery when reads go to the shared buffer. */
export type ConnectionAccepted = (socket: net.Socket, reads: ReadDelivery | null) => void;

interface ServerHandle {
  onconnection?: unknown;
}

export class BoundTcpListener {
  private closed = false;

  private constructor(
    readonly config: ListenerConfig,
    readonly bound: BoundListener,
    private readonly server: net.Server,
    /** Accepted sockets read into the shared buffer (see the file comment). */
    readonly sharedReads: boolean,
  ) {}

  /**
   * Listens on the configured host/port; rejects with ListenerBindError if the OS refuses.
   * With `sharedReadBuffer`, accepted sockets read into it when this Node allows (sharedReads).
   */
  static async bind(config: ListenerConfig, onConnection: ConnectionAccepted, sharedReadBuffer?: Buffer): Promise<BoundTcpListener> {
    const host = normalizeHost(config.host);
    const server = net.createServer({
      // Half-open: when a client shuts down its sending side, the responses
      // to requests it already sent can still be written.
      allowHalfOpen: true,
      noDelay: true,
      keepAlive: true,
    });
    server.on('connection', (socket: net.Socket) => onConnection(socket, null));
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
    const sharedReads = sharedReadBuffer !== undefined && acceptIntoSharedBuffer(server, sharedReadBuffer, onConnection);
    return new BoundTcpListener(config, bound, server, sharedReads);
  }

  /** Late server errors (after listening) go to `handler`. */
  onError(handler: (err: Error) => void): void {
    this.server.on('error', handler);
  }

  /**
   * Stops accepting new connections. Resolves when the server socket is
   * closed and, as Node does, every connection it accepted has closed too
   * (sockets accepted into the shared read buffer are not counted by Node:
   * SocketServer waits for its connections itself).
   */
  stopAccepting(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Replaces the accept callback of `server`'s listening handle so that accepted sockets read into
 * `buffer` (see the file comment). False, with nothing changed, when the handle is not there.
 */
function acceptIntoSharedBuffer(server: net.Server, buffer: Buffer, onConnection: ConnectionAccepted): boolean {
  const handle = (server as unknown as { _handle?: ServerHandle | null })._handle;
  if (!handle || typeof handle.onconnection !== 'function') return false;
  handle.onconnection = (status: number, clientHandle: unknown): void => {
    if (status < 0 || !clientHandle) {
      const name = status < 0 ? getSystemErrorName(status) : 'no handle';
      server.emit('error', Object.assign(new Error(`accept failed: ${name}`), { code: name, errno: status, syscall: 'accept' }));
      return;
    }
    const reads = new ReadDelivery();
    const options = {
      handle: clientHandle,
      allowHalfOpen: true,
      readable: true,
      writable: true,
      // Reading starts when the connection resumes the socket, once it is listening.
      pauseOnCreate: true,
      onread: {
        // Called after every read (and once at creation): where the next read goes.
        buffer: (): Buffer => reads.directTarget() ?? buffer,
        callback: (n: number, into: Buffer): void => {
          if (into === buffer) reads.deliver(buffer.subarray(0, n));
          else reads.deliverDirect(into, n);
        },
      },
    };
    const socket = new net.Socket(options as net.SocketConstructorOpts);
    onConnection(socket, reads);
  };
  return true;
}
