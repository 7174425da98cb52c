/** The socket server: binding listeners, metrics, idle expiry and shutdown, over real sockets. */
import * as net from 'node:net';
import { ManualClock } from '../../src/util/clock';
import {
  InvalidNetworkConfigError,
  ListenerBindError,
  SocketServerStateError,
  UnsupportedSecurityProtocolError,
} from '../../src/network/errors';
import { SocketServer } from '../../src/network/socket-server';
import { ControlledHandler, TestClient, echoHandler, requestFrame, sleep, startServer, waitFor } from './helpers';

const servers: SocketServer[] = [];
const clients: TestClient[] = [];

async function connect(port: number, host?: string): Promise<TestClient> {
  const c = await TestClient.connect(port, host);
  clients.push(c);
  return c;
}

function track(s: SocketServer): SocketServer {
  servers.push(s);
  return s;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
});

describe('start', () => {
  it('binds port 0 listeners on IPv4 and IPv6 and reports the bound addresses', async () => {
    const server = track(
      new SocketServer(echoHandler, {
        listeners: [
          { name: 'PLAINTEXT', host: '127.0.0.1', port: 0, securityProtocol: 'PLAINTEXT' },
          { name: 'V6', host: '[::1]', port: 0, securityProtocol: 'PLAINTEXT' },
        ],
      }),
    );
    const bound = await server.start();
    expect(bound).toHaveLength(2);
    expect(bound[0]).toMatchObject({ name: 'PLAINTEXT', host: '127.0.0.1', family: 'IPv4', securityProtocol: 'PLAINTEXT' });
    expect(bound[1]).toMatchObject({ name: 'V6', host: '::1', family: 'IPv6' });
    expect(bound[0].port).toBeGreaterThan(0);
    expect(server.boundListener('V6')).toEqual(bound[1]);

    const c4 = await connect(bound[0].port, '127.0.0.1');
    const c6 = await connect(bound[1].port, '::1');
    await c4.write(requestFrame(4));
    await c6.write(requestFrame(6));
    await c4.waitForFrames(1);
    await c6.waitForFrames(1);
    expect(c6.correlationIds()).toEqual([6]);
    expect(server.metrics().get('V6')).toMatchObject({ connectionsAccepted: 1, requestsReceived: 1, responsesSent: 1 });
    expect(server.metrics().get('PLAINTEXT')).toMatchObject({ connectionsAccepted: 1, requestsReceived: 1 });
  });

  it('rejects a non-PLAINTEXT listener at start with a typed error, binding nothing', async () => {
    const server = track(
      new SocketServer(echoHandler, {
        listeners: [
          { name: 'PLAINTEXT', host: '127.0.0.1', port: 0, securityProtocol: 'PLAINTEXT' },
          { name: 'SECURE', host: '127.0.0.1', port: 0, securityProtocol: 'SASL_SSL' },
        ],
      }),
    );
    await expect(server.start()).rejects.toBeInstanceOf(UnsupportedSecurityProtocolError);
    expect(server.boundListeners()).toEqual([]);
  });

  it('reports a port in use as ListenerBindError and closes the listeners already bound', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const server = track(
        new SocketServer(echoHandler, {
          listeners: [
            { name: 'A', host: '127.0.0.1', port: 0, securityProtocol: 'PLAINTEXT' },
            { name: 'B', host: '127.0.0.1', port: taken, securityProtocol: 'PLAINTEXT' },
          ],
        }),
      );
      const err = await server.start().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ListenerBindError);
      expect((err as ListenerBindError).listenerName).toBe('B');
      expect((err as ListenerBindError).port).toBe(taken);
      expect(server.boundListeners()).toEqual([]);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('refuses bad numeric options and a second start', async () => {
    const listeners = [{ name: 'P', host: '127.0.0.1', port: 0, securityProtocol: 'PLAINTEXT' }];
    expect(() => new SocketServer(echoHandler, { listeners, queuedMaxRequests: 0 })).toThrow(InvalidNetworkConfigError);
    expect(() => new SocketServer(echoHandler, { listeners, socketRequestMaxBytes: 2 ** 31 })).toThrow(InvalidNetworkConfigError);
    const server = track(new SocketServer(echoHandler, { listeners }));
    await server.start();
    await expect(server.start()).rejects.toBeInstanceOf(SocketServerStateError);
  });
});

