'use strict';
// Loads the CLI bundle as a CommonJS module compiled with a V8 code cache made at build time
// (tools/cli-code-cache.js, run by `npm run build`). Compiling the ~2 MB bundle was ~20 ms of a
// ~130 ms start-up on the bench machine; with the cache V8 deserializes the bytecode of the
// functions start-up runs instead (bench/README.md, "Start-up").
//
// The cache file is one JSON header line, then V8's cache data. The header names the bundle's
// SHA-256: V8 itself checks only the source's length, so a rebuilt bundle of the same length
// would otherwise be given stale bytecode. V8 rejects data made by another Node version or with
// other V8 flags (the cache is made with `npm start`'s flags); then, or with no cache, the bundle
// is compiled as `require` would.
const { isAscii } = require('node:buffer');
const crypto = require('node:crypto');
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const vm = require('node:vm');

const FORMAT = 1;

/** The header line and V8 data of a cache file, or null when it is missing or not ours. */
function readCacheFile(cacheFile) {
  let bytes;
  try {
    bytes = fs.readFileSync(cacheFile);
  } catch {
    return null;
  }
  const nl = bytes.indexOf(10);
  if (nl < 0) return null;
  try {
    const header = JSON.parse(bytes.subarray(0, nl).toString('utf8'));
    if (header.format !== FORMAT || typeof header.bundleSha256 !== 'string') return null;
    return { header, data: bytes.subarray(nl + 1) };
  } catch {
    return null;
  }
}

/**
 * Runs `file` as a CommonJS module. Returns how the cache was used ('used', 'rejected' by V8,
 * 'stale' for another bundle, 'absent'), the module's exports and `writeCache()`, which writes a
 * cache of everything compiled so far (call it late, once the code worth caching has run).
 */
function loadWithCodeCache(file, cacheFile) {
  const bytes = fs.readFileSync(file);
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const cache = readCacheFile(cacheFile);
  const fresh = cache !== null && cache.header.bundleSha256 === sha256;
  // The source is made once, as the string V8 keeps: each extra string copy of the 2 MB bundle
  // would stay resident until a full collection. A leading #! line (legal for require(), not
  // inside the function wrapper) is blanked with spaces, keeping every line and column. An ASCII
  // bundle (ours is) becomes a one-byte string, half the memory of a two-byte one.
  if (bytes[0] === 0x23 && bytes[1] === 0x21) {
    const eol = bytes.indexOf(10);
    bytes.fill(0x20, 0, eol < 0 ? bytes.length : eol);
  }
  const [head, tail] = Module.wrapper;
  const encoding = isAscii(bytes) ? 'latin1' : 'utf8';
  const source = Buffer.concat([Buffer.from(head, 'latin1'), bytes, Buffer.from(tail, 'latin1')]).toString(encoding);
  const script = new vm.Script(source, { filename: file, cachedData: fresh ? cache.data : undefined });
  const status = cache === null ? 'absent' : !fresh ? 'stale' : script.cachedDataRejected ? 'rejected' : 'used';
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(path.dirname(file));
  const run = script.runInThisContext({ displayErrors: true });
  run.call(mod.exports, mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
  mod.loaded = true;
  const writeCache = () => {
    const header = JSON.stringify({ format: FORMAT, bundleSha256: sha256, node: process.version, execArgv: process.execArgv });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, Buffer.concat([Buffer.from(header + '\n'), script.createCachedData()]));
    fs.renameSync(tmp, cacheFile);
  };
  return { status, writeCache, exports: mod.exports };
}

module.exports = { loadWithCodeCache, readCacheFile };
