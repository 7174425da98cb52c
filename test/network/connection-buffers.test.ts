/**
 * Memory reuse in connections, over real sockets on 127.0.0.1: accepted sockets reading into
 * the listener's shared buffer, response payloads carrying a release function, and request
 * frames given back with ctx.recycleFrame.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { CopyingFrameDecoder } from '../../src/network/copying-frame-decoder';
import { FrameDecoder } from '../../src/network/frame-decoder';
import { BoundTcpListener } from '../../src/network/listener';
import type { NetworkOptions } from '../../src/network/network-options';
import {
  RESPONSE_RELEASE,
  attachRelease,
  takeRelease,
  type ConnectionContext,
  type RequestHandler,
} from '../../src/network/request-handler';
import type { SocketServer } from '../../src/network/socket-server';
import {
  ControlledHandler,
  TestClient,
  correlationIdOf,
  echoResponse,
  requestFrame,
  sleep,
  startServer,
  waitFor,
} from './helpers';

const MiB = 1024 * 1024;

let server: SocketServer | undefined;
const clients: TestClient[] = [];
const sockets: net.Socket[] = [];

async function setup(handler: RequestHandler, opts: Partial<NetworkOptions> = {}): Promise<{ server: SocketServer; port: number }> {
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
  jest.restoreAllMocks();
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
  server = undefined;
});

function metrics(): { bytesIn: number; requestsReceived: number; invalidFrames: number; handlerErrors: number } {
  return server!.metrics().get('PLAINTEXT')!;
}

function sha256(b: Buffer): Buffer {
  return createHash('sha256').update(b).digest();
}

/** A response carrying the request's correlation id, then the SHA-256 of its body. */
function hashResponse(f: Buffer): Buffer {
  const id = Buffer.alloc(4);
  id.writeInt32BE(correlationIdOf(f), 0);
  return Buffer.concat([id, sha256(f.subarray(8))]);
}

/** A release function that counts its calls. */
function releaseCounter(): jest.Mock<void, []> {
  return jest.fn<void, []>();
}

/**
 * A raw client for large responses: starts paused (reads nothing, so the server's writes back
 * up), keeps what it reads as a list of chunks.
 */
