/** Back-pressure: in-flight bounds (per connection and broker-wide) and slow consumers. */
import type { SocketServer } from '../../src/network/socket-server';
import type { ResponsePayload } from '../../src/network/request-handler';
import { ControlledHandler, TestClient, correlationIdOf, deferred, requestFrame, sleep, startServer, waitFor } from './helpers';

let server: SocketServer | undefined;
const clients: TestClient[] = [];

async function connect(port: number): Promise<TestClient> {
  const c = await TestClient.connect(port);
  clients.push(c);
  return c;
}

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  server = undefined;
});

function bytesIn(): number {
  return server!.metrics().get('PLAINTEXT')!.bytesIn;
}

describe('per-connection in-flight bound', () => {
  it('stops reading after N requests are in flight and resumes as they are answered', async () => {
    const h = new ControlledHandler();
    ({ server } = await startServer(h, { maxInFlightRequestsPerConnection: 4 }));
    const port = server.boundListener('PLAINTEXT').port;
    const c = await connect(port);
    await c.write(Buffer.concat(Array.from({ length: 10 }, (_, i) => requestFrame(i))));
    await waitFor(() => h.requests.length === 4);
    await sleep(50);
    expect(h.requests.length).toBe(4);
    expect(server.connectionInfos()[0]).toMatchObject({ inFlight: 4, readingPaused: true });

    h.answer(1); // out of order: request 0 still holds the head, nothing is written, still 4 in flight
    await sleep(30);
    expect(h.requests.length).toBe(4);
    h.answer(0); // 0 and 1 are written: two slots free
    await waitFor(() => h.requests.length === 6);
    await sleep(30);
    expect(h.requests.length).toBe(6);

    for (let i = 2; i < 10; i++) {
      await waitFor(() => h.requests.length > i, 5000, `request ${i}`);
      h.answer(i);
    }
    await c.waitForFrames(10);
    expect(c.correlationIds()).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(server.connectionInfos()[0]).toMatchObject({ inFlight: 0, readingPaused: false });
  });

  it('stops reading the socket itself: the bytes read stay far below what the client sent', async () => {
    const h = new ControlledHandler(); // never answers
    ({ server } = await startServer(h, { maxInFlightRequestsPerConnection: 8 }));
    const c = await connect(server.boundListener('PLAINTEXT').port);
    const oneFrame = requestFrame(0, Buffer.alloc(1024 - 12));
    const total = 32 * 1024 * 1024;
    const burst = Buffer.concat(Array.from({ length: total / oneFrame.length }, () => oneFrame));
    c.socket.write(burst);
    await waitFor(() => h.requests.length === 8);
    // Let the kernel buffers fill, then check the server has stopped reading.
    await sleep(200);
    const seen = bytesIn();
    await sleep(200);
    expect(bytesIn()).toBe(seen);
    expect(seen).toBeLessThan(total / 2);
    expect(c.socket.writableLength).toBeGreaterThan(0); // the client is blocked on its side
    expect(h.requests.length).toBe(8);
  });

  it('a null response frees its slot like any other', async () => {
    let n = 0;
    const gates = Array.from({ length: 6 }, () => deferred<ResponsePayload>());
    ({ server } = await startServer({ handle: () => gates[n++].promise }, { maxInFlightRequestsPerConnection: 2 }));
    const c = await connect(server.boundListener('PLAINTEXT').port);
    await c.write(Buffer.concat(Array.from({ length: 6 }, (_, i) => requestFrame(i))));
    await waitFor(() => n === 2);
    gates[0].resolve(null);
    await waitFor(() => n === 3);
    gates[1].resolve(Buffer.from([0, 0, 0, 1]));
    await waitFor(() => n === 4);
    for (let i = 2; i < 6; i++) gates[i].resolve(null);
    await waitFor(() => n === 6 && server!.inFlightRequests === 0);
    expect(c.correlationIds()).toEqual([1]);
  });
});

describe('broker-wide in-flight bound (queued.max.requests)', () => {
  it('pauses every connection while the broker is at the bound, then lets waiting connections in', async () => {
    const h = new ControlledHandler();
    ({ server } = await startServer(h, { queuedMaxRequests: 3, maxInFlightRequestsPerConnection: 10 }));
    const port = server.boundListener('PLAINTEXT').port;
    const a = await connect(port);
    const b = await connect(port);
    await a.write(Buffer.concat([1, 2, 3, 4].map((id) => requestFrame(id))));
    await waitFor(() => h.requests.length === 3);
    await b.write(Buffer.concat([11, 12].map((id) => requestFrame(id))));
    await sleep(50);
    expect(h.requests.length).toBe(3);
    expect(server.inFlightRequests).toBe(3);
    expect(server.connectionInfos().every((i) => i.readingPaused)).toBe(true);

    h.answer(0); // a's request 1 is written; one unit frees up
    await waitFor(() => h.requests.length === 4);
    await sleep(30);
    expect(h.requests.length).toBe(4);
    for (let i = 1; i < 6; i++) {
      await waitFor(() => h.requests.length > i, 5000, `request #${i}`);
      h.answer(i);
    }
    await a.waitForFrames(4);
    await b.waitForFrames(2);
    expect(a.correlationIds()).toEqual([1, 2, 3, 4]);
    expect(b.correlationIds()).toEqual([11, 12]);
    expect(server.inFlightRequests).toBe(0);
  });
});

describe('slow consumer', () => {
  it('stops reading while responses pile up in the write buffer, and resumes once the client reads', async () => {
    const big = Buffer.alloc(1024 * 1024, 0x62);
    let handled = 0;
    ({ server } = await startServer(
      {
        handle: (f) => {
          handled++;
          const r = Buffer.from(big);
          r.writeInt32BE(correlationIdOf(f), 0);
          return r;
        },
      },
      { socketWriteHighWaterMarkBytes: 1024 * 1024, maxInFlightRequestsPerConnection: 100 },
    ));
    const c = await connect(server.boundListener('PLAINTEXT').port);
    c.socket.pause(); // the client stops reading
    await c.write(Buffer.concat(Array.from({ length: 60 }, (_, i) => requestFrame(i))));
    await sleep(300);
    const handledWhileBlocked = handled;
    expect(handledWhileBlocked).toBeLessThan(60);
    expect(server.connectionInfos()[0].readingPaused).toBe(true);
    await sleep(100);
    expect(handled).toBe(handledWhileBlocked);

    c.socket.resume();
    await c.waitForFrames(60, 20_000);
    expect(handled).toBe(60);
    expect(c.correlationIds()).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(server.connectionInfos()[0].readingPaused).toBe(false);
  });
});
