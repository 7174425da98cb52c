#!/usr/bin/env -S node --max-semi-space-size=4
// Package entry point for `npx tributary`: runs the compiled CLI (built by `npm run build`).
// Node options (here, in package.json's start script and in the Dockerfile): a 4 MiB young
// generation semi-space (Node's default is 16 MiB). A broker's objects are short-lived, and
// the smaller young generation keeps ~25-30 MiB less resident at no measured throughput cost
// (bench/README.md).
require('../dist/src/cli/main.js');