class PausedReader {
  readonly chunks: Buffer[] = [];
  received = 0;
  closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.pause();
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.received += d.length;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => (this.closed = true));
  }

  static connect(port: number): Promise<PausedReader> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => {
        sockets.push(s);
        resolve(new PausedReader(s));
      });
      s.once('error', reject);
    });
  }

  write(b: Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(b, (err) => (err ? reject(err) : resolve())));
  }

  resume(): void {
    this.socket.resume();
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const READ_MODES: Array<[string, Partial<NetworkOptions>]> = [
  ['the shared read buffer (default)', {}],
  ['a buffer per read (sharedReadBuffer: false)', { sharedReadBuffer: false }],
];

describe('reading into the shared buffer', () => {
  it('is what accepted sockets use by default on this Node', async () => {
    const bind = jest.spyOn(BoundTcpListener, 'bind');
    const copyingPush = jest.spyOn(CopyingFrameDecoder.prototype, 'push');
    const plainPush = jest.spyOn(FrameDecoder.prototype, 'push');
    const { port } = await setup({ handle: echoResponse });
    expect(bind).toHaveBeenCalledTimes(1);
    expect(Buffer.isBuffer(bind.mock.calls[0][2])).toBe(true);
    const listener = await bind.mock.results[0].value;
    expect(listener.sharedReads).toBe(true);

    const c = await connect(port);
    await c.write(requestFrame(1, Buffer.from('ping')));
    await c.waitForFrames(1);
    expect(c.frames[0].subarray(4).toString()).toBe('ping');
    expect(copyingPush).toHaveBeenCalled();
    expect(plainPush).not.toHaveBeenCalled();
  });

  it('is not used with sharedReadBuffer: false', async () => {
    const bind = jest.spyOn(BoundTcpListener, 'bind');
    const copyingPush = jest.spyOn(CopyingFrameDecoder.prototype, 'push');
    const plainPush = jest.spyOn(FrameDecoder.prototype, 'push');
    const { port } = await setup({ handle: echoResponse }, { sharedReadBuffer: false });
    expect(bind.mock.calls[0][2]).toBeUndefined();
    const listener = await bind.mock.results[0].value;
    expect(listener.sharedReads).toBe(false);

    const c = await connect(port);
    await c.write(requestFrame(1, Buffer.from('ping')));
    await c.waitForFrames(1);
    expect(plainPush).toHaveBeenCalled();
    expect(copyingPush).not.toHaveBeenCalled();
  });

  describe.each(READ_MODES)('with %s', (_mode, opts) => {
    it('reassembles frames split at every byte boundary of the stream', async () => {
      const seen: string[] = [];
      const { port } = await setup({ handle: (f) => (seen.push(f.subarray(8).toString()), echoResponse(f)) }, opts);
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
      expect(seen).toEqual(Array.from({ length: rounds }, () => ['a', 'bcdef', '']).flat());
    });

    it('keeps the bytes of connections reading at the same time apart', async () => {
      const { port } = await setup({ handle: hashResponse }, opts);
      const perClient = 5;
      const cs = await Promise.all(Array.from({ length: 4 }, () => connect(port)));
      const bodies = cs.map(() => Array.from({ length: perClient }, (_, i) => randomBytes(100_000 + i * 77_777)));
      const streams = cs.map((_, k) => Buffer.concat(bodies[k].map((b, i) => requestFrame(k * 100 + i, b))));
      // Interleave the clients' writes in uneven pieces so that their reads alternate.
      const pieces = [1, 3, 4000, 65_536, 7, 100_000, 250_000];
      const pos = streams.map(() => 0);
      for (let round = 0; pos.some((p, k) => p < streams[k].length); round++) {
        const writes: Promise<void>[] = [];
        cs.forEach((c, k) => {
          if (pos[k] >= streams[k].length) return;
          const n = pieces[(round + k) % pieces.length];
          writes.push(c.write(streams[k].subarray(pos[k], pos[k] + n)));
          pos[k] += n;
        });
        await Promise.all(writes);
      }
      await Promise.all(cs.map((c) => c.waitForFrames(perClient)));
      cs.forEach((c, k) => {
        expect(c.correlationIds()).toEqual(bodies[k].map((_, i) => k * 100 + i));
        c.frames.forEach((f, i) => expect(f.subarray(4).equals(sha256(bodies[k][i]))).toBe(true));
      });
    });
  });
});

describe('attachRelease / takeRelease', () => {
  it('carries the release on the payload array until taken, once', () => {
    const fn = releaseCounter();
    const parts = [Buffer.from('a'), Buffer.from('b')];
    const payload = attachRelease(parts, fn);
    expect(payload).toBe(parts);
    expect(typeof (payload as unknown as Record<symbol, unknown>)[RESPONSE_RELEASE]).toBe('function');
    const taken = takeRelease(payload);
    expect(takeRelease(payload)).toBeUndefined();
    expect(fn).not.toHaveBeenCalled();
    taken?.();
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('wraps a single Buffer in an array', () => {
    const fn = releaseCounter();
    const b = Buffer.from('x');
    const payload = attachRelease(b, fn);
    expect(Array.isArray(payload)).toBe(true);
    expect(payload).toHaveLength(1);
    expect(payload[0]).toBe(b);
    takeRelease(payload)?.();
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('runs every release attached to the same payload, in order', () => {
    const calls: string[] = [];
    const payload = attachRelease(attachRelease([Buffer.from('a')], () => calls.push('first')), () => calls.push('second'));
    takeRelease(payload)?.();
    expect(calls).toEqual(['first', 'second']);
  });

  it('finds nothing on payloads without one', () => {
    expect(takeRelease(null)).toBeUndefined();
    expect(takeRelease(Buffer.from('a'))).toBeUndefined();
    expect(takeRelease([Buffer.from('a')])).toBeUndefined();
  });
});

describe('releasing response memory', () => {
  it.each<[string, (f: Buffer) => Buffer | Buffer[]]>([
    ['a list of buffers', (f) => [echoResponse(f).subarray(0, 4), Buffer.from('body-'), Buffer.alloc(100_000, 0x62)]],
    ['a list ending with empty buffers', (f) => [echoResponse(f).subarray(0, 4), Buffer.from('x'), Buffer.alloc(0), Buffer.alloc(0)]],
    ['a single buffer', (f) => echoResponse(f)],
  ])('calls the release of a written response exactly once, once the client has it (%s)', async (_name, make) => {
    const fn = releaseCounter();
    let expected: Buffer | undefined;
    const { port } = await setup({
      handle: (f) => {
        if (correlationIdOf(f) !== 5) return echoResponse(f);
        const payload = make(f);
        expected = Buffer.concat(Buffer.isBuffer(payload) ? [payload] : payload);
        return attachRelease(payload, fn);
      },
    });
    const c = await connect(port);
    await c.write(requestFrame(5, Buffer.from('hello')));
    const [resp] = await c.waitForFrames(1);
    expect(resp.equals(expected!)).toBe(true);
    await waitFor(() => fn.mock.calls.length > 0, 2000, 'the release');
    // A second request on the same connection does not run it again.
    await c.write(requestFrame(6));
    await c.waitForFrames(2);
    await sleep(20);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('calls the release of an empty response once', async () => {
    const fn = releaseCounter();
    const { port } = await setup({ handle: () => attachRelease([Buffer.alloc(0)], fn) });
    const c = await connect(port);
    await c.write(requestFrame(1));
    const [resp] = await c.waitForFrames(1);
    expect(resp.length).toBe(0);
    await waitFor(() => fn.mock.calls.length > 0, 2000, 'the release');
    await sleep(20);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('does not release before the socket has taken the last buffer (a client that does not read)', async () => {
    const fn = releaseCounter();
    // Larger than every kernel buffer on the path, so the write cannot complete while the client is paused.
    const body = Buffer.alloc(64 * MiB, 0x5a);
    const { port } = await setup({ handle: (f) => attachRelease([f.subarray(4, 8), Buffer.from('head'), body], fn) });
    const reader = await PausedReader.connect(port);
    await reader.write(requestFrame(77));
    await waitFor(() => metrics().requestsReceived === 1);
    await sleep(200);
    expect(fn).not.toHaveBeenCalled();

    reader.resume();
    await waitFor(() => reader.received >= 4 + 8 + body.length, 20_000, 'the whole response');
    const got = reader.bytes();
    expect(got.readInt32BE(0)).toBe(8 + body.length);
    expect(got.readInt32BE(4)).toBe(77);
    expect(got.subarray(8, 12).toString()).toBe('head');
    expect(got.subarray(12).equals(body)).toBe(true);
    await waitFor(() => fn.mock.calls.length > 0, 2000, 'the release');
    await sleep(20);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('releases once when the client goes away while the response is still being written', async () => {
    const fn = releaseCounter();
    const body = Buffer.alloc(64 * MiB, 0x5a);
    const { port } = await setup({ handle: (f) => attachRelease([f.subarray(4, 8), body], fn) });
    const reader = await PausedReader.connect(port);
    await reader.write(requestFrame(1));
    await waitFor(() => metrics().requestsReceived === 1);
    await sleep(50);
    expect(fn).not.toHaveBeenCalled();
    reader.socket.destroy();
    await waitFor(() => fn.mock.calls.length > 0, 5000, 'the release');
    await waitFor(() => server!.connectionInfos().length === 0, 5000, 'the server side to close');
    await sleep(20);
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe('releasing responses that are dropped', () => {
  it('releases a response settled after the connection was closed, once', async () => {
    const h = new ControlledHandler();
    const contexts: ConnectionContext[] = [];
    const { port } = await setup({ handle: (f, ctx) => (contexts.push(ctx), h.handle(f)) });
    const c = await connect(port);
    await c.write(requestFrame(1));
    await waitFor(() => h.requests.length === 1);
    contexts[0].close();
    await c.waitClosed();
    await waitFor(() => server!.connectionInfos().length === 0, 2000, 'the server side to close');
    const fn = releaseCounter();
    h.requests[0].answer.resolve(attachRelease([echoResponse(h.requests[0].frame)], fn));
    await waitFor(() => fn.mock.calls.length > 0, 2000, 'the release');
    await sleep(20);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(server!.inFlightRequests).toBe(0);
  });

  it.each<[string, (s: net.Socket) => void]>([
    ['closes its socket (FIN: the broker still answers, as after a half-close)', (s) => s.destroy()],
    ['resets its socket (RST)', (s) => s.resetAndDestroy()],
  ])('releases a response settled after the client %s, once', async (_name, disconnect) => {
    const h = new ControlledHandler();
    const { port } = await setup(h);
    const c = await connect(port);
    await c.write(requestFrame(1));
    await waitFor(() => h.requests.length === 1);
    disconnect(c.socket);
    await c.waitClosed();
    await sleep(30); // the server sees the FIN or the reset
    const fn = releaseCounter();
    h.requests[0].answer.resolve(attachRelease([echoResponse(h.requests[0].frame)], fn));
    await waitFor(() => fn.mock.calls.length > 0, 2000, 'the release');
    await waitFor(() => server!.connectionInfos().length === 0, 5000, 'the server side to close');
    await sleep(20);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(server!.inFlightRequests).toBe(0);
  });

  type CloseIt = (c: TestClient, contexts: ConnectionContext[], h: ControlledHandler) => void | Promise<void>;
  it.each<[string, CloseIt, boolean]>([
    ['the client resets the connection', (c) => void c.socket.resetAndDestroy(), true],
    ['the handler closes the connection', (_c, contexts) => contexts[0].close(), true],
    ['the earlier request fails', (_c, _contexts, h) => h.requests[0].answer.reject(new Error('boom')), false],
    ['the server is closed', () => server!.close(), true],
  ])('releases a response queued behind an unanswered request once when %s', async (_name, closeIt, firstStillOpen) => {
    const h = new ControlledHandler();
    const contexts: ConnectionContext[] = [];
    const { port } = await setup({ handle: (f, ctx) => (contexts.push(ctx), h.handle(f)) });
    const c = await connect(port);
    await c.write(Buffer.concat([requestFrame(1), requestFrame(2)]));
    await waitFor(() => h.requests.length === 2);
    const queued = releaseCounter();
    h.requests[1].answer.resolve(attachRelease([echoResponse(h.requests[1].frame)], queued));
    await sleep(30);
    expect(c.frames.length).toBe(0); // waits for request 1
    expect(queued).not.toHaveBeenCalled();

    await closeIt(c, contexts, h);
    await waitFor(() => queued.mock.calls.length > 0, 2000, 'the release of the queued response');
    await waitFor(() => server!.connectionInfos().length === 0, 2000, 'the server side to close');
    // Answering the first request now changes nothing for the second; its own release runs once.
    const late = releaseCounter();
    if (firstStillOpen) {
      h.requests[0].answer.resolve(attachRelease([echoResponse(h.requests[0].frame)], late));
      await waitFor(() => late.mock.calls.length > 0, 2000, 'the release of the late response');
    }
    await sleep(30);
    expect(queued).toHaveBeenCalledTimes(1);
    expect(late.mock.calls.length).toBe(firstStillOpen ? 1 : 0);
    expect(c.frames.length).toBe(0);
    expect(server!.inFlightRequests).toBe(0);
  });

  it('releases every response still queued when the connection closes, and only those, once each', async () => {
    const h = new ControlledHandler();
    const { port } = await setup(h);
    const c = await connect(port);
    await c.write(Buffer.concat([1, 2, 3, 4].map((id) => requestFrame(id))));
    await waitFor(() => h.requests.length === 4);
    const fns = [0, 1, 2, 3].map(() => releaseCounter());
    // 1 is answered and written; 3 and 4 are answered and wait for 2.
    h.requests[0].answer.resolve(attachRelease([echoResponse(h.requests[0].frame)], fns[0]));
    await c.waitForFrames(1);
    await waitFor(() => fns[0].mock.calls.length > 0, 2000, 'the release of the written response');
    h.requests[2].answer.resolve(attachRelease([echoResponse(h.requests[2].frame)], fns[2]));
    h.requests[3].answer.resolve(attachRelease([echoResponse(h.requests[3].frame)], fns[3]));
    await sleep(20);
    expect(fns[2]).not.toHaveBeenCalled();
    expect(fns[3]).not.toHaveBeenCalled();
    c.socket.resetAndDestroy();
    await waitFor(() => server!.connectionInfos().length === 0, 2000, 'the server side to close');
    await waitFor(() => fns[2].mock.calls.length > 0 && fns[3].mock.calls.length > 0, 2000, 'the releases');
    h.requests[1].answer.resolve(attachRelease([echoResponse(h.requests[1].frame)], fns[1]));
    await waitFor(() => fns[1].mock.calls.length > 0, 2000, 'the release of the late response');
    await sleep(20);
    for (const fn of fns) expect(fn).toHaveBeenCalledTimes(1);
    expect(c.frames.length).toBe(1);
  });
});

describe.each(READ_MODES)('recycled request frames, with %s', (_mode, opts) => {
  const BODY = 2 * MiB;

  it('serve later requests from the same memory, each with its own bytes intact', async () => {
    const buffers: ArrayBufferLike[] = [];
    const { port } = await setup(
      {
        handle: (f, ctx) => {
          expect(typeof ctx.recycleFrame).toBe('function');
          buffers.push(f.buffer);
          const response = hashResponse(f);
          ctx.recycleFrame!(f);
          return response;
        },
      },
      opts,
    );
    const c = await connect(port);
    const n = 6;
    for (let i = 0; i < n; i++) {
      const body = randomBytes(BODY);
      await c.write(requestFrame(i, body));
      const frames = await c.waitForFrames(i + 1);
      expect(frames[i].readInt32BE(0)).toBe(i);
      expect(frames[i].subarray(4).equals(sha256(body))).toBe(true);
    }
    expect(buffers).toHaveLength(n);
    for (const b of buffers.slice(1)) expect(b).toBe(buffers[0]);
  });

  it('keep their bytes intact when requests are pipelined', async () => {
    const buffers = new Set<ArrayBufferLike>();
    const { port } = await setup(
      {
        handle: (f, ctx) => {
          buffers.add(f.buffer);
          const response = hashResponse(f);
          ctx.recycleFrame!(f);
          return response;
        },
      },
      opts,
    );
    const c = await connect(port);
    const bodies = Array.from({ length: 10 }, () => randomBytes(BODY));
    await c.write(Buffer.concat(bodies.map((b, i) => requestFrame(i, b))));
    await c.waitForFrames(bodies.length, 20_000);
    expect(c.correlationIds()).toEqual(bodies.map((_, i) => i));
    c.frames.forEach((f, i) => expect(f.subarray(4).equals(sha256(bodies[i]))).toBe(true));
    expect(buffers.size).toBeLessThanOrEqual(2);
  });

  it('are never reused when the handler keeps them', async () => {
    const kept: Array<{ frame: Buffer; digest: Buffer }> = [];
    const { port } = await setup(
      {
        handle: (f) => {
          kept.push({ frame: f, digest: sha256(f.subarray(8)) });
          return hashResponse(f);
        },
      },
      opts,
    );
    const c = await connect(port);
    for (let i = 0; i < 4; i++) {
      await c.write(requestFrame(i, randomBytes(BODY)));
      await c.waitForFrames(i + 1);
    }
    expect(new Set(kept.map((k) => k.frame.buffer)).size).toBe(kept.length);
    for (const k of kept) expect(sha256(k.frame.subarray(8)).equals(k.digest)).toBe(true);
  });
});
