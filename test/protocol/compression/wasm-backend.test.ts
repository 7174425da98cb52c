/**
 * @platformatic/wasm-utils is an ES module that jest's loader cannot require, so its compressors are
 * exercised in a plain Node child process (as the broker runs) and the output is checked here with
 * the napi and TypeScript decoders.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { decompress, overrideBackends, resetBackendOverrides } from '../../../src/protocol/compression';
import { readLz4FrameDescriptor } from '../../../src/protocol/compression/lz4-frame';
import { xxhash32 } from '../../../src/protocol/compression/xxhash32';
import { Compression } from '../../../src/protocol/records/batch-header';

const root = resolve(__dirname, '../../..');

const CHILD = `
const c = require('./src/protocol/compression/index.ts');
const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => 'record-' + (i % 97) + ';').join(''));
process.stdout.write(JSON.stringify({
  backends: c.availableBackends(),
  data: data.toString('base64'),
  snappy: c.compress(2, data).toString('base64'),
  lz4: c.compress(3, data).toString('base64'),
  lz4Legacy: c.compress(3, data, { legacyLz4HeaderChecksum: true }).toString('base64'),
}));
`;

describe('wasm-utils compressors (child process)', () => {
  const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', CHILD], { cwd: root, encoding: 'utf8' }));
  const data = Buffer.from(out.data, 'base64');
  afterEach(() => resetBackendOverrides());

  it('loads in plain Node', () => {
    expect(out.backends.wasmUtils).toBe(true);
  });

  it('produces xerial snappy and Kafka-style lz4 frames our decoders read', () => {
    const snappy = Buffer.from(out.snappy, 'base64');
    const lz4 = Buffer.from(out.lz4, 'base64');
    expect(snappy.subarray(0, 8).toString('hex')).toBe('82534e4150505900');
    expect(readLz4FrameDescriptor(lz4)).toMatchObject({ blockChecksum: false, contentChecksum: false, contentSize: undefined });
    for (const useNative of [true, false]) {
      if (!useNative) overrideBackends({ snappy: undefined, lz4: undefined });
      expect(decompress(Compression.SNAPPY, snappy, { maxOutputBytes: data.length }).equals(data)).toBe(true);
      expect(decompress(Compression.LZ4, lz4, { maxOutputBytes: data.length }).equals(data)).toBe(true);
    }
  });

  it('writes the broken KIP-57 header checksum when asked', () => {
    const legacy = Buffer.from(out.lz4Legacy, 'base64');
    const hcPos = readLz4FrameDescriptor(legacy, true).headerSize - 1;
    expect(legacy[hcPos]).toBe((xxhash32(legacy, 0, hcPos) >>> 8) & 0xff);
    expect(decompress(Compression.LZ4, legacy, { legacyLz4HeaderChecksum: true }).equals(data)).toBe(true);
  });
});
