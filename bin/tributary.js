#!/usr/bin/env node
// Package entry point for `npx tributary`: runs the compiled CLI (built by `npm run build`).
require('../dist/src/cli/main.js');
