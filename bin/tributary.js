#!/usr/bin/env -S node --max-semi-space-size=4 --expose-gc
// Package entry point for `npx tributary`: runs the compiled CLI (built by `npm run build`).
// The CLI is bundled by esbuild into one file (our ~340 compiled modules and pino; other npm
// packages stay separate, tools/bundle-cli.js): resolving, reading and wrapping each module file
// cost ~25 ms of a ~160 ms start-up on the bench machine (bench/README.md, "Start-up"). The
// unbundled build in dist/src is the same code and is what the embedding API
// (`require('tributary')`) loads. The bundle is compiled with the V8 code cache `npm run build`
// makes beside it (code-cache.js).
// Node options (here, in package.json's start script and in the Dockerfile; a test keeps the
// three equal): a 4 MiB young generation semi-space (Node's default is 16 MiB). A broker's
// objects are short-lived, and the smaller young generation keeps ~25-30 MiB less resident at no
// measured throughput cost. `--expose-gc` lets decompression pace young-generation collections
// by the bytes the native decoders return (src/protocol/compression/decoded-garbage.ts).
// Both: bench/README.md.
const path = require('node:path');
const { loadWithCodeCache } = require('./code-cache.js');

const cli = path.join(__dirname, '..', 'dist', 'cli');
const { status, writeCache } = loadWithCodeCache(path.join(cli, 'tributary.cjs'), path.join(cli, 'tributary.code-cache'));
if (process.env.TRIBUTARY_CODE_CACHE_REPORT === '1') process.stderr.write(`code cache: ${status}\n`);
// tools/cli-code-cache.js starts the broker with this set and stops it once ready: the cache then
// holds what start-up, serving and shutdown compiled.
if (process.env.TRIBUTARY_WRITE_CODE_CACHE === '1') process.once('exit', writeCache);
