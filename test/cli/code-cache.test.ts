/**
 * bin/code-cache.js: bin/tributary.js runs the CLI bundle through it, with the V8 code cache that
 * `npm run build` makes. The module must behave as under require() whatever the state of the
 * cache: used, missing, made for another bundle (V8 alone checks only the source length), or
 * refused by V8. Each load runs in a fresh Node process, as the CLI does (within one process V8
 * answers a second compile of the same source from memory and never reads the cache).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const loader = join(__dirname, '..', '..', 'bin', 'code-cache.js');

interface Loaded {
  status: 'used' | 'rejected' | 'stale' | 'absent';
  exports: { value: string; filename: string; dirname: string; joined: string };
}

let dir: string;
let file: string;
let cache: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'code-cache-'));
  file = join(dir, 'bundle.cjs');
  cache = join(dir, 'bundle.code-cache');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A CommonJS module (with a #! line, as the bundle has) that reports what it saw. */
const moduleSource = (value: string): string =>
  [
    '#!/usr/bin/env node',
    "const path = require('node:path');",
    `module.exports = { value: ${JSON.stringify(value)}, filename: __filename, dirname: __dirname, joined: path.join('a', 'b') };`,
    '',
  ].join('\n');

/** Loads `file` in a new process (with a Node option, as `npm start` has); with `write`, writes the cache afterwards. */
function load(write = false): Loaded {
  const script = join(dir, 'load.js');
  writeFileSync(script, `const r = require(${JSON.stringify(loader)}).loadWithCodeCache(${JSON.stringify(file)}, ${JSON.stringify(cache)});
${write ? 'r.writeCache();' : ''}
process.stdout.write(JSON.stringify({ status: r.status, exports: r.exports }));`);
  return JSON.parse(execFileSync(process.execPath, ['--max-semi-space-size=4', script], { encoding: 'utf8' })) as Loaded;
}

describe('bin/code-cache.js', () => {
  it('runs the module without a cache, writes one, and uses it in the next process', () => {
    writeFileSync(file, moduleSource('first'));
    const first = load(true);
    expect(first).toEqual({ status: 'absent', exports: { value: 'first', filename: file, dirname: dir, joined: join('a', 'b') } });
    const header = JSON.parse(readFileSync(cache, 'utf8').split('\n')[0]!) as Record<string, unknown>;
    expect(header).toEqual({
      format: 1,
      bundleSha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
      node: process.version,
      execArgv: ['--max-semi-space-size=4'],
    });
    expect(load()).toEqual({ ...first, status: 'used' });
  });

  it('decodes a bundle with non-ASCII text as UTF-8 (an ASCII one is read as one-byte text)', () => {
    writeFileSync(file, moduleSource('ünïcode → ok'));
    expect(load(true).exports.value).toBe('ünïcode → ok');
    expect(load()).toMatchObject({ status: 'used', exports: { value: 'ünïcode → ok' } });
  });

  it('ignores a cache made for another bundle of the same length and runs the new code', () => {
    writeFileSync(file, moduleSource('before'));
    load(true);
    writeFileSync(file, moduleSource('after!'));
    expect(moduleSource('after!').length).toBe(moduleSource('before').length);
    const r = load();
    expect(r.status).toBe('stale');
    expect(r.exports.value).toBe('after!');
  });

  it('compiles normally when the cache file is garbage or V8 refuses its data', () => {
    writeFileSync(file, moduleSource('plain'));
    writeFileSync(cache, Buffer.from('not a cache at all'));
    expect(load()).toMatchObject({ status: 'absent', exports: { value: 'plain' } });

    load(true);
    const [header] = readFileSync(cache, 'utf8').split('\n');
    writeFileSync(cache, Buffer.concat([Buffer.from(`${header}\n`), Buffer.alloc(4096, 0xa5)]));
    expect(load()).toMatchObject({ status: 'rejected', exports: { value: 'plain' } });
  });
});