describe('metrics', () => {
  it('counts connections, requests and bytes per listener', async () => {
    const { server, port } = await startServer(echoHandler);
    track(server);
    const c = await connect(port);
    const req = requestFrame(1, Buffer.from('12345'));
    await c.write(req);
    await c.waitForFrames(1);
    const m = server.metrics().get('PLAINTEXT')!;
    expect(m).toMatchObject({ connectionsAccepted: 1, connectionsActive: 1, requestsReceived: 1, responsesSent: 1 });
    expect(m.bytesIn).toBe(req.length);
    expect(m.bytesOut).toBe(4 + 4 + 5);
    c.destroy();
    await waitFor(() => m.connectionsActive === 0);
    expect(m.connectionsClosed).toBe(1);
  });
});

describe('idle connections (connections.max.idle.ms)', () => {
  it('closes a connection with no request/response activity for the idle time, using the injected clock', async () => {
    const clock = new ManualClock();
    const { server, port } = await startServer(echoHandler, { clock, connectionsMaxIdleMs: 1000, idleSweepIntervalMs: 100 });
    track(server);
    const c = await connect(port);
    await waitFor(() => server.connectionInfos().length === 1);
    clock.advance(500);
    await c.write(requestFrame(1)); // activity at t=500
    await c.waitForFrames(1);
    clock.advance(900); // t=1400: 900 ms since the last activity
    await sleep(30);
    expect(c.closed).toBe(false);
    clock.advance(200); // t=1600: idle for 1100 ms
    await c.waitClosed();
    expect(server.metrics().get('PLAINTEXT')!.idleConnectionsClosed).toBe(1);
  });

  it('does not close a connection that is waiting for a response (a long poll is not idleness)', async () => {
    const clock = new ManualClock();
    const h = new ControlledHandler();
    const { server, port } = await startServer(h, { clock, connectionsMaxIdleMs: 1000, idleSweepIntervalMs: 100 });
    track(server);
    const c = await connect(port);
    await c.write(requestFrame(1));
    await waitFor(() => h.requests.length === 1);
    clock.advance(5000);
    await sleep(30);
    expect(c.closed).toBe(false);
    h.answer(0);
    await c.waitForFrames(1);
    clock.advance(999);
    await sleep(30);
    expect(c.closed).toBe(false);
    clock.advance(101);
    await c.waitClosed();
  });

  it('closes idle connections with a short real timeout', async () => {
    const { server, port } = await startServer(echoHandler, { connectionsMaxIdleMs: 150, idleSweepIntervalMs: 20 });
    track(server);
    const c = await connect(port);
    const started = Date.now();
    await c.waitClosed(3000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(100);
  });
});

describe('shutdown', () => {
  it('stops accepting, lets in-flight requests finish and flush, then closes', async () => {
    const h = new ControlledHandler();
    const { server, port } = await startServer(h);
    track(server);
    const c = await connect(port);
    await c.write(Buffer.concat([requestFrame(1), requestFrame(2)]));
    await waitFor(() => h.requests.length === 2);

    const done = server.shutdown({ deadlineMs: 5000 });
    await sleep(20);
    await expect(TestClient.connect(port)).rejects.toThrow(/ECONNREFUSED/);
    expect(c.closed).toBe(false);
    h.answer(1);
    h.answer(0);
    const report = await done;
    await c.waitClosed();
    expect(c.correlationIds()).toEqual([1, 2]);
    expect(report).toMatchObject({ connections: 1, closedGracefully: 1, forceClosed: 0, inFlightAtStart: 2, abandonedRequests: 0 });
  });

  it('destroys connections still busy at the deadline and reports them', async () => {
    const h = new ControlledHandler(); // never answers
    const { server, port } = await startServer(h);
    track(server);
    const busy = await connect(port);
    const quiet = await connect(port);
    await busy.write(Buffer.concat([requestFrame(1), requestFrame(2)]));
    await waitFor(() => h.requests.length === 2 && server.connectionInfos().length === 2);
    const report = await server.shutdown({ deadlineMs: 100 });
    expect(report).toMatchObject({ connections: 2, closedGracefully: 1, forceClosed: 1, inFlightAtStart: 2, abandonedRequests: 2 });
    await busy.waitClosed();
    await quiet.waitClosed();
    expect(busy.frames).toEqual([]);
    await expect(server.shutdown()).rejects.toBeInstanceOf(SocketServerStateError);
  });

  it('close() is abrupt: connections are dropped at once', async () => {
    const h = new ControlledHandler();
    const { server, port } = await startServer(h);
    const c = await connect(port);
    await c.write(requestFrame(1));
    await waitFor(() => h.requests.length === 1);
    await server.close();
    await c.waitClosed();
    expect(c.frames).toEqual([]);
    expect(server.connectionInfos()).toEqual([]);
    expect(server.inFlightRequests).toBe(0);
  });
});
