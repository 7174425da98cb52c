/** Framing, ordering and error handling of connections, over real sockets on 127.0.0.1. */
import type { SocketServer } from '../../src/network/socket-server';
import type { ConnectionContext, RequestHandler, ResponsePayload } from '../../src/network/request-handler';
import {
  ControlledHandler,
  TestClient,
  correlationIdOf,
  echoHandler,
  echoResponse,
  frame,
  requestFrame,
  sleep,
  startServer,
  waitFor,
} from './helpers';

let server: SocketServer | undefined;
const clients: TestClient[] = [];

async function setup(handler: RequestHandler, opts: Parameters<typeof startServer>[1] = {}): Promise<{ server: SocketServer; port: number }> {
  const started = await startServer(handler, opts);
  server = started.server;
  return started;
}

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

function metrics(): { bytesIn: number; requestsReceived: number; invalidFrames: number; handlerErrors: number } {
  return server!.metrics().get('PLAINTEXT')!;
}

describe('framing over TCP', () => {
  it('answers a request', async () => {
    const { port } = await setup(echoHandler);
    const c = await connect(port);
    await c.write(requestFrame(42, Buffer.from('ping')));
    const [resp] = await c.waitForFrames(1);
    expect(resp.readInt32BE(0)).toBe(42);
    expect(resp.subarray(4).toString()).toBe('ping');
  });

  it('reassembles frames split at every byte boundary of the stream', async () => {
    const seen: string[] = [];
    const { port } = await setup({ handle: (f) => (seen.push(f.subarray(8).toString()), echoResponse(f)) });
    const stream = Buffer.concat([requestFrame(1, Buffer.from('a')), requestFrame(2, Buffer.from('bcdef')), requestFrame(3)]);
    const c = await connect(port);
    let expectedIn = 0;
    for (let cut = 1; cut < stream.length; cut++) {
      // Send the first part and wait until the server has read exactly it, so
      // that the server sees a chunk boundary at `cut`.
      await c.write(stream.subarray(0, cut));
      expectedIn += cut;
      await waitFor(() => metrics().bytesIn === expectedIn, 5000, `bytesIn ${expectedIn}`);
      await c.write(stream.subarray(cut));
      expectedIn += stream.length - cut;
    }
    const rounds = stream.length - 1;
    await c.waitForFrames(3 * rounds);
    expect(c.correlationIds()).toEqual(Array.from({ length: rounds }, () => [1, 2, 3]).flat());
    expect(seen.slice(0, 3)).toEqual(['a', 'bcdef', '']);
  });

  it('handles several frames arriving in one chunk, answering all in order in one write batch', async () => {
    const { port } = await setup(echoHandler);
    const c = await connect(port);
    const ids = Array.from({ length: 50 }, (_, i) => i + 100);
    await c.write(Buffer.concat(ids.map((id) => requestFrame(id, Buffer.from(`r${id}`)))));
    await c.waitForFrames(50);
    expect(c.correlationIds()).toEqual(ids);
  });

  it('closes the connection without allocating when the size prefix is over socket.request.max.bytes', async () => {
    const handler = { handle: jest.fn(echoResponse) };
    const { port } = await setup(handler); // default max: 104857600
    const c = await connect(port);
    const before = process.memoryUsage().arrayBuffers;
    const prefix = Buffer.alloc(4);
    prefix.writeInt32BE(0x7fffffff, 0);
    await c.write(Buffer.concat([prefix, Buffer.alloc(1000)]));
    await c.waitClosed();
    expect(handler.handle).not.toHaveBeenCalled();
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(50 * 1024 * 1024);
    expect(metrics().invalidFrames).toBe(1);
  });

  it('accepts a frame of exactly socket.request.max.bytes and refuses one byte more', async () => {
    const handler = { handle: jest.fn(() => Buffer.from([0, 0, 0, 0])) };
    const { port } = await setup(handler, { socketRequestMaxBytes: 1024 });
    const ok = await connect(port);
    await ok.write(requestFrame(1, Buffer.alloc(1024 - 8)));
    await ok.waitForFrames(1);
    const bad = await connect(port);
    await bad.write(requestFrame(2, Buffer.alloc(1024 - 7)));
    await bad.waitClosed();
    expect(handler.handle).toHaveBeenCalledTimes(1);
    expect(ok.closed).toBe(false);
  });

  it('closes the connection on a negative size prefix', async () => {
    const handler = { handle: jest.fn(echoResponse) };
    const { port } = await setup(handler);
    const c = await connect(port);
    await c.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3]));
    await c.waitClosed();
    expect(handler.handle).not.toHaveBeenCalled();
  });

  it('closes the connection on a frame too short to hold a request header, keeping responses already written', async () => {
    const handler = { handle: jest.fn(echoResponse) };
    const { port } = await setup(handler);
    const c = await connect(port);
    await c.write(Buffer.concat([requestFrame(7), frame(Buffer.alloc(5))]));
    await c.waitClosed();
    expect(c.correlationIds()).toEqual([7]);
    expect(handler.handle).toHaveBeenCalledTimes(1);
    expect(metrics().invalidFrames).toBe(1);
  });
});

