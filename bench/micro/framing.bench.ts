/**
 * Network framing over loopback: a SocketServer with a trivial handler, driven
 * by a raw TCP client in a worker thread (so client and server do not share
 * an event loop).
 *
 *   small requests  : 32-byte request frames, 8-byte responses, pipelined → frames/s
 *   1 MiB requests  : 1 MiB request frames, 8-byte responses               → MB/s in
 *   1 MiB responses : 32-byte requests, 1 MiB responses (list of 16 slices) → MB/s out
 *
 * Run: npx tsx bench/micro/framing.bench.ts [seconds per case, default 3]
 */
import { Worker } from 'node:worker_threads';
import { SocketServer } from '../../src/network';
import { rootLogger } from '../../src/util/logger';

rootLogger().level = 'warn';

const SECONDS = Number(process.argv[2] ?? 3);
const MIB = 1024 * 1024;
const bigResponse = Buffer.alloc(MIB, 0x42);
const bigParts = Array.from({ length: 16 }, (_, i) => bigResponse.subarray(i * (MIB / 16), (i + 1) * (MIB / 16)));

/** Client: sends `frame` repeatedly keeping `window` requests outstanding; counts responses of `respSize` bytes (with prefix). */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const net = require('node:net');
const { port, reqSize, respSize, window, seconds } = workerData;
const frame = Buffer.alloc(4 + reqSize, 0x11);
frame.writeInt32BE(reqSize, 0);
frame.writeInt16BE(0, 4); frame.writeInt16BE(0, 6); frame.writeInt32BE(1, 8);
const batchFrames = Math.max(1, Math.min(64, window, Math.floor(65536 / frame.length)));
const batch = Buffer.concat(Array.from({ length: batchFrames }, () => frame));
let sent = 0, received = 0, bytes = 0, done = false, blocked = false;
const s = net.connect({ port, host: '127.0.0.1' }, () => {
  s.setNoDelay(true);
  const t0 = process.hrtime.bigint();
  const end = t0 + BigInt(Math.round(seconds * 1e9));
  const fill = () => {
    while (!done && !blocked && sent - received + batchFrames <= window) {
      sent += batchFrames;
      if (!s.write(batch)) {
        blocked = true;
        s.once('drain', () => { blocked = false; fill(); });
      }
    }
  };
  s.on('data', (d) => {
    bytes += d.length;
    received = Math.floor(bytes / respSize);
    if (!done && process.hrtime.bigint() >= end) {
      done = true;
      const ns = Number(process.hrtime.bigint() - t0);
      parentPort.postMessage({ responses: received, ns });
      s.destroy();
      return;
    }
    fill();
  });
  fill();
});
`;

function runClient(port: number, reqSize: number, respSize: number, window: number): Promise<{ responses: number; ns: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(CLIENT, { eval: true, workerData: { port, reqSize, respSize, window, seconds: SECONDS } });
    w.once('message', (m) => {
      resolve(m as { responses: number; ns: number });
      void w.terminate();
    });
    w.once('error', reject);
  });
}

async function main(): Promise<void> {
  const ack = Buffer.from([0, 0, 0, 1]);
  const server = new SocketServer(
    {
      // Answer with the correlation id (8-byte frame on the wire); large requests get a shared ack.
      handle: (f) => {
        if (f.length > 1000) return ack;
        const r = Buffer.allocUnsafe(4);
        f.copy(r, 0, 4, 8);
        return r;
      },
    },
    { listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0, securityProtocol: 'PLAINTEXT' }], maxInFlightRequestsPerConnection: 500 },
  );
  const [{ port }] = await server.start();
  const results: Record<string, number> = {};

  const small = await runClient(port, 32, 8, 400);
  results['small frames/s'] = (small.responses * 1e9) / small.ns;
  console.log(`small requests (32 B)   ${results['small frames/s'].toFixed(0).padStart(10)} frames/s`);

  const bigIn = await runClient(port, MIB, 8, 8);
  results['1MiB in MB/s'] = (bigIn.responses * MIB * 1e9) / bigIn.ns / 1e6;
  console.log(`1 MiB requests          ${results['1MiB in MB/s'].toFixed(0).padStart(10)} MB/s (${bigIn.responses} frames)`);

  await server.close();

  // Responses of 1 MiB: a server whose every answer is the 16-slice list.
  const out = new SocketServer(
    { handle: () => bigParts },
    { listeners: [{ name: 'PLAINTEXT', host: '127.0.0.1', port: 0, securityProtocol: 'PLAINTEXT' }] },
  );
  const [{ port: outPort }] = await out.start();
  const bigOut = await runClient(outPort, 32, 4 + MIB, 8);
  results['1MiB out MB/s'] = (bigOut.responses * MIB * 1e9) / bigOut.ns / 1e6;
  console.log(`1 MiB responses         ${results['1MiB out MB/s'].toFixed(0).padStart(10)} MB/s (${bigOut.responses} frames)`);
  await out.close();

  console.log(JSON.stringify({ bench: 'framing', seconds: SECONDS, results }));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
