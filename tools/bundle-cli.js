'use strict';
// Bundles the compiled CLI (dist/src/cli/main.js) into dist/cli/tributary.cjs with esbuild. Run by
// `npm run build` after tsc and before tools/cli-code-cache.js.
//
// Our own dependencies stay outside the bundle (loaded from node_modules) except those listed in
// BUNDLED: native addons load .node files and @platformatic/wasm-utils a .wasm file relative to
// their own paths, and pino-pretty is only loaded on a terminal. pino (and the small packages it
// requires) is always loaded at start-up; inside the bundle it skips module resolution and is
// compiled from the bundle's V8 code cache: spawn -> port open with an empty data directory
// ~117 vs ~128 ms (alternated 6x). pino's transports (worker threads) are never used by the CLI.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const BUNDLED = new Set(['pino']);

const dependencies = Object.keys(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).dependencies ?? {});
const external = dependencies.filter((d) => !BUNDLED.has(d)).flatMap((d) => [d, `${d}/*`]);

esbuild
  .build({
    entryPoints: [path.join(root, 'dist', 'src', 'cli', 'main.js')],
    outfile: path.join(root, 'dist', 'cli', 'tributary.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    external,
    logLevel: 'warning',
  })
  .catch(() => process.exit(1));