describe('response ordering', () => {
  it('writes responses in request order when handlers finish in reverse order', async () => {
    const h = new ControlledHandler();
    const { port } = await setup(h);
    const c = await connect(port);
    await c.write(Buffer.concat([1, 2, 3, 4, 5].map((id) => requestFrame(id))));
    await waitFor(() => h.requests.length === 5);
    for (let i = 4; i >= 1; i--) h.answer(i);
    await sleep(50);
    expect(c.frames.length).toBe(0); // all wait for request 1
    h.answer(0);
    await c.waitForFrames(5);
    expect(c.correlationIds()).toEqual([1, 2, 3, 4, 5]);
  });

  it('sends nothing for a null response and keeps later responses in order', async () => {
    const h = new ControlledHandler();
    const { port } = await setup(h);
    const c = await connect(port);
    await c.write(Buffer.concat([1, 2, 3].map((id) => requestFrame(id))));
    await waitFor(() => h.requests.length === 3);
    h.answer(2);
    h.requests[1].answer.resolve(null); // e.g. Produce with acks=0
    await sleep(30);
    expect(c.frames.length).toBe(0);
    h.answer(0);
    await c.waitForFrames(2);
    await c.write(requestFrame(4));
    await waitFor(() => h.requests.length === 4);
    h.answer(3);
    await c.waitForFrames(3);
    expect(c.correlationIds()).toEqual([1, 3, 4]);
  });

  it('mixes synchronous and asynchronous handlers in order', async () => {
    const { port } = await setup({
      handle: (f) => (correlationIdOf(f) % 2 === 0 ? sleep(20).then(() => echoResponse(f)) : echoResponse(f)),
    });
    const c = await connect(port);
    const ids = Array.from({ length: 20 }, (_, i) => i);
    await c.write(Buffer.concat(ids.map((id) => requestFrame(id))));
    await c.waitForFrames(20);
    expect(c.correlationIds()).toEqual(ids);
  });

  it('writes a list of buffers as one frame', async () => {
    const { port } = await setup({
      handle: (f): ResponsePayload => [f.subarray(4, 8), Buffer.from('one-'), Buffer.alloc(0), Buffer.alloc(200_000, 0x61)],
    });
    const c = await connect(port);
    await c.write(requestFrame(9));
    const [resp] = await c.waitForFrames(1);
    expect(resp.length).toBe(4 + 4 + 200_000);
    expect(resp.readInt32BE(0)).toBe(9);
    expect(resp.subarray(4, 8).toString()).toBe('one-');
    expect(resp[resp.length - 1]).toBe(0x61);
  });
});

describe('handler failures', () => {
  it.each([
    ['throws', (): ResponsePayload => { throw new Error('boom'); }],
    ['rejects', (): Promise<ResponsePayload> => Promise.reject(new Error('boom'))],
    ['returns something that is not a payload', (): ResponsePayload => undefined as unknown as ResponsePayload],
  ])('closes only the connection whose handler %s', async (_name, fail) => {
    const { port } = await setup({
      handle: (f) => (f.subarray(8).toString() === 'fail' ? fail() : echoResponse(f)),
    });
    const bad = await connect(port);
    const good = await connect(port);
    await bad.write(requestFrame(1, Buffer.from('fail')));
    await bad.waitClosed();
    await waitFor(() => server!.connectionInfos().length === 1, 2000, 'the server side of the failed connection to close');
    await good.write(requestFrame(2, Buffer.from('ok')));
    await good.waitForFrames(1);
    expect(good.correlationIds()).toEqual([2]);
    expect(good.closed).toBe(false);
    expect(metrics().handlerErrors).toBe(1);
    expect(server!.inFlightRequests).toBe(0);
  });
});

