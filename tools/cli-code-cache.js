'use strict';
// Makes dist/cli/tributary.code-cache, the V8 code cache bin/tributary.js compiles the CLI bundle
// with (bin/code-cache.js). Run by `npm run build` after tools/bundle-cli.js: starts the broker as
// `npm start` does (same Node options: V8 accepts a cache only under the flags it was made with)
// on a temporary data directory and a free port, asks it for ApiVersions and Metadata as a client's
// first requests do, stops it with SIGTERM, and the broker writes the cache of everything compiled
// so far as it exits. Leaves an existing cache alone when it was made for this bundle, Node and
// flags. On failure it says why and exits 1: the build is then incomplete (start-up works without
// the cache, ~20 ms slower).
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { readCacheFile } = require('../bin/code-cache.js');
const { npmStartNodeOptions } = require('./npm-start-options.js');

const root = path.join(__dirname, '..');
const bundle = path.join(root, 'dist', 'cli', 'tributary.cjs');
const cacheFile = path.join(root, 'dist', 'cli', 'tributary.code-cache');
const TIMEOUT_MS = 60_000;

/** A request frame with a v1 header (client id "code-cache") and `body`. */
function requestFrame(apiKey, apiVersion, correlationId, body) {
  const clientId = Buffer.from('code-cache');
  const header = Buffer.alloc(10);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + clientId.length + body.length, 0);
  return Buffer.concat([size, header, clientId, body]);
}

/** Sends ApiVersions v0 and Metadata v1 (all topics) and waits for both answers. */
function firstRequests(port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let answers = 0;
    socket.on('connect', () => {
      socket.write(requestFrame(18, 0, 1, Buffer.alloc(0)));
      socket.write(requestFrame(3, 1, 2, Buffer.from([0xff, 0xff, 0xff, 0xff])));
    });
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      while (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        received = received.subarray(4 + received.readInt32BE(0));
        if (++answers === 2) {
          socket.end();
          resolve();
        }
      }
    });
    socket.on('error', reject);
    socket.setTimeout(TIMEOUT_MS, () => reject(new Error(`no answer to ApiVersions and Metadata within ${TIMEOUT_MS} ms`)));
  });
}

/** The broker started here; killed if making the cache fails, so no broker outlives the build. */
let child;

async function main() {
  const nodeOptions = npmStartNodeOptions(root);
  const sha256 = crypto.createHash('sha256').update(fs.readFileSync(bundle)).digest('hex');
  const existing = readCacheFile(cacheFile);
  if (
    existing &&
    existing.header.bundleSha256 === sha256 &&
    existing.header.node === process.version &&
    JSON.stringify(existing.header.execArgv) === JSON.stringify(nodeOptions)
  ) {
    return;
  }
  child = spawn(
    process.execPath,
    [...nodeOptions, path.join(root, 'bin', 'tributary.js'), '--ephemeral', '--override', 'listeners=PLAINTEXT://127.0.0.1:0'],
    { env: { ...process.env, TRIBUTARY_LOG_FORMAT: 'json', TRIBUTARY_WRITE_CODE_CACHE: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let output = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the broker was not ready within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    let ready = false;
    const onData = (chunk) => {
      output += chunk.toString('utf8');
      if (ready) return;
      const complete = output.split('\n').slice(0, -1);
      for (const line of complete) {
        let entry;
        try {
          entry = JSON.parse(line);
        } catch {
          continue;
        }
        if (!/ ready on /.test(entry.msg ?? '')) continue;
        clearTimeout(timer);
        ready = true;
        const port = entry.listeners?.[0]?.port;
        if (typeof port === 'number') resolve(port);
        else reject(new Error(`no listener port in: ${line}`));
        return;
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (chunk) => (output += chunk.toString('utf8')));
    void exited.then(({ code }) => reject(new Error(`the broker exited (code ${code}) before it was ready:\n${output}`)));
  });
  await firstRequests(port);
  child.kill('SIGTERM');
  const stopTimer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
  const { code, signal } = await exited;
  clearTimeout(stopTimer);
  if (signal === 'SIGKILL') throw new Error(`the broker did not stop within ${TIMEOUT_MS} ms of SIGTERM`);
  if (code !== 0) throw new Error(`the broker exited with code ${code}:\n${output}`);
  if (readCacheFile(cacheFile)?.header.bundleSha256 !== sha256) throw new Error('the broker exited without writing the cache');
}

main().catch((e) => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  process.stderr.write(`tools/cli-code-cache.js: no code cache made for dist/cli/tributary.cjs: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