describe('closing from the handler and from the peer', () => {
  it('closeAfterResponses sends the responses already due, then closes', async () => {
    const { port } = await setup({
      handle: (f, ctx: ConnectionContext) => {
        if (correlationIdOf(f) === 2) ctx.closeAfterResponses();
        return sleep(10).then(() => echoResponse(f));
      },
    });
    const c = await connect(port);
    await c.write(Buffer.concat([requestFrame(1), requestFrame(2)]));
    await c.waitClosed();
    expect(c.correlationIds()).toEqual([1, 2]);
  });

  it('closeAfterResponses from a synchronous handler closes both sides once the response is sent', async () => {
    const { port } = await setup({ handle: (f, ctx) => (ctx.closeAfterResponses(), echoResponse(f)) });
    const c = await connect(port);
    await c.write(requestFrame(1));
    await c.waitClosed();
    expect(c.correlationIds()).toEqual([1]);
    await waitFor(() => server!.connectionInfos().length === 0, 2000, 'the server side to close');
  });

  it('close() drops unanswered requests and closes', async () => {
    const h = new ControlledHandler();
    const contexts: ConnectionContext[] = [];
    const { port } = await setup({ handle: (f, ctx) => (contexts.push(ctx), h.handle(f)) });
    const c = await connect(port);
    await c.write(requestFrame(1));
    await waitFor(() => contexts.length === 1);
    expect(contexts[0].isOpen).toBe(true);
    contexts[0].close();
    expect(contexts[0].isOpen).toBe(false);
    await c.waitClosed();
    h.answer(0); // too late: dropped
    expect(c.frames.length).toBe(0);
    expect(server!.inFlightRequests).toBe(0);
  });

  it('answers requests sent before the peer half-closed', async () => {
    const { port } = await setup({ handle: (f) => sleep(20).then(() => echoResponse(f)) });
    const c = await connect(port);
    c.socket.end(Buffer.concat([requestFrame(1), requestFrame(2)]));
    await c.waitClosed();
    expect(c.correlationIds()).toEqual([1, 2]);
  });

  it('answers every request sent before the half-close, even those held back by back-pressure', async () => {
    const { port } = await setup({ handle: (f) => sleep(5).then(() => echoResponse(f)) }, { maxInFlightRequestsPerConnection: 2 });
    const c = await connect(port);
    const ids = Array.from({ length: 12 }, (_, i) => i);
    c.socket.end(Buffer.concat(ids.map((id) => requestFrame(id))));
    await c.waitClosed();
    expect(c.correlationIds()).toEqual(ids);
  });

  it('gives the handler a context describing the connection and reports open and close', async () => {
    const events: string[] = [];
    let seen: ConnectionContext | undefined;
    const { port } = await setup({
      handle: (f, ctx) => ((seen = ctx), echoResponse(f)),
      connectionOpened: (ctx) => events.push(`open ${ctx.connectionId}`),
      connectionClosed: (ctx, reason) => events.push(`close ${ctx.connectionId} ${reason}`),
    });
    const c = await connect(port);
    await c.write(requestFrame(1));
    await c.waitForFrames(1);
    const ctx = seen!;
    expect(ctx.listenerName).toBe('PLAINTEXT');
    expect(ctx.securityProtocol).toBe('PLAINTEXT');
    expect(ctx.localAddress).toBe('127.0.0.1');
    expect(ctx.localPort).toBe(port);
    expect(ctx.remoteAddress).toBe('127.0.0.1');
    expect(ctx.remotePort).toBe(c.socket.localPort);
    expect(ctx.connectionId).toBe(`127.0.0.1:${port}-127.0.0.1:${c.socket.localPort}-0`);
    c.destroy();
    await waitFor(() => events.length === 2);
    expect(events).toEqual([`open ${ctx.connectionId}`, `close ${ctx.connectionId} peer-closed`]);
    expect(ctx.isOpen).toBe(false);
  });
});
